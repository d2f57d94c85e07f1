import type { NotificationCategory } from '@leadflow/contracts';
import type { Db } from '../prisma-tx.js';

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

/** Creates an in-app notification, once per dedupe key. */
export async function notify(db: Db, n: NewNotification): Promise<{ id: string; created: boolean }> {
  if (n.dedupeKey) {
    const existing = await db.notification.findUnique({ where: { dedupeKey: n.dedupeKey }, select: { id: true } });
    if (existing) return { id: existing.id, created: false };
  }
  const rows = await db.notification.createManyAndReturn({ data: [n], skipDuplicates: true, select: { id: true } });
  if (rows[0]) return { id: rows[0].id, created: true };
  // Lost a race with a concurrent identical call: theirs is the one.
  const winner = await db.notification.findUniqueOrThrow({ where: { dedupeKey: n.dedupeKey! }, select: { id: true } });
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
