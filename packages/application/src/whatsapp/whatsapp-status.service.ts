import { Injectable } from '@nestjs/common';
import { SqlPool, Statement } from '@leadflow/db';
import { STATUS_RANK, type StatusUpdate } from '@leadflow/integration-whatsapp';

export interface StatusOutcome {
  applied: number;
  /** Older than what we know, repeated, or for a message we did not send. */
  ignored: number;
}

/**
 * Applies WhatsApp's status webhooks to the messages we sent. They arrive late, twice and out of
 * order: a status only moves a message forward (sent < delivered < read; failed is final), so a
 * repeat or a straggler changes nothing. A failure marks the run that sent it failed, with the reason.
 */
@Injectable()
export class WhatsAppStatusService {
  constructor(private readonly sql: SqlPool) {}

  async apply(updates: StatusUpdate[]): Promise<StatusOutcome> {
    let applied = 0;
    for (const update of updates) if (await this.applyOne(update)) applied += 1;
    return { applied, ignored: updates.length - applied };
  }

  /**
   * One statement (every message we send gets a few of these): the message locked and read, moved
   * only forward, the step on its lead's timeline, and a failure on the run that sent it.
   */
  private async applyOne(update: StatusUpdate): Promise<boolean> {
    const at = update.timestamp ? new Date(update.timestamp * 1000) : new Date();
    const failure = update.status === 'failed' ? `whatsapp ${update.error?.code ?? ''}: ${update.error?.title ?? 'message failed'}${update.error?.details ? ` (${update.error.details})` : ''}` : null;
    const s = new Statement();
    const [rank, statuses, ranks] = [s.param(STATUS_RANK[update.status]), s.param(Object.keys(STATUS_RANK)), s.param(Object.values(STATUS_RANK))];
    s.with('message', `SELECT wamid, status, lead_id, action_run_id FROM whatsapp_message WHERE wamid = ${s.param(update.wamid)} FOR UPDATE`);
    s.with(
      'moved',
      `UPDATE whatsapp_message w SET status = ${s.param(update.status)}, status_at = ${s.param(at)}::timestamptz, error_code = ${s.param(update.error?.code ?? null)}::int,
         error_title = ${s.param(update.error?.title ?? null)}, updated_at = now()
       FROM message m WHERE w.wamid = m.wamid
         AND COALESCE((SELECT r FROM unnest(${statuses}::text[], ${ranks}::int[]) AS known(name, r) WHERE known.name = m.status), 0) < ${rank}::int
       RETURNING m.lead_id, m.action_run_id`,
    );
    s.with(
      'step',
      `INSERT INTO lead_event (lead_id, type, actor, payload, occurred_at)
       SELECT lead_id, 'message_status', 'system', ${s.param(JSON.stringify({ channel: 'whatsapp', wamid: update.wamid, status: update.status, error: update.error }))}::jsonb, ${s.param(at)}::timestamptz FROM moved`,
    );
    s.with('failed', `UPDATE action_run SET status = 'failed', last_error = ${s.param(failure)}, updated_at = now() WHERE ${s.param(failure)}::text IS NOT NULL AND id = (SELECT action_run_id FROM moved)`);
    const [moved] = await s.run<{ count: number }>(this.sql, 'SELECT count(*)::int AS count FROM moved');
    return moved!.count > 0;
  }
}
