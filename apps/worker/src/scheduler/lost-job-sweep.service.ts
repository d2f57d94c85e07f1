import { Inject, Injectable, Logger } from '@nestjs/common';
import { actionRunJobId, queueRuns } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import { SqlPool } from '@leadflow/db';
import { actionQueueName, normalizeLeadJobId, outboxMessage, writeOutbox, type QueueName } from '@leadflow/queue';
import { APP_CONFIG, Metrics, QUEUE_MAP } from '@leadflow/runtime';
import type { ActionType } from '@leadflow/contracts';
import type { Queue } from 'bull';

/** Rows looked at per kind and pass: one Postgres read and one Redis round trip each. */
const PAGE = 500;
/** The relay publishes within milliseconds; an unpublished row older than this means it is behind (Redis was away). */
const RELAY_CAUGHT_UP_SECONDS = 5;
/**
 * A key the sweep keeps in Redis, under the queues' prefix. Redis that comes back without it has
 * lost its data (restarted without persistence, failed over, flushed) — or is new: every job it
 * held is gone at once, so the sweep does not wait LOST_JOB_AFTER_SECONDS before looking.
 */
const redisMarkerKey = (prefix: string) => `${prefix}:lost-job-sweep:marker`;

type Kind = 'action_run' | 'inbound_event' | 'sync_job' | 'status_mirror';
/** A piece of waiting work and the job that should be waking a worker for it. */
interface Waiting {
  queue: QueueName;
  jobId: string;
}
type JobState = 'alive' | 'missing' | 'finished';

/**
 * Postgres holds the work, Redis only the jobs that wake workers for it, and a job can go missing:
 * Redis restarted without its data, failed over to a replica that had not caught up or evicted the
 * key, someone cleaned a queue, or the job spent all its retries while Postgres was down, so its
 * row could not even be marked failed. Work still waiting in Postgres after LOST_JOB_AFTER_SECONDS
 * whose job Redis no longer has, or has already finished, is queued again: an action run as a new
 * dispatch (a job of the old one, should it turn up, finds nothing to do), a received lead and a
 * requested sync under their own job id (their claims make a second job harmless), a status
 * mirror by publishing its outbox row again (it writes the lead's current status).
 */
@Injectable()
export class LostJobSweep {
  private readonly logger = new Logger(LostJobSweep.name);
  /** Where each kind's walk through its waiting rows stopped: a backlog is looked at a page per pass. */
  private readonly after = new Map<Kind, { at: Date; id: string }>();
  /**
   * When Redis was found without its marker. Until a pass that began after every row of that moment
   * was old enough has walked each kind to its end, rows are looked at without waiting.
   */
  private redisEmptiedAt?: number;

  constructor(
    private readonly sql: SqlPool,
    @Inject(QUEUE_MAP) private readonly queues: Map<QueueName, Queue>,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One pass; how many of each kind were queued again. Nothing while the relay is still catching up. */
  async sweep(): Promise<Record<Kind, number>> {
    const requeued = { action_run: 0, inbound_event: 0, sync_job: 0, status_mirror: 0 };
    const started = Date.now();
    if (await this.redisLostItsData()) {
      this.redisEmptiedAt = started;
      this.after.clear();
    }
    if (await this.relayBehind()) return requeued;
    requeued.action_run = await this.actionRuns();
    requeued.inbound_event = await this.inboundEvents();
    requeued.sync_job = await this.syncJobs();
    requeued.status_mirror = await this.statusMirrors();
    // Twice the window: Postgres' clock, which ages the rows, may differ a little from ours.
    if (this.after.size === 0 && started - (this.redisEmptiedAt ?? -Infinity) >= 2 * RELAY_CAUGHT_UP_SECONDS * 1000) this.redisEmptiedAt = undefined;
    for (const [kind, count] of Object.entries(requeued)) {
      if (count === 0) continue;
      this.metrics.jobsRequeued.inc({ kind }, count);
      this.logger.warn(`lost jobs: ${count} ${kind.replace('_', ' ')}(s) queued again — Redis no longer had their job`);
    }
    return requeued;
  }

  /**
   * Puts the marker back if it is missing, and says whether it was. One sweeping worker finds it
   * missing; the others go on at their usual pace.
   */
  private async redisLostItsData(): Promise<boolean> {
    const set = await this.redis().set(redisMarkerKey(this.config.queue.prefix), new Date().toISOString(), 'NX');
    if (set === null) return false;
    this.logger.warn('Redis holds no marker (new, or restarted without its data): looking for work whose job it lost now');
    return true;
  }

  /**
   * Jobs still in the outbox are not lost, only late: wait for the relay before judging. Only this
   * process's queues count — a row for a queue of another version (a rolling deploy) waits for a
   * process that knows it, and must not stop the sweep meanwhile.
   */
  private async relayBehind(): Promise<boolean> {
    const rows = await this.sql.query(
      `SELECT 1 FROM outbox_message WHERE published_at IS NULL AND created_at < now() - make_interval(secs => $1) AND queue = ANY($2::text[]) LIMIT 1`,
      [RELAY_CAUGHT_UP_SECONDS, [...this.queues.keys()]],
    );
    return rows.length > 0;
  }

  /**
   * Pending or failed runs without a live job: a new dispatch each, keeping a delay not yet passed.
   * A run failed after it had finished (WhatsApp reporting the message undelivered) is no retry in
   * waiting: it has no job on purpose and waits for a person.
   */
  private async actionRuns(): Promise<number> {
    const waiting = await this.page<{ id: string; action_type: string; dispatch: number }>(
      'action_run',
      `SELECT id, action_type, dispatch, updated_at AS at FROM action_run
       WHERE status IN ('pending', 'failed') AND finished_at IS NULL
         AND updated_at < now() - make_interval(secs => $1) AND (updated_at, id) > ($2, $3)
       ORDER BY updated_at, id LIMIT ${PAGE}`,
    );
    const lost = await this.withoutLiveJob(waiting, (run) => ({ queue: actionQueueName(run.action_type as ActionType), jobId: actionRunJobId(run.id, run.dispatch) }));
    if (lost.length === 0) return 0;
    return this.sql.transaction(async (tx) => {
      // Only if the run is still waiting under that dispatch: another worker's sweep, or the run's
      // own job turning up, may have moved it meanwhile.
      const requeued = await tx.query<{ id: string; action_type: string; dispatch: number; scheduled_at: Date }>(
        `UPDATE action_run r SET dispatch = r.dispatch + 1, updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS j(id, dispatch)
         WHERE r.id = j.id AND r.dispatch = j.dispatch AND r.status IN ('pending', 'failed') AND r.finished_at IS NULL
         RETURNING r.id, r.action_type, r.dispatch, r.scheduled_at`,
        [lost.map((run) => run.id), lost.map((run) => run.dispatch)],
      );
      const now = Date.now();
      await queueRuns(
        tx,
        requeued.map((run) => ({ id: run.id, actionType: run.action_type, dispatch: run.dispatch, scheduledAt: run.scheduled_at.getTime() > now ? run.scheduled_at : undefined })),
      );
      return requeued.length;
    });
  }

  /** Stored deliveries not yet made into a lead (nor dead-lettered) whose normalize job is gone. */
  private async inboundEvents(): Promise<number> {
    const waiting = await this.page<{ id: string; replay_count: number }>(
      'inbound_event',
      // In the order of the (status, received_at) index; updated_at also waits out a replay's fresh job.
      `SELECT id, replay_count, received_at AS at FROM inbound_event
       WHERE status = 'received' AND updated_at < now() - make_interval(secs => $1) AND (received_at, id) > ($2, $3)
       ORDER BY received_at, id LIMIT ${PAGE}`,
    );
    return this.queueAgain(waiting, (event) => outboxMessage('normalize-lead', { inboundEventId: event.id }, normalizeLeadJobId(event.id, event.replay_count)));
  }

  /** Requested syncs no worker has taken; one left queued would block its kind's schedule for good. */
  private async syncJobs(): Promise<number> {
    const waiting = await this.page<{ id: string }>(
      'sync_job',
      `SELECT id, created_at AS at FROM sync_job
       WHERE status = 'queued' AND created_at < now() - make_interval(secs => $1) AND (created_at, id) > ($2, $3)
       ORDER BY created_at, id LIMIT ${PAGE}`,
    );
    return this.queueAgain(waiting, (sync) => outboxMessage('run-sync', { syncJobId: sync.id }, `run-sync:${sync.id}`));
  }

  /**
   * Status changes not yet mirrored to Odoo and the sheet: their outbox row stays open until the
   * job records it done, so a row whose job is gone is published again, same row, same job id.
   */
  private async statusMirrors(): Promise<number> {
    const open = await this.page<{ id: string; queue: string; job_id: string }>(
      'status_mirror',
      `SELECT id::text, queue, job_id, published_at AS at FROM outbox_message
       WHERE job_name = 'sync-status' AND finished_at IS NULL
         AND published_at < now() - make_interval(secs => $1) AND (published_at, id) > ($2, $3::bigint)
       ORDER BY published_at, id LIMIT ${PAGE}`,
    );
    const lost = await this.withoutLiveJob(open, (row) => ({ queue: row.queue, jobId: row.job_id }));
    for (const row of lost) await (await this.queue(row.queue).getJob(row.job_id))?.remove();
    if (lost.length === 0) return 0;
    const republished = await this.sql.query(`UPDATE outbox_message SET published_at = NULL WHERE id = ANY($1::bigint[]) AND finished_at IS NULL RETURNING id`, [lost.map((row) => row.id)]);
    return republished.length;
  }

  /**
   * The next page of a kind's waiting rows (old enough to have lost their job); back to the start
   * after the last. After Redis lost its data, any row the relay has had time to publish is old enough.
   */
  private async page<T extends { id: string }>(kind: Kind, text: string): Promise<T[]> {
    const from = this.after.get(kind) ?? { at: new Date(0), id: kind === 'status_mirror' ? '0' : '00000000-0000-0000-0000-000000000000' };
    const olderThan = this.redisEmptiedAt !== undefined ? RELAY_CAUGHT_UP_SECONDS : this.config.queue.lostJobAfterSeconds;
    const rows = await this.sql.query<T & { at: Date }>(text, [olderThan, from.at, from.id]);
    const last = rows.at(-1);
    if (rows.length < PAGE || !last) this.after.delete(kind);
    else this.after.set(kind, { at: last.at, id: last.id });
    return rows;
  }

  /**
   * Work queued again under the same job id: a finished job of that id is removed first, or Bull
   * would take the new one for a duplicate and drop it.
   */
  private async queueAgain<T>(waiting: T[], message: (row: T) => ReturnType<typeof outboxMessage>): Promise<number> {
    const lost = await this.withoutLiveJob(waiting.map(message), (m) => m);
    for (const { queue, jobId } of lost) await (await this.queue(queue).getJob(jobId))?.remove();
    await writeOutbox(this.sql, lost);
    return lost.length;
  }

  /** The rows whose job Redis does not have waiting, delayed or running. */
  private async withoutLiveJob<T>(rows: T[], jobOf: (row: T) => Waiting): Promise<T[]> {
    const states = await this.jobStates(rows.map(jobOf));
    return rows.filter((_, i) => states[i] !== 'alive');
  }

  /** A job's hash has its creation `timestamp` until it is removed, and `finishedOn` once completed or failed for good. */
  private async jobStates(jobs: Waiting[]): Promise<JobState[]> {
    if (jobs.length === 0) return [];
    const pipeline = this.redis().pipeline();
    for (const { queue, jobId } of jobs) pipeline.hmget(this.queue(queue).toKey(jobId), 'timestamp', 'finishedOn');
    const answers = (await pipeline.exec()) ?? [];
    return answers.map(([error, fields]) => {
      if (error) throw error;
      const [created, finished] = fields as (string | null)[];
      return created === null ? 'missing' : finished === null ? 'alive' : 'finished';
    });
  }

  /** Every queue shares one Redis; any queue's client reaches it. */
  private redis(): Queue['client'] {
    return (this.queues.values().next().value as Queue).client;
  }

  private queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no queue ${name}`);
    return queue;
  }
}

