import { ACTION_TYPES, type ActionType, type AutomationTrigger } from '@leadflow/contracts';
import type { SqlRunner } from '@leadflow/db';

/**
 * Every queue job the service runs, declared once. A row in Postgres (the outbox, an action run)
 * is the source of truth; the Bull job only wakes a worker, and its `jobId` is the work's
 * idempotency key.
 */

/** How each action type may hit its outside system: attempts before dead, parallel runs per worker, calls per second. */
export interface ActionLimits {
  attempts: number;
  concurrency: number;
  ratePerSecond: number;
}

// Odoo has few workers; WhatsApp Cloud takes ~80 msg/s; SMTP servers throttle bursts.
export const ACTION_LIMITS: Record<ActionType, ActionLimits> = {
  'notify.user': { attempts: 5, concurrency: 16, ratePerSecond: 500 },
  'odoo.sync_lead': { attempts: 8, concurrency: 2, ratePerSecond: 10 },
  'odoo.create_activity': { attempts: 8, concurrency: 2, ratePerSecond: 10 },
  'whatsapp.send_template': { attempts: 6, concurrency: 8, ratePerSecond: 50 },
  'email.send': { attempts: 6, concurrency: 4, ratePerSecond: 10 },
  // Rows are batched and paced per spreadsheet by the writer itself (one write a second): a run
  // waits for the next batch, so the rows a batch can carry are the runs in flight — many, and cheap.
  'sheets.append_row': { attempts: 8, concurrency: 200, ratePerSecond: 500 },
};

export type ActionJobName = `execute-action:${ActionType}`;

export interface JobPayloads {
  /** Fetch (Meta, TikTok) or read (Snapchat) a stored notification's lead and store it normalized. */
  'normalize-lead': { inboundEventId: string };
  /** Pick branch, team and person for a new lead. */
  'route-lead': { leadId: string };
  /** Start the runs of every automation listening to a trigger that fired for a lead. */
  /** `origin: 'odoo'`: the change came from Odoo, so no action writes it back there. */
  'run-automations': { leadId: string; trigger: AutomationTrigger; fromStatus?: string; toStatus?: string; origin?: 'odoo' };
  /** Mirror a status change to the systems that keep a copy of the lead (Odoo stage, the sheet row). */
  'sync-status': { leadId: string; status: string; origin?: 'odoo' };
  /** A requested sync (BigQuery export, Meta backfill): the sync_job row says which. */
  'run-sync': { syncJobId: string };
}
export type ActionJobPayload = { actionRunId: string; dispatch: number };
export type JobName = keyof JobPayloads | ActionJobName;
export type PayloadOf<N extends JobName> = N extends keyof JobPayloads ? JobPayloads[N] : ActionJobPayload;

export const actionJobName = (type: ActionType): ActionJobName => `execute-action:${type}`;
export const actionQueueName = (type: ActionType) => `action:${type}`;

/** The queue of each job: one for the lead pipeline, one per action type (own rate limit and concurrency). */
export const JOB_QUEUE: Record<JobName, string> = {
  'normalize-lead': 'ingestion',
  'route-lead': 'ingestion',
  'run-automations': 'automations',
  'sync-status': 'connectors',
  'run-sync': 'sync',
  ...(Object.fromEntries(ACTION_TYPES.map((type) => [actionJobName(type), actionQueueName(type)])) as Record<ActionJobName, string>),
};

export const JOB_NAMES = Object.keys(JOB_QUEUE) as JobName[];
export const QUEUE_NAMES = [...new Set(Object.values(JOB_QUEUE))];
export type QueueName = string;

/** Per-queue limits: action queues follow ACTION_LIMITS; the rest use WORKER_CONCURRENCY and no rate limit. */
/** Per action type changes to concurrency and rate (ACTION_LIMITS): an Odoo with more workers, a raised WhatsApp tier. */
export type ActionLimitOverrides = Partial<Record<ActionType, Partial<Pick<ActionLimits, 'concurrency' | 'ratePerSecond'>>>>;

export function queueLimits(queue: string, overrides: ActionLimitOverrides = {}): { concurrency?: number; limiter?: { max: number; duration: number } } {
  const type = ACTION_TYPES.find((t) => actionQueueName(t) === queue);
  if (!type) return {};
  const { concurrency, ratePerSecond } = { ...ACTION_LIMITS[type], ...overrides[type] };
  return { concurrency, limiter: { max: ratePerSecond, duration: 1000 } };
}

/** `normalize-lead:<event id>`; a replay gets its own key so Bull does not drop it as a duplicate. */
export function normalizeLeadJobId(inboundEventId: string, replayCount = 0): string {
  return replayCount === 0 ? `normalize-lead:${inboundEventId}` : `normalize-lead:${inboundEventId}:replay-${replayCount}`;
}

/** The outbox row that asks for one job; write it in the same transaction as the state it follows. */
export function outboxMessage<N extends JobName>(name: N, payload: PayloadOf<N>, jobId: string, runAt?: Date) {
  return { queue: JOB_QUEUE[name], jobName: name, jobId, payload: payload as object, runAt: runAt ?? null };
}

/**
 * Writes outbox rows in one statement through plain SQL (a pg transaction, or Prisma's through
 * `sqlOf`), for the per-lead paths that do not go through Prisma's client.
 */
export async function writeOutbox(db: SqlRunner, messages: ReturnType<typeof outboxMessage>[]): Promise<void> {
  if (messages.length === 0) return;
  await db.query(
    `INSERT INTO outbox_message (queue, job_name, job_id, payload, run_at)
     SELECT queue, job_name, job_id, payload::jsonb, run_at::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS m(queue, job_name, job_id, payload, run_at)`,
    [messages.map((m) => m.queue), messages.map((m) => m.jobName), messages.map((m) => m.jobId), messages.map((m) => JSON.stringify(m.payload)), messages.map((m) => m.runAt?.toISOString() ?? null)],
  );
}

