import { Module } from '@nestjs/common';
import { LeadStatsController } from './lead-stats.controller.js';
import { LeadWhatsAppController } from './lead-whatsapp.controller.js';
import { LeadsController } from './leads.controller.js';
import { LeadsService } from './leads.service.js';

@Module({ controllers: [LeadsController, LeadWhatsAppController, LeadStatsController], providers: [LeadsService] })
export class LeadsModule {}
