import { Logger } from '@nestjs/common';
import { alertAdmins, credentialsAlert, FEED_START, lastPosition, positionOf, readCursor, readFinal, writeCursor, type FeedPosition } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import { PrismaClient, SqlPool } from '@leadflow/db';
import { IntegrationError, isRetryable } from '@leadflow/integration-common';

const BATCH = 500;

/** A lead timeline step, as the feed reads it. */
export interface TimelineRow {
  /** bigint, as text through pg. */
  id: string;
  tx: string;
  lead_id: string;
  type: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
}

/** What a destination makes of a step: one delivery per (lead, event). */
export interface NewDelivery<P> {
  lead_id: string;
  event: string;
  lead_event_id: string;
  payload: P;
}

export interface DueDelivery<P> {
  id: string;
  lead_id: string;
  event: string;
  /** The timeline step it came from (bigint as text): a lead's steps in the order they happened. */
  lead_event_id: string;
  payload: P;
  attempts: number;
}

/**
 * Forwards lifecycle events to an outside analytics destination, two steps per scheduler tick:
 * follow the lead timeline in commit order and queue one `analytics_delivery` per (lead, event) —
 * the unique key makes a repeated step or a re-read batch queue nothing twice — then send what is
 * due, retrying with backoff; what fails for good is kept, and admins are told.
 */
export abstract class LifecycleForwarder<P> {
  protected readonly logger = new Logger(this.constructor.name);
  /** `analytics_delivery.destination`; the feed's cursor is `<destination>-feed`. */
  protected abstract readonly destination: string;
  /** How admins read its name ("GA4"). */
  protected abstract readonly label: string;
  /** Steps older than this are not queued (the destination would refuse them). */
  protected abstract readonly maxAgeMs: number;
  /** Deliveries claimed per pass. */
  protected readonly claimLimit: number = 100;

  constructor(
    // Through `pg` where every lead passes (the feed, the deliveries and their success); Prisma
    // for the rare failure path, which alerts admins.
    protected readonly sql: SqlPool,
    protected readonly prisma: PrismaClient,
    protected readonly config: AppConfig,
  ) {}

  abstract get enabled(): boolean;
  /** The deliveries for a page of timeline steps (steps it does not forward make none). */
  protected abstract deliveriesFor(rows: TimelineRow[]): Promise<NewDelivery<P>[]>;
  /** Sends claimed deliveries, marking each sent or failed; returns how many were sent. */
  protected abstract sendClaimed(due: DueDelivery<P>[]): Promise<number>;

  /** Queues deliveries for new lifecycle events; returns how many were queued. */
  async enqueue(): Promise<number> {
    if (!this.enabled) return 0;
    const cursor = `${this.destination}-feed`;
    let after = (await readCursor<FeedPosition>(this.sql, cursor)) ?? (await this.startingPoint());
    let queued = 0;
    for (let pass = 0; pass < 20; pass++) {
      const rows = await readFinal<TimelineRow>(this.sql, 'lead_event', '"id", "lead_id", "type", "payload", "occurred_at"', after, BATCH);
      if (!rows.length) break;
      const oldest = Date.now() - this.maxAgeMs;
      const deliveries = await this.deliveriesFor(rows.filter((row) => row.occurred_at.getTime() >= oldest));
      after = positionOf(rows[rows.length - 1]!);
      const next = after;
      await this.sql.transaction(async (tx) => {
        if (deliveries.length) {
          // A step read again (the unique key) queues nothing twice.
          const [added] = await tx.query<{ n: number }>(
            `WITH added AS (
               INSERT INTO analytics_delivery (destination, lead_id, event, lead_event_id, payload)
               SELECT $2, d.lead_id, d.event, d.lead_event_id, d.payload
               FROM jsonb_to_recordset($1::jsonb) AS d(lead_id uuid, event text, lead_event_id bigint, payload jsonb)
               ON CONFLICT (destination, lead_id, event) DO NOTHING RETURNING 1)
             SELECT count(*)::int AS n FROM added`,
            [JSON.stringify(deliveries), this.destination],
          );
          queued += added!.n;
        }
        await writeCursor(tx, cursor, next);
      });
      if (rows.length < BATCH) break;
    }
    return queued;
  }

  /** Sends the deliveries that are due; returns how many were sent. */
  async send(): Promise<number> {
    if (!this.enabled) return 0;
    // Claimed with a lease: a worker that dies mid-send leaves them to be taken again after it.
    const due = await this.sql.query<DueDelivery<P>>(
      `UPDATE analytics_delivery SET status = 'sending', attempts = attempts + 1, next_attempt_at = now() + interval '2 minutes'
       WHERE id IN (
         SELECT id FROM analytics_delivery WHERE destination = $1 AND status IN ('pending', 'sending') AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT ${this.claimLimit} FOR UPDATE SKIP LOCKED)
       RETURNING id, lead_id, event, lead_event_id::text AS lead_event_id, payload, attempts`,
      [this.destination],
    );
    return due.length ? this.sendClaimed(due) : 0;
  }

  protected async markSent(ids: string[]): Promise<void> {
    await this.sql.query(`UPDATE analytics_delivery SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /**
   * Deliveries that failed, each with its error: pending again with backoff, or dead — on a
   * refusal, or after their last attempt. Admins get one alert for those that died here (and the
   * hourly one when credentials were refused), however many there were.
   */
  protected async failed(failures: { delivery: DueDelivery<P>; error: unknown }[]): Promise<void> {
    const outcomes = failures.map(({ delivery, error }) => ({
      delivery,
      error,
      message: (error as Error).message.slice(0, 2000),
      dead: !isRetryable(error) || delivery.attempts >= this.config.queue.attempts,
      retryAt: new Date(Date.now() + this.config.queue.backoffMs * 2 ** Math.min(delivery.attempts - 1, 10)),
    }));
    const dead = outcomes.filter((o) => o.dead);
    await this.prisma.$transaction(async (tx) => {
      // Those that failed alike (a refused batch, an outage) in one statement each.
      const alike = new Map<string, typeof outcomes>();
      for (const o of outcomes) {
        const key = `${o.dead}:${o.delivery.attempts}:${o.message}`;
        alike.set(key, [...(alike.get(key) ?? []), o]);
      }
      for (const group of alike.values()) {
        const [{ dead: isDead, message, retryAt }] = group as [(typeof outcomes)[number]];
        await tx.analyticsDelivery.updateMany({ where: { id: { in: group.map((o) => o.delivery.id) } }, data: { status: isDead ? 'dead' : 'pending', lastError: message, nextAttemptAt: retryAt } });
      }
      const [first] = dead;
      if (!first) return;
      await alertAdmins(tx, {
        category: 'action_failed',
        title: dead.length === 1 ? `${this.label} event ${first.delivery.event} could not be sent` : `${dead.length} ${this.label} events could not be sent`,
        body: `${first.message}${dead.length > 1 ? ` (the first of ${dead.length})` : ''} — ${dead.length === 1 ? 'it stays' : 'they stay'} in /crm/analytics/deliveries.`,
        leadId: dead.length === 1 ? first.delivery.lead_id : undefined,
        dedupeKey: `${this.destination}-dead:${first.delivery.id}`,
      });
      const refused = dead.find((o) => o.error instanceof IntegrationError && o.error.code === 'AUTH');
      if (refused) await alertAdmins(tx, credentialsAlert((refused.error as IntegrationError).service, refused.message, new Date()));
    });
    const [{ delivery, message }] = outcomes as [(typeof outcomes)[number]];
    this.logger.warn(`${this.label}: ${outcomes.length} event(s), first ${delivery.event} of lead ${delivery.lead_id}, failed (${dead.length} for good): ${message}`);
  }

  /** First run: the steps the destination would still take. */
  private async startingPoint(): Promise<FeedPosition> {
    return (await lastPosition(this.sql, 'lead_event', `occurred_at < now() - make_interval(secs => ${Math.floor(this.maxAgeMs / 1000)})`)) ?? FEED_START;
  }
}
