import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { PrismaClient } from '@leadflow/db';
import { APP_CONFIG } from '@leadflow/runtime';

/** Rows per DELETE: short statements, so the sweep never holds locks or bloats WAL for long. */
const BATCH = 5_000;
/** Batches per table and pass; a backlog (first run on an old database) is worked off over a few passes. */
const MAX_BATCHES = 20;

/**
 * Keeps the two append-only plumbing tables from growing for ever: outbox rows whose job went to
 * the queue (was published) more than OUTBOX_RETENTION_HOURS ago — an unpublished row is never
 * deleted, whatever its age — and live-update events past STREAM_EVENT_RETENTION_HOURS (a stream
 * resuming from an older Last-Event-ID gets what is left). Leads, their timeline and the raw
 * webhook deliveries are the record and are not touched.
 */
@Injectable()
export class RetentionSweep {
  constructor(
    private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One pass; returns how many rows of each table it deleted. Ages are on the database's clock, the one that stamped them. */
  async sweep(): Promise<{ outbox: number; streamEvents: number }> {
    const { outbox, streamEvents } = this.config.queue.retentionHours;
    return {
      outbox: await this.inBatches(
        () => this.prisma.$executeRaw`
          DELETE FROM outbox_message WHERE id IN (
            SELECT id FROM outbox_message
            WHERE published_at < now() - make_interval(hours => ${outbox}::int)
              -- implied (a row is published after it is written); lets the BRIN index skip recent pages
              AND created_at < now() - make_interval(hours => ${outbox}::int)
            LIMIT ${BATCH})`,
      ),
      streamEvents: await this.inBatches(
        () => this.prisma.$executeRaw`
          DELETE FROM stream_event WHERE id IN (
            SELECT id FROM stream_event WHERE created_at < now() - make_interval(hours => ${streamEvents}::int) LIMIT ${BATCH})`,
      ),
    };
  }

  private async inBatches(deleteBatch: () => Promise<number>): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const count = await deleteBatch();
      deleted += count;
      if (count < BATCH) break;
    }
    return deleted;
  }
}
