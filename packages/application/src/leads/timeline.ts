import type { LeadEventType } from '@leadflow/contracts';
import { runnerOf, type AnyDb } from '../prisma-tx.js';

export interface TimelineEntry {
  leadId: string;
  type: LeadEventType;
  payload?: Record<string, unknown>;
  /** `system` unless a person (or `odoo`) did it. */
  actor?: string;
  occurredAt?: Date;
}

/** Appends steps to leads' timelines (in the caller's transaction), in one statement. */
export async function recordTimeline(db: AnyDb, entries: TimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await runnerOf(db).query(
    `INSERT INTO lead_event (lead_id, type, actor, payload, occurred_at)
     SELECT lead_id, type, actor, payload::jsonb, COALESCE(occurred_at::timestamptz, now())
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS e(lead_id, type, actor, payload, occurred_at)`,
    [
      entries.map((e) => e.leadId),
      entries.map((e) => e.type),
      entries.map((e) => e.actor ?? 'system'),
      entries.map((e) => JSON.stringify(e.payload ?? {})),
      entries.map((e) => e.occurredAt?.toISOString() ?? null),
    ],
  );
}
