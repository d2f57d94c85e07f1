import type { NotificationCategory } from '@leadflow/contracts';
import { runnerOf, type AnyDb, type Db } from '../prisma-tx.js';

export interface NewNotification {
  /** An employee (their user reads it) or a user directly. */
  employeeId?: string;
  userId?: string;
  category: NotificationCategory;
  title: string;
  body: string;
  leadId?: string;
  /** The notify.user run sending it. */
  actionRunId?: string;
  /** Idempotency key: a second call with it returns the first notification (`action-run:<run>:<generation>`, `sla:…`). */
  dedupeKey?: string;
}

/** Creates an in-app notification, once per dedupe key (one statement; a second only after losing a race). */
export async function notify(anyDb: AnyDb, n: NewNotification): Promise<{ id: string; created: boolean }> {
  const db = runnerOf(anyDb);
  const [row] = await db.query<{ id: string; created: boolean }>(
    `WITH created AS (
       INSERT INTO notification (employee_id, user_id, category, title, body, lead_id, action_run_id, dedupe_key)
       VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::uuid, $7::uuid, $8) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id)
     SELECT id, true AS created FROM created
     UNION ALL SELECT id, false FROM notification WHERE dedupe_key = $8 AND NOT EXISTS (SELECT FROM created)`,
    [n.employeeId ?? null, n.userId ?? null, n.category, n.title, n.body, n.leadId ?? null, n.actionRunId ?? null, n.dedupeKey ?? null],
  );
  if (row) return row;
  // Lost a race with a concurrent identical call that committed after this statement began: theirs is the one.
  const [winner] = await db.query<{ id: string }>('SELECT id FROM notification WHERE dedupe_key = $1', [n.dedupeKey]);
  if (!winner) throw new Error(`notification ${n.dedupeKey} was neither created nor found`);
  return { id: winner.id, created: false };
}

export interface AdminAlert {
  category: Extract<NotificationCategory, 'admin_alert' | 'action_failed'>;
  title: string;
  body: string;
  leadId?: string;
  /** One notification per admin per key (`<key>:<admin>`). */
  dedupeKey: string;
}

/** Tells every active admin (a permanent failure someone must fix); once per key. */
export async function alertAdmins(db: Db, alert: AdminAlert): Promise<void> {
  const { dedupeKey, ...rest } = alert;
  for (const admin of await db.user.findMany({ where: { role: 'admin', active: true }, select: { id: true } })) {
    await notify(db, { ...rest, userId: admin.id, dedupeKey: `${dedupeKey}:${admin.id}` });
  }
}

/**
 * A connector that refused our credentials fails every call until someone replaces them: one
 * admin alert per service per hour says so, instead of one per lead.
 */
export function credentialsAlert(service: string, message: string, at: Date): AdminAlert {
  return {
    category: 'admin_alert',
    title: `${service} rejected our credentials`,
    body: `${message} — renew the token or password; then replay what failed.`,
    dedupeKey: `credentials:${service}:${at.toISOString().slice(0, 13)}`,
  };
}
