import { Injectable, Logger } from '@nestjs/common';
import { alertAdmins, credentialsAlert, SyncJobs } from '@leadflow/application';
import { PrismaClient } from '@leadflow/db';
import { IntegrationError } from '@leadflow/integration-common';
import type { JobPayloads } from '@leadflow/queue';
import { OnJob } from '@leadflow/runtime';
import type { Job } from 'bull';
import { BigQueryExport } from './bigquery-export.service.js';
import { MetaBackfill } from './meta-backfill.service.js';
import { OdooChangesSync } from './odoo-changes-sync.service.js';

const WHAT = { bigquery: 'BigQuery sync', meta: 'Meta backfill', odoo: 'Odoo sync' } as const;

/**
 * Runs a requested sync once: claims its row, reports progress as it goes, and ends it succeeded
 * or failed with the reason (admins are told). A failed sync is not retried by the queue: what it
 * did is kept, and the next one (scheduled or requested) carries on from there.
 */
@Injectable()
export class RunSyncProcessor {
  private readonly logger = new Logger(RunSyncProcessor.name);

  constructor(
    private readonly prisma: PrismaClient,
    private readonly jobs: SyncJobs,
    private readonly bigquery: BigQueryExport,
    private readonly meta: MetaBackfill,
    private readonly odoo: OdooChangesSync,
  ) {}

  @OnJob('run-sync')
  async run(job: Job<JobPayloads['run-sync']>): Promise<{ outcome: string }> {
    const sync = await this.jobs.claim(job.data.syncJobId);
    if (!sync) return { outcome: 'skipped' };
    const kind = sync.kind as keyof typeof WHAT;
    let progress: Record<string, unknown> = {};
    const report = async (p: object) => {
      progress = { ...p };
      await this.jobs.progress(sync.id, progress);
    };
    try {
      const result = kind === 'bigquery' ? await this.bigquery.run(report) : kind === 'meta' ? await this.meta.run(report) : await this.odoo.run(report);
      await this.jobs.succeed(sync.id, { ...result }, { ...result });
      this.logger.log(`${WHAT[kind]} ${sync.id} done`);
      return { outcome: 'succeeded' };
    } catch (error) {
      const message = (error as Error).message;
      await this.jobs.fail(sync.id, message, progress);
      await this.prisma.$transaction(async (tx) => {
        await alertAdmins(tx, { category: 'admin_alert', title: `${WHAT[kind]} failed`, body: `${message} — what was sent is kept; the next sync carries on from there.`, dedupeKey: `sync-failed:${sync.id}` });
        if (error instanceof IntegrationError && error.code === 'AUTH') await alertAdmins(tx, credentialsAlert(error.service, message, new Date()));
      });
      this.logger.warn(`${WHAT[kind]} ${sync.id} failed: ${message}`);
      return { outcome: 'failed' };
    }
  }
}
