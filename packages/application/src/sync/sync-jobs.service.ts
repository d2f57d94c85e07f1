import { Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, type SyncJob } from '@leadflow/db';
import { outboxMessage } from '@leadflow/queue';

export const SYNC_KINDS = ['bigquery', 'meta', 'odoo'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

/** A running job untouched for this long lost its worker: it is failed so a new one may start. */
const ABANDONED_AFTER_MINUTES = 120;

/**
 * Requested syncs (BigQuery export, Meta backfill, changes read back from Odoo) as rows: one active job per kind (a partial
 * unique index), queued through the outbox, claimed once by a worker, with progress and result
 * for GET /crm/sync-jobs/{id}.
 */
@Injectable()
export class SyncJobs {
  constructor(
    private readonly prisma: PrismaClient,
  ) {}

  /** Queues a sync; while one of this kind is queued or running, returns that one instead. */
  async request(kind: SyncKind, origin: 'manual' | 'schedule', requestedBy?: string): Promise<{ job: SyncJob; created: boolean }> {
    try {
      const job = await this.prisma.$transaction(async (tx) => {
        const created = await tx.syncJob.create({ data: { kind, origin, requestedBy } });
        await tx.outboxMessage.create({ data: outboxMessage('run-sync', { syncJobId: created.id }, `run-sync:${created.id}`) });
        return created;
      });
      return { job, created: true };
    } catch (error) {
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
      const active = await this.prisma.syncJob.findFirst({ where: { kind, status: { in: ['queued', 'running'] } } });
      if (!active) return this.request(kind, origin, requestedBy); // it finished in between
      return { job: active, created: false };
    }
  }

  /** Whether a scheduled sync is due: none requested within the interval. */
  async due(kind: SyncKind, intervalMinutes: number): Promise<boolean> {
    if (intervalMinutes <= 0) return false;
    const recent = await this.prisma.syncJob.count({ where: { kind, createdAt: { gt: new Date(Date.now() - intervalMinutes * 60_000) } } });
    return recent === 0;
  }

  /** Takes a queued job; null when another worker has it or it is gone. */
  async claim(id: string): Promise<SyncJob | null> {
    const { count } = await this.prisma.syncJob.updateMany({ where: { id, status: 'queued' }, data: { status: 'running', startedAt: new Date() } });
    return count ? this.prisma.syncJob.findUnique({ where: { id } }) : null;
  }

  async progress(id: string, progress: Record<string, unknown>): Promise<void> {
    await this.prisma.syncJob.update({ where: { id }, data: { progress: progress as Prisma.InputJsonValue } });
  }

  async succeed(id: string, result: Record<string, unknown>, progress: Record<string, unknown>): Promise<void> {
    await this.prisma.syncJob.update({ where: { id }, data: { status: 'succeeded', result: result as Prisma.InputJsonValue, progress: progress as Prisma.InputJsonValue, finishedAt: new Date() } });
  }

  async fail(id: string, error: string, progress: Record<string, unknown>): Promise<void> {
    await this.prisma.syncJob.update({ where: { id }, data: { status: 'failed', error: error.slice(0, 2000), progress: progress as Prisma.InputJsonValue, finishedAt: new Date() } });
  }

  /** Fails running jobs whose worker is long gone, so the kind is free again. */
  async failAbandoned(): Promise<number> {
    const { count } = await this.prisma.syncJob.updateMany({
      where: { status: 'running', startedAt: { lt: new Date(Date.now() - ABANDONED_AFTER_MINUTES * 60_000) } },
      data: { status: 'failed', error: 'the worker running this sync stopped before finishing it; request it again', finishedAt: new Date() },
    });
    return count;
  }
}
