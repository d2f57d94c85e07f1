import { Injectable } from '@nestjs/common';
import { PrismaClient, type Lead as LeadRow } from '@leadflow/db';
import { nextSlaAction } from '@leadflow/domain';
import { fireTrigger } from '../automations/trigger.js';
import { Clock } from '../clock.js';
import { recordTimeline } from '../leads/timeline.js';
import { notify } from '../notifications/notifier.js';
import { calendarOf, escalationOf } from '../organisation/organisation-reader.js';
import type { Tx } from '../prisma-tx.js';
import { LeadRouter } from '../routing/lead-router.service.js';

/**
 * The first-contact clock. Each lead carries when it must be looked at next (`next_sla_check_at`);
 * the scheduler takes the due ones (SKIP LOCKED, so several workers share them) and moves each one
 * step: the breach, then each rung of the team's ladder. Contact clears the clock.
 */
@Injectable()
export class SlaMonitor {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly router: LeadRouter,
    private readonly clock: Clock,
  ) {}

  /** Leads whose clock is due now, most overdue first (the scheduler steps each one alone). */
  async dueLeadIds(limit = 100): Promise<string[]> {
    const due = await this.prisma.lead.findMany({
      where: { nextSlaCheckAt: { lte: this.clock.now() }, contactedAt: null, routingState: 'assigned' },
      orderBy: { nextSlaCheckAt: 'asc' },
      take: limit,
      select: { id: true },
    });
    return due.map((d) => d.id);
  }

  /** Moves one lead's clock one step; false when another worker has it or nothing was due. */
  async step(leadId: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM lead WHERE id = ${leadId}::uuid AND contacted_at IS NULL AND next_sla_check_at <= now() FOR UPDATE SKIP LOCKED`;
      if (locked.length === 0) return false;
      const lead = await tx.lead.findUniqueOrThrow({ where: { id: leadId } });
      const team = lead.teamId ? await tx.team.findUnique({ where: { id: lead.teamId }, include: { branch: true } }) : null;
      if (!team || !lead.slaDueAt) {
        await tx.lead.update({ where: { id: leadId }, data: { nextSlaCheckAt: null } });
        return false;
      }
      const now = this.clock.now();
      const ladder = escalationOf(team);
      const action = nextSlaAction({ slaDueAt: lead.slaDueAt, breachedAt: lead.slaBreachedAt ?? undefined, nextStep: lead.escalationStep }, ladder, calendarOf(team.branch), now);
      switch (action.kind) {
        case 'wait':
          await tx.lead.update({ where: { id: leadId }, data: { nextSlaCheckAt: action.until } });
          return false;
        case 'done':
          await tx.lead.update({ where: { id: leadId }, data: { nextSlaCheckAt: null } });
          return false;
        case 'breach':
          await tx.lead.update({ where: { id: leadId }, data: { slaBreachedAt: now, nextSlaCheckAt: action.nextCheckAt ?? null } });
          await recordTimeline(tx, [{ leadId, type: 'sla_breached', occurredAt: now, payload: { slaDueAt: lead.slaDueAt, assigneeId: lead.assigneeId, teamId: team.id } }]);
          await fireTrigger(tx, { leadId, trigger: 'lead.sla_breached' }, now);
          return true;
        case 'escalate':
          // A reassignment restarts the clock for the new owner; otherwise go on up the ladder.
          if (!(await this.escalate(tx, lead, team.managerId, action.step.action, action.stepIndex, now))) {
            await tx.lead.update({ where: { id: leadId }, data: { escalationStep: action.stepIndex + 1, nextSlaCheckAt: action.nextCheckAt ?? null } });
          }
          return true;
      }
    });
  }

  /** Runs one ladder step; true when the lead changed hands (and so got a fresh clock). */
  private async escalate(tx: Tx, lead: LeadRow, managerId: string | null, step: 'notify_manager' | 'reassign', stepIndex: number, now: Date): Promise<boolean> {
    const base = { leadId: lead.id, type: 'escalated' as const, occurredAt: now };
    if (step === 'notify_manager') {
      if (managerId) {
        await notify(tx, {
          employeeId: managerId,
          category: 'sla_breached',
          title: `Lead not contacted in time: ${lead.fullName || lead.phone || lead.id}`,
          body: `First-contact deadline was ${lead.slaDueAt!.toISOString()}; nobody has contacted this ${lead.platform} lead yet.`,
          leadId: lead.id,
          dedupeKey: `sla:${lead.id}:${lead.slaDueAt!.getTime()}:${stepIndex}`,
        });
      }
      await recordTimeline(tx, [{ ...base, payload: { step: stepIndex, action: step, managerId: managerId ?? undefined, note: managerId ? undefined : 'the team has no manager' } }]);
      return false;
    }
    const to = await this.router.reassignForEscalation(tx, lead, now);
    await recordTimeline(tx, [{ ...base, payload: { step: stepIndex, action: step, from: lead.assigneeId, to: to?.employeeId, note: to ? undefined : 'nobody else in the team can take it now' } }]);
    return to !== undefined;
  }
}
