import { readFinal, type AnyDb } from '@leadflow/application';
import type { StreamEventRow, StreamPosition } from './stream-message.js';

/** Stream events after `after` that can no longer be overtaken (see readFinal), in stream order. */
export async function readFinalEvents(db: AnyDb, after: StreamPosition, limit: number): Promise<StreamEventRow[]> {
  const rows = await readFinal<StreamEventRow>(db, 'stream_event', '"id", "kind", "lead_id", "branch_id", "employee_id", "user_id", "payload", "created_at"', { tx: after.tx.toString(), id: after.id.toString() }, limit);
  return rows.map((row) => ({ ...row, id: BigInt(row.id) }));
}
