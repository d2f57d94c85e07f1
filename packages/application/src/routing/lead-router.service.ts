import { Injectable } from '@nestjs/common';
import type { RoutingDecision } from '@leadflow/contracts';
import { PrismaClient, type Lead as LeadRow, type Prisma } from '@leadflow/db';
import { matchRule, pickEmployee, routeLead, slaDeadline, teamsInPlay, type RoutableLead } from '@leadflow/domain';
import { fireTrigger } from '../automations/trigger.js';
import { Clock } from '../clock.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import { assertVersion } from '../leads/lead-version.js';
import { recordTimeline } from '../leads/timeline.js';
import { OrganisationReader, calendarOf } from '../organisation/organisation-reader.js';
import type { Tx } from '../prisma-tx.js';
import { routableLeadOf } from './routable-lead.js';

interface Assignment {
  employeeId: string;
  employeeName: string;
  teamId: string;
  branchId: string;
}

/**
 * Every write that places a lead: routing of new leads, the queue, manual assignment and the
 * SLA ladder's reassignment. Each runs in one transaction holding the lead's row lock and the
 * target teams' locks, and fires its triggers through the outbox of that same transaction.
 */
@Injectable()
export class LeadRouter {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly organisation: OrganisationReader,
    private readonly clock: Clock,
  ) {}

  /** Routes a freshly stored lead; a second call (a redelivered job) finds it routed and does nothing. */
  async routeNewLead(leadId: string): Promise<RoutingDecision | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const lead = await this.lockLead(tx, leadId, 'unrouted');
      if (!lead) return undefined;
      const now = this.clock.now();
      const decision = await this.decide(tx, lead, now);
      await this.applyDecision(tx, lead, decision, now);
      // Automations on lead.created run after routing, so their actions know the assignee.
      await fireTrigger(tx, { leadId, trigger: 'lead.created' }, 'created');
      return decision;
    });
  }

  /** Tries again to place a lead waiting in a queue; returns the decision when it was assigned. */
  async retryQueued(leadId: string): Promise<RoutingDecision | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const lead = await this.lockLead(tx, leadId, 'queued');
      if (!lead) return undefined;
      const now = this.clock.now();
      const decision = await this.decide(tx, lead, now);
      if (decision.outcome !== 'assigned') {
        await this.checkQueueTimeout(tx, lead, now);
        return undefined;
      }
      await this.applyDecision(tx, lead, decision, now);
      return decision;
    });
  }

  /** Where the lead would go now, and why: nothing is locked or written. */
  async simulate(lead: RoutableLead): Promise<RoutingDecision> {
    const org = await this.organisation.load(this.prisma);
    const now = this.clock.now();
    const { rule } = matchRule(lead, org.rules, this.organisation.snapshot(org, []), now);
    const teams = rule ? teamsInPlay(rule, this.organisation.snapshot(org, [])) : [];
    const candidates = await this.organisation.candidates(this.prisma, org, teams);
    return routeLead(lead, org.rules, this.organisation.snapshot(org, candidates), now);
  }

  async simulateStored(leadId: string): Promise<RoutingDecision> {
    const lead = await this.prisma.lead.findUnique({ where: { id: leadId } });
    if (!lead) throw new NotFoundError(`lead ${leadId} does not exist`);
    return this.simulate(routableLeadOf(lead));
  }

  /** A person assigns (or reassigns) a lead by hand; eligibility rules do not bind them, activity does. */
  async assignManually(leadId: string, employeeId: string, actor: string, options: { reason?: string; expectedVersion?: string; branchId?: string } = {}): Promise<void> {
    const { reason } = options;
    await this.prisma.$transaction(async (tx) => {
      const lead = await this.lockLead(tx, leadId);
      if (!lead) throw new NotFoundError(`lead ${leadId} does not exist`);
      assertVersion(options.expectedVersion, lead.updatedAt);
      const employee = await tx.employee.findUnique({ where: { id: employeeId }, include: { team: true } });
      if (!employee) throw new InvalidRequestError(`employee ${employeeId} does not exist`);
      if (!employee.active) throw new InvalidRequestError(`${employee.name} is inactive and cannot take leads`);
      // A manager assigns within their branch only.
      if (options.branchId && employee.team.branchId !== options.branchId) throw new InvalidRequestError(`${employee.name} is not in your branch`);
      await this.organisation.lockTeams(tx, [employee.teamId]);
      const assignment = { employeeId: employee.id, employeeName: employee.name, teamId: employee.teamId, branchId: employee.team.branchId };
      await this.assign(tx, lead, assignment, this.clock.now(), { actor, manual: true, reason });
    });
  }

  /** A salesperson was given the lead in Odoo: the same assignment, by the actor "odoo", not written back. */
  async applyOdooAssignment(tx: Tx, leadId: string, employeeId: string, details: Record<string, unknown>): Promise<void> {
    const lead = await this.lockLead(tx, leadId);
    if (!lead) throw new NotFoundError(`lead ${leadId} does not exist`);
    const employee = await tx.employee.findUniqueOrThrow({ where: { id: employeeId }, include: { team: true } });
    await this.organisation.lockTeams(tx, [employee.teamId]);
    const assignment = { employeeId: employee.id, employeeName: employee.name, teamId: employee.teamId, branchId: employee.team.branchId };
    await this.assign(tx, lead, assignment, this.clock.now(), { actor: 'odoo', odoo: details });
  }

  /**
   * The SLA ladder's "reassign": the next eligible person of the lead's team other than the current
   * one (round-robin). Returns who, or undefined when nobody else can take it.
   */
  async reassignForEscalation(tx: Tx, lead: LeadRow, now: Date): Promise<Assignment | undefined> {
    if (!lead.teamId) return undefined;
    const org = await this.organisation.load(tx);
    await this.organisation.lockTeams(tx, [lead.teamId]);
    const candidates = (await this.organisation.candidates(tx, org, [lead.teamId])).filter((c) => c.id !== lead.assigneeId);
    const { preferences } = routableLeadOf(lead);
    const { employee } = pickEmployee('round_robin', candidates, preferences, now);
    if (!employee) return undefined;
    const assignment = { employeeId: employee.id, employeeName: employee.name, teamId: employee.teamId, branchId: org.teams.get(employee.teamId)!.branchId };
    await this.assign(tx, lead, assignment, now, { actor: 'system', escalation: true });
    return assignment;
  }

  private async lockLead(tx: Tx, leadId: string, state?: LeadRow['routingState']): Promise<LeadRow | undefined> {
    const locked = state
      ? await tx.$queryRaw<{ id: string }[]>`SELECT id FROM lead WHERE id = ${leadId}::uuid AND routing_state = ${state}::"RoutingState" FOR UPDATE SKIP LOCKED`
      : await tx.$queryRaw<{ id: string }[]>`SELECT id FROM lead WHERE id = ${leadId}::uuid FOR UPDATE`;
    if (locked.length === 0) return undefined;
    return (await tx.lead.findUnique({ where: { id: leadId } })) ?? undefined;
  }

  private async decide(tx: Tx, lead: LeadRow, now: Date): Promise<RoutingDecision> {
    const org = await this.organisation.load(tx);
    const routable = routableLeadOf(lead);
    const { rule } = matchRule(routable, org.rules, this.organisation.snapshot(org, []), now);
    const teams = rule ? teamsInPlay(rule, this.organisation.snapshot(org, [])) : [];
    await this.organisation.lockTeams(tx, teams);
    const candidates = await this.organisation.candidates(tx, org, teams);
    return routeLead(routable, org.rules, this.organisation.snapshot(org, candidates), now);
  }

  private async applyDecision(tx: Tx, lead: LeadRow, decision: RoutingDecision, now: Date): Promise<void> {
    await recordTimeline(tx, [{ leadId: lead.id, type: 'routed', payload: decision as unknown as Record<string, unknown>, occurredAt: now }]);
    if (decision.outcome === 'assigned') {
      const assignment = { employeeId: decision.employeeId!, employeeName: decision.employeeName!, teamId: decision.teamId!, branchId: decision.branchId! };
      await this.assign(tx, lead, assignment, now, { actor: 'system', ruleId: decision.ruleId, fellBack: decision.fellBack });
      return;
    }
    // Queued (or no rule at all): the queue sweep tries again as people become available.
    await tx.lead.update({
      where: { id: lead.id },
      data: { routingState: 'queued', branchId: decision.branchId ?? null, teamId: decision.teamId ?? null, assigneeId: null, queuedAt: lead.queuedAt ?? now },
    });
    if (lead.routingState !== 'queued') {
      await recordTimeline(tx, [{ leadId: lead.id, type: 'queued', payload: { teamId: decision.teamId, branchId: decision.branchId, reason: decision.explanation }, occurredAt: now }]);
    }
  }

  private async assign(tx: Tx, lead: LeadRow, to: Assignment, now: Date, details: Record<string, unknown> & { actor: string }): Promise<void> {
    const team = await tx.team.findUniqueOrThrow({ where: { id: to.teamId }, include: { branch: true } });
    const slaDueAt = slaDeadline(calendarOf(team.branch), now, team.slaMinutes ?? undefined) ?? null;
    const data: Prisma.LeadUncheckedUpdateInput = {
      routingState: 'assigned',
      branchId: to.branchId,
      teamId: to.teamId,
      assigneeId: to.employeeId,
      assignedAt: now,
      queuedAt: null,
      queueTimedOutAt: null,
      // A new owner gets a fresh first-contact deadline and ladder; a contacted lead needs none.
      slaDueAt: lead.contactedAt ? null : slaDueAt,
      slaBreachedAt: null,
      escalationStep: 0,
      nextSlaCheckAt: lead.contactedAt ? null : slaDueAt,
    };
    await tx.lead.update({ where: { id: lead.id }, data });
    // The database clock, read under the team lock: assignments are stamped in the order they
    // really happened, whichever worker (and whichever app clock) made them — round-robin reads this order.
    await tx.$executeRaw`UPDATE employee SET last_assigned_at = clock_timestamp(), assigned_total = assigned_total + 1 WHERE id = ${to.employeeId}::uuid`;
    const { actor, ...rest } = details;
    await recordTimeline(tx, [
      {
        leadId: lead.id,
        type: 'assigned',
        actor,
        occurredAt: now,
        payload: { ...rest, employeeId: to.employeeId, employeeName: to.employeeName, teamId: to.teamId, previousEmployeeId: lead.assigneeId ?? undefined, slaDueAt },
      },
    ]);
    await fireTrigger(tx, { leadId: lead.id, trigger: 'lead.assigned', origin: actor === 'odoo' ? 'odoo' : undefined }, String(now.getTime()));
  }

  private async checkQueueTimeout(tx: Tx, lead: LeadRow, now: Date): Promise<void> {
    if (!lead.teamId || !lead.queuedAt || lead.queueTimedOutAt) return;
    const team = await tx.team.findUnique({ where: { id: lead.teamId } });
    if (!team?.queueTimeoutMinutes || now.getTime() - lead.queuedAt.getTime() < team.queueTimeoutMinutes * 60_000) return;
    await tx.lead.update({ where: { id: lead.id }, data: { queueTimedOutAt: now } });
    await recordTimeline(tx, [{ leadId: lead.id, type: 'unassigned_timeout', occurredAt: now, payload: { teamId: team.id, waitingSince: lead.queuedAt, timeoutMinutes: team.queueTimeoutMinutes } }]);
    await fireTrigger(tx, { leadId: lead.id, trigger: 'lead.unassigned_timeout' }, String(now.getTime()));
  }

  /** Leads waiting longest first, for the queue sweep. */
  async queuedLeadIds(limit: number): Promise<string[]> {
    const rows = await this.prisma.lead.findMany({ where: { routingState: 'queued' }, orderBy: { queuedAt: 'asc' }, take: limit, select: { id: true } });
    return rows.map((r) => r.id);
  }
}

