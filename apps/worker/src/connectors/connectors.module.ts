import { Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ACTION_EXECUTORS, alertAdmins, credentialsAlert, LEAD_FOR_ACTION, NotifyUserExecutor, rememberOdooState, UnavailableConnector, type ActionExecutor } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import { ACTION_TYPES } from '@leadflow/contracts';
import { PrismaClient } from '@leadflow/db';
import { IntegrationError, isRetryable } from '@leadflow/integration-common';
import { Mailer } from '@leadflow/integration-email';
import { OdooCrmClient, XmlRpcOdooTransport } from '@leadflow/integration-odoo';
import { SharedPacer, SheetsWriter, SHEETS_WRITE_INTERVAL_MS } from '@leadflow/integration-sheets';
import { WhatsAppClient } from '@leadflow/integration-whatsapp';
import type { JobPayloads } from '@leadflow/queue';
import { APP_CONFIG, Metrics, OnJob, REDIS } from '@leadflow/runtime';
import type { Job } from 'bull';
import type { Redis } from 'ioredis';
import { EmailSendExecutor } from './email.executor.js';
import { OdooCreateActivityExecutor, OdooSyncLeadExecutor } from './odoo.executors.js';
import { SheetsAppendRowExecutor, sheetRow } from './sheets.executor.js';
import { WhatsAppSendTemplateExecutor } from './whatsapp.executor.js';

/** The outside systems this worker talks to: each present only when configured. */
export interface Connectors {
  odoo?: OdooCrmClient;
  whatsapp?: WhatsAppClient;
  mailer?: Mailer;
  sheets?: SheetsWriter;
}
export const CONNECTORS = Symbol('CONNECTORS');

function connect(config: AppConfig, redis: Redis): Connectors {
  const timeoutMs = config.httpTimeoutMs;
  // The write quota is the spreadsheet owner's: every worker process takes its turns from one key.
  const sheetsPacer = config.sheets && new SharedPacer(redis, `${config.queue.prefix}:sheets:pace:${config.sheets.spreadsheetId}`, SHEETS_WRITE_INTERVAL_MS);
  return {
    odoo: config.odoo && new OdooCrmClient(new XmlRpcOdooTransport({ ...config.odoo, timeoutMs })),
    whatsapp: config.whatsapp && new WhatsAppClient({ ...config.whatsapp, timeoutMs }),
    mailer: config.email && new Mailer({ ...config.email, timeoutMs }),
    sheets: config.sheets && new SheetsWriter({ ...config.sheets, timeoutMs }, sheetsPacer),
  };
}

const CONFIGURE_HINT: Record<string, string> = {
  odoo: 'ODOO_URL, ODOO_DB, ODOO_USERNAME and ODOO_API_KEY',
  whatsapp: 'WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN',
  email: 'SMTP_URL',
  sheets: 'GOOGLE_SERVICE_ACCOUNT_JSON and SHEETS_SPREADSHEET_ID',
};

function executors(notify: NotifyUserExecutor, c: Connectors, config: AppConfig): ActionExecutor[] {
  const installed: ActionExecutor[] = [notify];
  if (c.odoo) installed.push(new OdooSyncLeadExecutor(c.odoo, config.odoo!), new OdooCreateActivityExecutor(c.odoo, config.odoo!));
  if (c.whatsapp) installed.push(new WhatsAppSendTemplateExecutor(c.whatsapp, config.whatsapp!));
  if (c.mailer) installed.push(new EmailSendExecutor(c.mailer));
  if (c.sheets) installed.push(new SheetsAppendRowExecutor(c.sheets, config.sheets!));
  const missing = ACTION_TYPES.filter((type) => !installed.some((e) => e.type === type));
  return [...installed, ...missing.map((type) => new UnavailableConnector(type, `${type} is not configured: set ${CONFIGURE_HINT[type.split('.')[0]!]}, then replay the run`))];
}

/** Status changes reach the systems holding a copy of the lead: the Odoo lead (stage, salesperson, lost) and the sheet row. */
@Injectable()
export class StatusSyncProcessor {
  private readonly logger = new Logger(StatusSyncProcessor.name);

  constructor(
    private readonly prisma: PrismaClient,
    @Inject(CONNECTORS) private readonly connectors: Connectors,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Mirrors the lead's current status (so a repeat writes the same thing), then records the job
   * done in its outbox row, as giving up does too: after its last attempt, or at once when Odoo or
   * Google refuse it for good (retrying would only repeat the refusal). A row left open after its
   * job is gone was lost with Redis: the lost-job sweep publishes it again.
   */
  @OnJob('sync-status')
  async run(job: Job<JobPayloads['sync-status']>): Promise<string> {
    try {
      const done = await this.mirror(job);
      await this.finished(job);
      return done;
    } catch (error) {
      const retryable = isRetryable(error);
      if (!retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        if (!retryable) await job.discard();
        await this.gaveUp(job, error as Error).catch((markError: Error) =>
          this.logger.warn(`sync-status ${job.data.leadId}: could not record giving up (${markError.message}); the lost-job sweep will run it again`),
        );
      }
      throw error;
    }
  }

  private async finished(job: Job, db: Pick<PrismaClient, '$executeRaw'> = this.prisma): Promise<void> {
    await db.$executeRaw`UPDATE outbox_message SET finished_at = now() WHERE job_name = 'sync-status' AND finished_at IS NULL AND job_id = ${String(job.id)}`;
  }

  /**
   * The copies in Odoo and the sheet now show an older status: admins are told (once per job),
   * with how to send it again once the cause is fixed.
   */
  private async gaveUp(job: Job<JobPayloads['sync-status']>, error: Error): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await this.finished(job, tx);
      const lead = await tx.lead.findUnique({ where: { id: job.data.leadId }, select: { id: true, fullName: true, status: true } });
      if (!lead) return;
      await alertAdmins(tx, {
        category: 'action_failed',
        title: `Status of ${lead.fullName || 'a lead'} not mirrored to Odoo and the sheet`,
        body: `${error.message} — they still show the status before "${lead.status}". Once fixed, send it again: POST /crm/leads/${lead.id}/sync-status (it writes the lead's current status).`,
        leadId: lead.id,
        dedupeKey: `status-mirror-failed:${String(job.id)}`,
      });
      if (error instanceof IntegrationError && error.code === 'AUTH') await alertAdmins(tx, credentialsAlert(error.service, error.message, new Date()));
    });
    this.logger.warn(`sync-status ${job.data.leadId}: gave up after ${job.attemptsMade + 1} attempt(s): ${error.message}`);
  }

  private async mirror(job: Job<JobPayloads['sync-status']>): Promise<string> {
    const lead = await this.prisma.lead.findUnique({ where: { id: job.data.leadId }, include: LEAD_FOR_ACTION });
    if (!lead) return 'lead gone';
    const done: string[] = [];
    // A change read from Odoo is not written back to it (no echo); the sheet still follows.
    const { odoo, sheets } = this.connectors;
    const odooLeadId = lead.odooLeadId;
    if (odoo && odooLeadId && job.data.origin !== 'odoo') {
      const stageName = lead.status === 'lost' ? undefined : this.config.odoo!.stageMap[lead.status];
      const written = await this.metrics.timeExternal('odoo', () => odoo.mirrorLead(odooLeadId, { stageName, userId: lead.assignee?.odooUserId ?? undefined, lost: lead.status === 'lost' }));
      await rememberOdooState(this.prisma, lead.id, written, new Date());
      done.push(`odoo ${lead.status === 'lost' ? 'archived (lost)' : `stage ${stageName ?? 'unchanged'}`}`);
    }
    if (sheets) {
      const row = await this.metrics.timeExternal('sheets', () => sheets.updateRow(lead.id, sheetRow(lead, this.config.sheets!.columns)));
      if (row) done.push(`sheet row ${row}`);
    }
    this.logger.log(`sync-status ${lead.id} → ${lead.status}: ${done.join(', ') || 'nothing to update'}`);
    return done.join(', ');
  }
}

@Injectable()
class ConnectorsShutdown implements OnApplicationShutdown {
  constructor(@Inject(CONNECTORS) private readonly connectors: Connectors) {}

  onApplicationShutdown(): void {
    this.connectors.mailer?.close();
  }
}

@Module({
  providers: [
    NotifyUserExecutor,
    { provide: CONNECTORS, inject: [APP_CONFIG, REDIS], useFactory: connect },
    { provide: ACTION_EXECUTORS, inject: [NotifyUserExecutor, CONNECTORS, APP_CONFIG], useFactory: executors },
    StatusSyncProcessor,
    ConnectorsShutdown,
  ],
  exports: [ACTION_EXECUTORS, CONNECTORS, NotifyUserExecutor],
})
export class ConnectorsModule {}
