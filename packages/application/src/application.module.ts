import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { WhatsAppClient } from '@leadflow/integration-whatsapp';
import { APP_CONFIG } from '@leadflow/runtime';
import { AutomationDispatcher } from './automations/automation-dispatcher.service.js';
import { Clock } from './clock.js';
import { LeadStatusService } from './leads/lead-status.service.js';
import { OrganisationReader } from './organisation/organisation-reader.js';
import { LeadRouter } from './routing/lead-router.service.js';
import { SlaMonitor } from './sla/sla-monitor.service.js';
import { ReportRollups } from './reports/report-rollups.service.js';
import { OdooChanges } from './odoo/odoo-changes.service.js';
import { SyncJobs } from './sync/sync-jobs.service.js';
import { WHATSAPP_CLIENT, WhatsAppConversations } from './whatsapp/whatsapp-conversation.service.js';
import { WhatsAppStatusService } from './whatsapp/whatsapp-status.service.js';

const whatsappClient = { provide: WHATSAPP_CLIENT, inject: [APP_CONFIG], useFactory: (config: AppConfig) => (config.whatsapp ? new WhatsAppClient({ ...config.whatsapp, timeoutMs: config.httpTimeoutMs }) : null) };

/** The use cases both apps call. Needs the runtime module (database, queues, config). */
@Global()
@Module({
  providers: [Clock, OrganisationReader, LeadRouter, SlaMonitor, AutomationDispatcher, LeadStatusService, WhatsAppStatusService, ReportRollups, SyncJobs, WhatsAppConversations, OdooChanges, whatsappClient],
  exports: [Clock, OrganisationReader, LeadRouter, SlaMonitor, AutomationDispatcher, LeadStatusService, WhatsAppStatusService, ReportRollups, SyncJobs, WhatsAppConversations, OdooChanges, WHATSAPP_CLIENT],
})
export class ApplicationModule {}
