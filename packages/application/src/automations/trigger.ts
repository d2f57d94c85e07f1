import type { AutomationTrigger } from '@leadflow/contracts';
import { outboxMessage, writeOutbox } from '@leadflow/queue';
import { runnerOf, type AnyDb } from '../prisma-tx.js';

export interface FiredTrigger {
  leadId: string;
  trigger: AutomationTrigger;
  fromStatus?: string;
  toStatus?: string;
  /** The change came from Odoo: actions that would write it back there are left out (no echo). */
  origin?: 'odoo';
}

/**
 * Records that a trigger fired, in the caller's transaction, as an outbox job: the automations run
 * if and only if the change that fired them commits. The job id names the occurrence (`key`), so
 * a retried transaction or a redelivered job never dispatches it twice.
 */
export async function fireTrigger(db: AnyDb, fired: FiredTrigger, key: string): Promise<void> {
  await writeOutbox(runnerOf(db), [
    outboxMessage('run-automations', { leadId: fired.leadId, trigger: fired.trigger, fromStatus: fired.fromStatus, toStatus: fired.toStatus, origin: fired.origin }, `run-automations:${fired.leadId}:${fired.trigger}:${key}`),
  ]);
}
