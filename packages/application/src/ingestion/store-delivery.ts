import type { Platform } from '@leadflow/contracts';
import { JOB_QUEUE, normalizeLeadJobId } from '@leadflow/queue';
import { createHash, randomUUID } from 'node:crypto';
import { runnerOf, type AnyDb } from '../prisma-tx.js';

// jsonb cannot hold U+0000; a JSON body may still carry it escaped ("\u0000"). The raw body
// keeps it (as the six characters of the escape); the parsed payload drops it.
const withoutNul = (_key: string, value: unknown) => (typeof value === 'string' ? value.replaceAll('\u0000', '') : value);

export interface IncomingNotification {
  /** The platform's id for the lead: our idempotency key. */
  externalId: string;
  /** What the worker needs to turn it into a lead. */
  payload: unknown;
}

export interface IncomingDelivery {
  platform: Platform;
  rawBody: Buffer;
  /** Headers worth keeping for audit (never the secrets themselves). */
  headers: Record<string, string | undefined>;
  notifications: IncomingNotification[];
}

/**
 * Stores a delivery (a webhook, or a page of a backfill): the raw body, one inbound event per lead
 * notification (deduplicated on platform + external id) and, for each new event, its normalize job
 * in the outbox. One SQL statement, so it is all stored or none of it is. Returns how many
 * notifications were new.
 */
export async function storeDelivery(db: AnyDb, delivery: IncomingDelivery): Promise<number> {
  return (await storeDeliveries(db, [delivery]))[0]!;
}

/**
 * Stores several deliveries in one statement (one commit for all: the webhook path groups the
 * deliveries of a few milliseconds). All are stored or none is. Returns, per delivery, how many of
 * its notifications were new.
 */
export async function storeDeliveries(db: AnyDb, deliveries: IncomingDelivery[]): Promise<number[]> {
  const shas = deliveries.map((d) => createHash('sha256').update(d.rawBody).digest('hex'));
  // The same body twice in one batch is one delivery (a row may be upserted once per statement):
  // each delivery's events hang on the first of its twins.
  const firstOf = new Map<string, number>();
  const twinOf = deliveries.map((d, i) => {
    const key = `${d.platform}:${shas[i]}`;
    if (!firstOf.has(key)) firstOf.set(key, i);
    return firstOf.get(key)!;
  });
  const distinct = [...firstOf.values()];
  const events = deliveries.flatMap((delivery, idx) =>
    [...new Map(delivery.notifications.map((n) => [n.externalId, n])).values()].map((n) => {
      const id = randomUUID();
      return { idx, delivery: twinOf[idx], id, external_id: n.externalId, payload: n.payload, job_id: normalizeLeadJobId(id), job_payload: { inboundEventId: id } };
    }),
  );
  const rows = await runnerOf(db).query<{ idx: number; accepted: number }>(
    `WITH input AS (
      SELECT * FROM unnest($1::int[], $2::"Platform"[], $3::text[], $4::text[], $5::jsonb[]) AS d(idx, platform, sha, raw, headers)
    ), delivery AS (
      INSERT INTO webhook_delivery (platform, body_sha256, raw_body, headers)
      SELECT platform, sha, raw, headers FROM input ORDER BY idx
      ON CONFLICT (platform, body_sha256) DO UPDATE SET redelivery_count = webhook_delivery.redelivery_count + 1
      RETURNING id, platform, body_sha256
    ), incoming AS (
      SELECT * FROM jsonb_to_recordset($6::jsonb)
        AS e(idx int, delivery int, id uuid, external_id text, payload jsonb, job_id text, job_payload jsonb)
    ), stored AS (
      INSERT INTO inbound_event (id, platform, external_id, delivery_id, payload)
      SELECT e.id, i.platform, e.external_id, d.id, e.payload
      FROM incoming e JOIN input i ON i.idx = e.delivery JOIN delivery d ON d.platform = i.platform AND d.body_sha256 = i.sha
      ORDER BY e.idx
      ON CONFLICT (platform, external_id) DO NOTHING
      RETURNING id
    ), queued AS (
      INSERT INTO outbox_message (queue, job_name, job_id, payload)
      SELECT $7::text, 'normalize-lead', e.job_id, e.job_payload FROM incoming e JOIN stored s ON s.id = e.id
      RETURNING job_id
    )
    SELECT e.idx, count(*)::int AS accepted FROM queued q JOIN incoming e ON e.job_id = q.job_id GROUP BY e.idx`,
    [
      distinct,
      distinct.map((i) => deliveries[i]!.platform),
      distinct.map((i) => shas[i]),
      distinct.map((i) => deliveries[i]!.rawBody.toString('utf8')),
      distinct.map((i) => JSON.stringify(deliveries[i]!.headers)),
      JSON.stringify(events, withoutNul),
      JOB_QUEUE['normalize-lead'],
    ],
  );
  const accepted = new Map(rows.map((r) => [Number(r.idx), r.accepted]));
  return deliveries.map((_, i) => accepted.get(i) ?? 0);
}
