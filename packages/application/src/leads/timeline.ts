import type { LeadEventType } from '@leadflow/contracts';
import { Statement } from '@leadflow/db';
import { runnerOf, type AnyDb } from '../prisma-tx.js';

export interface TimelineEntry {
  leadId: string;
  type: LeadEventType;
  payload?: Record<string, unknown>;
  /** `system` unless a person (or `odoo`) did it. */
  actor?: string;
  occurredAt?: Date;
}

/** The insert of timeline steps, its parameters added to `s`: a statement of its own or one part of a larger one. */
export function timelineInsert(s: Statement, entries: TimelineEntry[]): string {
  return `INSERT INTO lead_event (lead_id, type, actor, payload, occurred_at)
     SELECT lead_id, type, actor, payload::jsonb, COALESCE(occurred_at::timestamptz, now())
     FROM unnest(${s.param(entries.map((e) => e.leadId))}::uuid[], ${s.param(entries.map((e) => e.type))}::text[], ${s.param(entries.map((e) => e.actor ?? 'system'))}::text[],
                 ${s.param(entries.map((e) => JSON.stringify(e.payload ?? {})))}::text[], ${s.param(entries.map((e) => e.occurredAt?.toISOString() ?? null))}::text[])
          AS e(lead_id, type, actor, payload, occurred_at)`;
}

/** Appends steps to leads' timelines (in the caller's transaction), in one statement. */
export async function recordTimeline(db: AnyDb, entries: TimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const s = new Statement();
  await runnerOf(db).query(timelineInsert(s, entries), s.values);
}
