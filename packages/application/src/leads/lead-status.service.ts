import { Injectable } from '@nestjs/common';
import type { LeadStatus } from '@leadflow/contracts';
import { PrismaClient, type Lead as LeadRow } from '@leadflow/db';
import { provesContact, statusChangeProblem } from '@leadflow/domain';
import { OutboxRelay, outboxMessage } from '@leadflow/queue';
import { randomUUID } from 'node:crypto';
import { fireTrigger } from '../automations/trigger.js';
import { Clock } from '../clock.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import { assertVersion } from './lead-version.js';
import type { Tx } from '../prisma-tx.js';
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
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
  ) {}

  async changeStatus(leadId: string, to: LeadStatus, options: { actor: string; reason?: string; expectedVersion?: string }): Promise<LeadRow> {
    const lead = await this.prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ status: LeadStatus; updated_at: Date }[]>`SELECT status, updated_at FROM lead WHERE id = ${leadId}::uuid FOR UPDATE`;
      if (!locked) throw new NotFoundError(`lead ${leadId} does not exist`);
      assertVersion(options.expectedVersion, locked.updated_at);
      const problem = statusChangeProblem(locked.status, to, options.reason);
      if (problem) throw new InvalidRequestError(problem);
      const now = this.clock.now();
      const updated = await tx.lead.update({ where: { id: leadId }, data: { status: to, ...milestoneOf(to, now, options.reason) } });
      await recordTimeline(tx, [{ leadId, type: 'status_changed', actor: options.actor, occurredAt: now, payload: { from: locked.status, to, reason: options.reason } }]);
      if (provesContact(to)) await this.recordContact(tx, updated, { kind: 'status_change', status: to }, options.actor, now);
      const change = randomUUID();
      await fireTrigger(tx, { leadId, trigger: 'lead.status_changed', fromStatus: locked.status, toStatus: to }, change);
      await tx.outboxMessage.create({ data: outboxMessage('sync-status', { leadId, status: to }, `sync-status:${leadId}:${change}`) });
      return updated;
    });
    this.relay.nudge();
    return lead;
  }

  /** First proof of contact stops the SLA clock; later proofs change nothing. */
  async recordContact(tx: Tx, lead: LeadRow, evidence: ContactEvidence, actor: string, now: Date): Promise<void> {
    if (lead.contactedAt) return;
    await tx.lead.update({ where: { id: lead.id }, data: { contactedAt: now, nextSlaCheckAt: null } });
    await recordTimeline(tx, [{ leadId: lead.id, type: 'contacted', actor, occurredAt: now, payload: { evidence } }]);
  }
}
