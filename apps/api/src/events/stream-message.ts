import type { StreamEvent } from '@leadflow/contracts';
import type { Principal } from '../auth/principal.js';

/**
 * One pushed event as it travels through Redis: the browser's StreamEvent plus who may see it.
 * Its id, `<tx>-<row id>`, is the stream's order: by writing transaction first, because a row id
 * taken by a transaction that commits late would otherwise land behind ids already delivered.
 */
export interface StreamMessage extends StreamEvent {
  branchId?: string;
  employeeId?: string;
  userId?: string;
}

export interface StreamEventRow {
  id: bigint;
  /** xid8 as text. */
  tx: string;
  kind: string;
  lead_id: string | null;
  branch_id: string | null;
  employee_id: string | null;
  user_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
}

export function toMessage(row: StreamEventRow): StreamMessage {
  return {
    id: `${row.tx}-${row.id}`,
    kind: row.kind,
    leadId: row.lead_id ?? undefined,
    branchId: row.branch_id ?? undefined,
    employeeId: row.employee_id ?? undefined,
    userId: row.user_id ?? undefined,
    payload: row.payload,
    createdAt: row.created_at.toISOString(),
  };
}

/** Notifications go to their recipient; lead changes to whoever may see the lead (the rules of leadScope). */
export function visibleTo(principal: Principal, message: StreamMessage): boolean {
  if (message.kind === 'notification') {
    return Boolean((message.userId && message.userId === principal.userId) || (message.employeeId && message.employeeId === principal.employeeId));
  }
  if (principal.role === 'admin') return true;
  if (principal.role === 'manager') return Boolean(message.branchId) && message.branchId === principal.branchId;
  return Boolean(message.employeeId) && message.employeeId === principal.employeeId;
}

/** The wire format of one SSE message. */
export function sseFrame(message: StreamMessage): string {
  const { branchId: _b, employeeId: _e, userId: _u, ...visible } = message;
  visible satisfies StreamEvent;
  return `id: ${message.id}\nevent: ${message.kind}\ndata: ${JSON.stringify(visible)}\n\n`;
}

/** A position in the stream: (transaction, row id), compared in that order. */
export interface StreamPosition {
  tx: bigint;
  id: bigint;
}

export const STREAM_START: StreamPosition = { tx: 0n, id: 0n };

export function parsePosition(value: string | undefined): StreamPosition | undefined {
  const match = value ? /^(\d{1,20})-(\d{1,20})$/.exec(value.trim()) : null;
  return match ? { tx: BigInt(match[1]!), id: BigInt(match[2]!) } : undefined;
}

export function isAfter(a: StreamPosition, b: StreamPosition): boolean {
  return a.tx > b.tx || (a.tx === b.tx && a.id > b.id);
}
