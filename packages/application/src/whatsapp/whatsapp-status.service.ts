import { Injectable } from '@nestjs/common';
import { PrismaClient } from '@leadflow/db';
import { STATUS_RANK, type MessageStatus, type StatusUpdate } from '@leadflow/integration-whatsapp';
import { recordTimeline } from '../leads/timeline.js';

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
  constructor(private readonly prisma: PrismaClient) {}

  async apply(updates: StatusUpdate[]): Promise<StatusOutcome> {
    let applied = 0;
    for (const update of updates) if (await this.applyOne(update)) applied += 1;
    return { applied, ignored: updates.length - applied };
  }

  private applyOne(update: StatusUpdate): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const [message] = await tx.$queryRaw<{ status: string; lead_id: string; action_run_id: string | null }[]>`
        SELECT status, lead_id, action_run_id FROM whatsapp_message WHERE wamid = ${update.wamid} FOR UPDATE`;
      if (!message) return false;
      if ((STATUS_RANK[message.status as MessageStatus] ?? 0) >= STATUS_RANK[update.status]) return false;
      const at = update.timestamp ? new Date(update.timestamp * 1000) : new Date();
      await tx.whatsAppMessage.update({
        where: { wamid: update.wamid },
        data: { status: update.status, statusAt: at, errorCode: update.error?.code ?? null, errorTitle: update.error?.title ?? null },
      });
      await recordTimeline(tx, [{ leadId: message.lead_id, type: 'message_status', occurredAt: at, payload: { channel: 'whatsapp', wamid: update.wamid, status: update.status, error: update.error } }]);
      if (update.status === 'failed' && message.action_run_id) {
        const reason = `whatsapp ${update.error?.code ?? ''}: ${update.error?.title ?? 'message failed'}${update.error?.details ? ` (${update.error.details})` : ''}`;
        await tx.actionRun.update({ where: { id: message.action_run_id }, data: { status: 'failed', lastError: reason } });
      }
      return true;
    });
  }
}
