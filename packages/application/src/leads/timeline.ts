import type { LeadEventType } from '@leadflow/contracts';
import type { Prisma } from '@leadflow/db';
import type { Db } from '../prisma-tx.js';

export interface TimelineEntry {
  leadId: string;
  type: LeadEventType;
  payload?: Record<string, unknown>;
  /** `system` unless a person (or `odoo`) did it. */
  actor?: string;
  occurredAt?: Date;
}

/** Appends steps to leads' timelines (in the caller's transaction). */
export async function recordTimeline(db: Db, entries: TimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.leadEvent.createMany({
    data: entries.map((e) => ({ leadId: e.leadId, type: e.type, actor: e.actor ?? 'system', payload: (e.payload ?? {}) as Prisma.InputJsonValue, occurredAt: e.occurredAt })),
  });
}
