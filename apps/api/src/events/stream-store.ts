import { readFinal } from '@leadflow/application';
import type { PrismaClient } from '@leadflow/db';
import type { StreamEventRow, StreamPosition } from './stream-message.js';

/** Stream events after `after` that can no longer be overtaken (see readFinal), in stream order. */
export function readFinalEvents(prisma: PrismaClient, after: StreamPosition, limit: number): Promise<StreamEventRow[]> {
  return readFinal<StreamEventRow>(prisma, 'stream_event', '"id", "kind", "lead_id", "branch_id", "employee_id", "user_id", "payload", "created_at"', { tx: after.tx.toString(), id: after.id.toString() }, limit);
}
