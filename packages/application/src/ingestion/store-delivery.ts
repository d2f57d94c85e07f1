import type { Platform } from '@leadflow/contracts';
import type { PrismaClient } from '@leadflow/db';
import { JOB_QUEUE, normalizeLeadJobId } from '@leadflow/queue';
import { createHash, randomUUID } from 'node:crypto';

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
export async function storeDelivery(prisma: PrismaClient, delivery: IncomingDelivery): Promise<number> {
  const unique = new Map(delivery.notifications.map((n) => [n.externalId, n]));
  const events = [...unique.values()].map((n) => {
    const id = randomUUID();
    return { id, external_id: n.externalId, payload: n.payload, job_id: normalizeLeadJobId(id), job_payload: { inboundEventId: id } };
  });
  const sha256 = createHash('sha256').update(delivery.rawBody).digest('hex');
  const [row] = await prisma.$queryRaw<{ accepted: number }[]>`
    WITH delivery AS (
      INSERT INTO webhook_delivery (platform, body_sha256, raw_body, headers)
      VALUES (${delivery.platform}::"Platform", ${sha256}, ${delivery.rawBody.toString('utf8')}, ${JSON.stringify(delivery.headers)}::jsonb)
      ON CONFLICT (platform, body_sha256) DO UPDATE SET redelivery_count = webhook_delivery.redelivery_count + 1
      RETURNING id
    ), incoming AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(events, withoutNul)}::jsonb)
        AS e(id uuid, external_id text, payload jsonb, job_id text, job_payload jsonb)
    ), stored AS (
      INSERT INTO inbound_event (id, platform, external_id, delivery_id, payload)
      SELECT i.id, ${delivery.platform}::"Platform", i.external_id, d.id, i.payload FROM incoming i CROSS JOIN delivery d
      ON CONFLICT (platform, external_id) DO NOTHING
      RETURNING id
    ), queued AS (
      INSERT INTO outbox_message (queue, job_name, job_id, payload)
      SELECT ${JOB_QUEUE['normalize-lead']}, 'normalize-lead', i.job_id, i.job_payload FROM incoming i JOIN stored s ON s.id = i.id
      RETURNING id
    )
    SELECT (SELECT count(*) FROM queued)::int AS accepted`;
  return row!.accepted;
}
