import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { alertAdmins, credentialsAlert, FEED_START, lastPosition, positionOf, readCursor, readFinal, writeCursor, type FeedPosition } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import type { Platform } from '@leadflow/contracts';
import { PrismaClient, SqlPool } from '@leadflow/db';
import { ga4ClientId, ga4EventFor, lifecycleNameOf } from '@leadflow/domain';
import { Ga4Client, type Ga4Payload } from '@leadflow/integration-ga4';
import { IntegrationError, isRetryable } from '@leadflow/integration-common';
import { APP_CONFIG } from '@leadflow/runtime';

export const GA4_CLIENT = Symbol('GA4_CLIENT');
const CURSOR = 'ga4-feed';
const BATCH = 500;
/** GA4 refuses events backdated more than 72 hours; older ones are not worth queueing. */
const MAX_AGE_MS = 72 * 3600_000;

interface EventRow {
  /** bigint, as text through pg. */
  id: string;
  tx: string;
  lead_id: string;
  type: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
}

interface DeliveryRow {
  id: string;
  lead_id: string;
  event: string;
  payload: Ga4Payload;
  attempts: number;
}

/**
 * Forwards lifecycle events to GA4 (or a server-side GTM container). Two steps per scheduler tick:
 * follow the lead timeline in commit order and queue one delivery per (lead, GA4 event) — the
 * unique key makes a repeated step or a re-read batch queue nothing twice — then send what is due,
 * retrying with backoff and keeping what GA4's validator rejects (validation mode) with its messages.
 */
@Injectable()
export class Ga4Forwarder {
  private readonly logger = new Logger(Ga4Forwarder.name);

  constructor(
    // Through `pg` where every lead passes (the feed, the deliveries and their success); Prisma
    // for the rare failure path, which alerts admins.
    private readonly sql: SqlPool,
    private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(GA4_CLIENT) private readonly client?: Ga4Client,
  ) {}

  get enabled(): boolean {
    return Boolean(this.client && this.config.ga4);
  }

  /** Queues deliveries for new lifecycle events; returns how many were queued. */
  async enqueue(): Promise<number> {
    if (!this.enabled) return 0;
    let after = (await readCursor<FeedPosition>(this.sql, CURSOR)) ?? (await this.startingPoint());
    let queued = 0;
    for (let pass = 0; pass < 20; pass++) {
      const rows = await readFinal<EventRow>(this.sql, 'lead_event', '"id", "lead_id", "type", "payload", "occurred_at"', after, BATCH);
      if (!rows.length) break;
      const deliveries = await this.deliveriesFor(rows);
      after = positionOf(rows[rows.length - 1]!);
      const next = after;
      await this.sql.transaction(async (tx) => {
        if (deliveries.length) {
          // A step read again (the unique key) queues nothing twice.
          const [added] = await tx.query<{ n: number }>(
            `WITH added AS (
               INSERT INTO analytics_delivery (destination, lead_id, event, lead_event_id, payload)
               SELECT 'ga4', d.lead_id, d.event, d.lead_event_id, d.payload
               FROM jsonb_to_recordset($1::jsonb) AS d(lead_id uuid, event text, lead_event_id bigint, payload jsonb)
               ON CONFLICT (destination, lead_id, event) DO NOTHING RETURNING 1)
             SELECT count(*)::int AS n FROM added`,
            [JSON.stringify(deliveries)],
          );
          queued += added!.n;
        }
        await writeCursor(tx, CURSOR, next);
      });
      if (rows.length < BATCH) break;
    }
    return queued;
  }

  /** Sends the deliveries that are due; returns how many were sent. */
  async send(): Promise<number> {
    if (!this.enabled) return 0;
    // Claimed with a lease: a worker that dies mid-send leaves them to be taken again after it.
    const due = await this.sql.query<DeliveryRow>(
      `UPDATE analytics_delivery SET status = 'sending', attempts = attempts + 1, next_attempt_at = now() + interval '2 minutes'
       WHERE id IN (
         SELECT id FROM analytics_delivery WHERE destination = 'ga4' AND status IN ('pending', 'sending') AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT 100 FOR UPDATE SKIP LOCKED)
       RETURNING id, lead_id, event, payload, attempts`,
    );
    let sent = 0;
    for (let i = 0; i < due.length; i += 10) {
      const results = await Promise.all(due.slice(i, i + 10).map((d) => this.deliver(d)));
      sent += results.filter(Boolean).length;
    }
    return sent;
  }

  private async deliver(delivery: DeliveryRow): Promise<boolean> {
    try {
      if (this.config.ga4!.validate) {
        const messages = await this.client!.validate(delivery.payload);
        if (messages.length) {
          await this.sql.query(`UPDATE analytics_delivery SET status = 'rejected', validation_messages = $2::jsonb, last_error = $3 WHERE id = $1::uuid`, [
            delivery.id,
            JSON.stringify(messages),
            messages.map((m) => `${m.validationCode} ${m.fieldPath}: ${m.description}`).join('; ').slice(0, 2000),
          ]);
          return false;
        }
      }
      await this.client!.send(delivery.payload);
      await this.sql.query(`UPDATE analytics_delivery SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = $1::uuid`, [delivery.id]);
      return true;
    } catch (error) {
      const message = (error as Error).message.slice(0, 2000);
      const dead = !isRetryable(error) || delivery.attempts >= this.config.queue.attempts;
      const backoffMs = this.config.queue.backoffMs * 2 ** Math.min(delivery.attempts - 1, 10);
      await this.prisma.$transaction(async (tx) => {
        await tx.analyticsDelivery.update({ where: { id: delivery.id }, data: { status: dead ? 'dead' : 'pending', lastError: message, nextAttemptAt: new Date(Date.now() + backoffMs) } });
        if (!dead) return;
        await alertAdmins(tx, { category: 'action_failed', title: `GA4 event ${delivery.event} could not be sent`, body: `${message} — it stays in /crm/analytics/deliveries.`, leadId: delivery.lead_id, dedupeKey: `ga4-dead:${delivery.id}` });
        if (error instanceof IntegrationError && error.code === 'AUTH') await alertAdmins(tx, credentialsAlert('ga4', message, new Date()));
      });
      this.logger.warn(`GA4 ${delivery.event} for lead ${delivery.lead_id} failed${dead ? ' for good' : ''}: ${message}`);
      return false;
    }
  }

  private async deliveriesFor(rows: EventRow[]): Promise<{ lead_id: string; event: string; lead_event_id: string; payload: Ga4Payload }[]> {
    const oldest = Date.now() - MAX_AGE_MS;
    const named = rows
      .map((row) => ({ row, name: lifecycleNameOf(row.type, row.payload) }))
      .filter(({ row, name }) => name && ['received', 'contacted', 'qualified', 'won', 'lost'].includes(name) && row.occurred_at.getTime() >= oldest);
    if (!named.length) return [];
    const leads = new Map(
      (
        await this.sql.query<{ id: string; contactId: string; platform: Platform; campaignName: string | null; qualifiedAt: Date | null }>(
          'SELECT id, contact_id AS "contactId", platform::text AS platform, campaign_name AS "campaignName", qualified_at AS "qualifiedAt" FROM lead WHERE id = ANY($1::uuid[])',
          [[...new Set(named.map((n) => n.row.lead_id))]],
        )
      ).map((l) => [l.id, l]),
    );
    const settings = { currency: this.config.ga4!.currency, values: this.config.ga4!.values };
    return named.flatMap(({ row, name }) => {
      const lead = leads.get(row.lead_id);
      const event = lead && ga4EventFor(name!, row.payload, { leadId: lead.id, platform: lead.platform, campaignName: lead.campaignName, wasQualified: Boolean(lead.qualifiedAt) }, settings);
      if (!lead || !event) return [];
      const payload: Ga4Payload = { client_id: ga4ClientId(lead.contactId), timestamp_micros: row.occurred_at.getTime() * 1000, events: [event] };
      return [{ lead_id: lead.id, event: event.name, lead_event_id: String(row.id), payload }];
    });
  }

  /** First run: events of the last 72 hours (older ones GA4 would refuse). */
  private async startingPoint(): Promise<FeedPosition> {
    return (await lastPosition(this.sql, 'lead_event', `occurred_at < now() - interval '72 hours'`)) ?? FEED_START;
  }
}
