import type { SqlPool } from '@leadflow/db';
import type { JobOptions, Queue } from 'bull';
import type { QueueName } from './jobs.js';

export interface OutboxRelayOptions {
  pollMs: number;
  batchSize?: number;
  /** Give up on one publish attempt after this long (Redis down); the rows stay unpublished. */
  publishTimeoutMs?: number;
  jobOptions: JobOptions;
  /** Options of one job type over the defaults (an action type's own attempts). */
  jobOptionsFor?: (jobName: string) => JobOptions | undefined;
  onError?: (error: unknown) => void;
}

/** How long a nudge waits for other writes to join its pass. */
const COALESCE_MS = 5;

interface OutboxRow {
  /** bigint, as pg returns it: a string. */
  id: string;
  queue: string;
  job_name: string;
  job_id: string;
  payload: unknown;
  run_at: Date | null;
}

/**
 * Publishes outbox rows to Bull. Rows are written in the same transaction as the state that needs
 * the job, so a crash or a Redis outage delays work but never loses it: whatever is unpublished is
 * picked up on the next pass. Each worker process runs one: `SKIP LOCKED` splits the rows between
 * them, and Bull ignores a second add of the same jobId.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private again = false;
  private stopped = true;

  constructor(
    private readonly db: Pick<SqlPool, 'transaction'>,
    private readonly queues: Map<QueueName, Queue>,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.draining;
  }

  /** Called when outbox rows were written (Postgres NOTIFY): publish now instead of at the next poll. */
  nudge(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    // Under load, writes nudge continuously: a short pause lets one pass carry many rows (one
    // transaction and one Redis round trip for all of them) instead of a pass per row.
    this.draining = new Promise((resolve) => setTimeout(resolve, COALESCE_MS))
      .then(() => this.drain())
      .then(() => undefined, (error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.draining = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /** Publishes batches until none is left (or Redis cannot take them). Returns rows published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published < (this.options.batchSize ?? 500)) return total;
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.nudge();
      if (!this.stopped) this.schedule();
    }, this.options.pollMs);
    this.timer.unref();
  }

  private redisReady(): boolean {
    return [...this.queues.values()].every((queue) => queue.client.status === 'ready');
  }

  private async publishBatch(): Promise<number> {
    // With Redis away, do not even lock rows: the webhook path keeps writing, we retry on the next poll.
    if (!this.redisReady()) return 0;
    const batchSize = this.options.batchSize ?? 500;
    // Marked published and read back in one statement; a failed publish throws, the transaction
    // rolls back and the rows are unpublished again (plain SQL: this runs for every lead, several times).
    return this.db.transaction(async (tx) => {
      // Walk the unpublished-rows index in its own order, stopping at the batch size. A bitmap scan
      // would visit every entry left by rows published since the last vacuum (tens of thousands
      // under load, more when autovacuum lags or is off); an index scan marks those dead as it
      // passes, so the next pass skips them.
      await tx.query('SET LOCAL enable_bitmapscan = off');
      // Only queues this process has: a row for another one (written by a newer or older version
      // during a rolling deploy) waits for a process that knows it, and never blocks the rest.
      const rows = await tx.query<OutboxRow>(
        `UPDATE outbox_message SET published_at = now(), attempts = attempts + 1
         WHERE id IN (SELECT id FROM outbox_message WHERE published_at IS NULL AND queue = ANY($1::text[]) ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, queue, job_name, job_id, payload, run_at`,
        [[...this.queues.keys()], batchSize],
      );
      if (rows.length === 0) return 0;
      // RETURNING has no order: jobs are added in the order their rows were written.
      rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
      const byQueue = new Map<string, OutboxRow[]>();
      for (const row of rows) {
        const queued = byQueue.get(row.queue);
        if (queued) queued.push(row);
        else byQueue.set(row.queue, [row]);
      }
      await Promise.all(
        [...byQueue].map(([name, queueRows]) => {
          const queue = this.queues.get(name as QueueName)!;
          const jobs = queueRows.map((row) => ({
            name: row.job_name,
            data: row.payload,
            opts: { ...this.options.jobOptions, ...this.options.jobOptionsFor?.(row.job_name), jobId: row.job_id, delay: row.run_at ? Math.max(0, row.run_at.getTime() - Date.now()) : undefined },
          }));
          return withTimeout(queue.addBulk(jobs), this.options.publishTimeoutMs ?? 5_000, `publishing to queue ${name}`);
        }),
      );
      return rows.length;
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
