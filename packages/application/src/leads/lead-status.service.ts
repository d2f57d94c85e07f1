import { Injectable } from '@nestjs/common';
import type { LeadStatus } from '@leadflow/contracts';
import { PrismaClient, type Lead as LeadRow } from '@leadflow/db';
import { provesContact, statusChangeProblem } from '@leadflow/domain';
import { outboxMessage } from '@leadflow/queue';
import { randomUUID } from 'node:crypto';
import { fireTrigger } from '../automations/trigger.js';
import { Clock } from '../clock.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import { assertVersion } from './lead-version.js';
import { transactionRetryingConflicts, type Tx } from '../prisma-tx.js';
import { recordTimeline } from './timeline.js';

/** What proved the person was reached (never the mere sending of an automated message). */
export type ContactEvidence = { kind: 'status_change'; status: LeadStatus } | { kind: 'message_delivered'; messageId: string } | { kind: 'activity_done'; activityId: string };

/** The milestone a status reaches: kept on the lead, since a lost lead forgets how far it got. */
function milestoneOf(to: LeadStatus, at: Date, reason?: string) {
  if (to === 'qualified') return { qualifiedAt: at };
  if (to === 'proposal') return { proposalAt: at };
  if (to === 'won') return { closedAt: at };
  if (to === 'lost') return { closedAt: at, lostReason: reason?.trim() };
  return {};
}

/** Moves leads along the pipeline and records contact, which stops the SLA clock. */
@Injectable()
export class LeadStatusService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: Clock,
  ) {}

  async changeStatus(leadId: string, to: LeadStatus, options: { actor: string; reason?: string; expectedVersion?: string }): Promise<LeadRow> {
    // Locks the lead, then its owner's row (the open-leads trigger); if Postgres aborts it to break
    // a deadlock, it runs again.
    const lead = await transactionRetryingConflicts(this.prisma, async (tx) => {
      const locked = await this.lock(tx, leadId);
      assertVersion(options.expectedVersion, locked.updated_at);
      const problem = statusChangeProblem(locked.status, to, options.reason);
      if (problem) throw new InvalidRequestError(problem);
      return this.apply(tx, leadId, locked.status, to, { actor: options.actor, reason: options.reason });
    });
    return lead;
  }

  /**
   * A salesperson moved the lead in Odoo: recorded with the actor "odoo" and the usual automations
   * fire, but nothing is written back to Odoo. Odoo's pipeline may go back (a lost lead reopened),
   * so our transition rules do not bind it; `odoo` (stage, write_date, what it overrode) goes on the timeline.
   */
  async applyOdooStatus(tx: Tx, leadId: string, to: LeadStatus, odoo: { reason?: string; details: Record<string, unknown> }): Promise<LeadRow> {
    const locked = await this.lock(tx, leadId);
    return this.apply(tx, leadId, locked.status, to, { actor: 'odoo', reason: to === 'lost' ? odoo.reason || 'Marked lost in Odoo' : undefined, origin: 'odoo', details: odoo.details });
  }

  private async lock(tx: Tx, leadId: string) {
    const [locked] = await tx.$queryRaw<{ status: LeadStatus; updated_at: Date }[]>`SELECT status, updated_at FROM lead WHERE id = ${leadId}::uuid FOR UPDATE`;
    if (!locked) throw new NotFoundError(`lead ${leadId} does not exist`);
    return locked;
  }

  private async apply(tx: Tx, leadId: string, from: LeadStatus, to: LeadStatus, change: { actor: string; reason?: string; origin?: 'odoo'; details?: Record<string, unknown> }): Promise<LeadRow> {
    const now = this.clock.now();
    // Reopened (only Odoo can): the close is undone; the milestones reached stay.
    const reopened = (from === 'won' || from === 'lost') && to !== 'won' && to !== 'lost' ? { closedAt: null, lostReason: null } : {};
    const updated = await tx.lead.update({ where: { id: leadId }, data: { status: to, ...reopened, ...milestoneOf(to, now, change.reason) } });
    await recordTimeline(tx, [{ leadId, type: 'status_changed', actor: change.actor, occurredAt: now, payload: { from, to, reason: change.reason, ...(change.details ? { odoo: change.details } : {}) } }]);
    if (provesContact(to)) await this.recordContact(tx, updated, { kind: 'status_change', status: to }, change.actor, now);
    await fireTrigger(tx, { leadId, trigger: 'lead.status_changed', fromStatus: from, toStatus: to, origin: change.origin }, now);
    await tx.outboxMessage.create({ data: outboxMessage('sync-status', { leadId, status: to, origin: change.origin }, `sync-status:${leadId}:${randomUUID()}`) });
    return updated;
  }

  /** First proof of contact stops the SLA clock; later proofs change nothing. */
  async recordContact(tx: Tx, lead: LeadRow, evidence: ContactEvidence, actor: string, now: Date): Promise<void> {
    if (lead.contactedAt) return;
    await tx.lead.update({ where: { id: lead.id }, data: { contactedAt: now, nextSlaCheckAt: null } });
    await recordTimeline(tx, [{ leadId: lead.id, type: 'contacted', actor, occurredAt: now, payload: { evidence } }]);
  }
}
