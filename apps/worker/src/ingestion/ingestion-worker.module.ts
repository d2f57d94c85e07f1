import { Module } from '@nestjs/common';
import { leadAdaptersProvider } from './lead-adapters.provider.js';
import { LeadIntakeService } from './lead-intake.service.js';
import { NormalizeLeadProcessor } from './normalize-lead.processor.js';

/** Stored notifications → normalized leads (fetching from Meta/TikTok where the webhook has only ids). */
@Module({ providers: [leadAdaptersProvider, LeadIntakeService, NormalizeLeadProcessor] })
export class IngestionWorkerModule {}
