import { Injectable } from '@nestjs/common';
import type { RoutingDecision } from '@leadflow/contracts';
import { PrismaClient, SqlPool, Statement, camelRow, sqlOf, type Lead as LeadRow, type SqlRunner } from '@leadflow/db';
import { DEFAULT_TIMEZONE, matchRule, pickEmployee, routeLead, slaDeadline, teamsInPlay, type RoutableLead } from '@leadflow/domain';
import { addRuns, fireTriggers, planRuns, type FiredTrigger } from '../automations/trigger.js';
import { Clock } from '../clock.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import { assertVersion } from '../leads/lead-version.js';
import { recordTimeline, timelineInsert, type TimelineEntry } from '../leads/timeline.js';
import { ORGANISATION_STAMP, OrganisationReader, calendarOf, type Organisation } from '../organisation/organisation-reader.js';
import { retryingConflicts, transactionRetryingConflicts, type Tx } from '../prisma-tx.js';
import { routableLeadOf, ruleSubjectOf } from './routable-lead.js';

/**
 * The lead's row lock and row inside a Prisma transaction (the lead has a column Prisma's raw
 * queries cannot read, so its client reads the row).
 */
async function lockLeadInPrisma(tx: Tx, leadId: string): Promise<LeadRow | null> {
  await tx.$queryRaw`SELECT id FROM lead WHERE id = ${leadId}::uuid FOR UPDATE`;
  return tx.lead.findUnique({ where: { id: leadId } });
}

/** "assigned to Sara by "Villas to Riyadh"", for logs. */
export function describeDecision(decision: RoutingDecision): string {
  return `${decision.outcome}${decision.employeeName ? ` to ${decision.employeeName}` : ''} by "${decision.ruleName ?? 'no rule'}"`;
}

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
 * Written in plain SQL (through `pg`, or Prisma's transaction where the caller has one): routing
 * runs for every lead, and a team's lock is held from the candidates' read to the commit, so that
 * stretch is kept to a few cheap statements.
 */
@Injectable()
export class LeadRouter {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: SqlPool,
    private readonly organisation: OrganisationReader,
    private readonly clock: Clock,
  ) {}

  /**
   * Routes a freshly stored lead; a second call (a redelivered job) finds it routed and does nothing.
   * Aborted to break a deadlock, it runs again at once rather than wait for the scheduler's strays.
   */
  async routeNewLead(leadId: string): Promise<RoutingDecision | undefined> {
    return retryingConflicts(() => this.sql.transaction(async (tx) => {
      const { lead, stamp } = await this.lockLead(tx, leadId, 'unrouted');
      if (!lead) return undefined;
      const org = await this.organisation.loadAt(tx, stamp);
      const now = this.clock.now();
      const decision = await this.decide(tx, org, lead, now);
      // Automations on lead.created start with routing's writes, so their actions know the assignee.
      await this.applyDecision(tx, org, lead, decision, now, [{ leadId, trigger: 'lead.created' }]);
      return decision;
    }));
  }

  /** Tries again to place a lead waiting in a queue; returns the decision when it was assigned. */
  async retryQueued(leadId: string): Promise<RoutingDecision | undefined> {
    return retryingConflicts(() => this.sql.transaction(async (tx) => {
      const { lead, stamp } = await this.lockLead(tx, leadId, 'queued');
      if (!lead) return undefined;
      const org = await this.organisation.loadAt(tx, stamp);
      const now = this.clock.now();
      const decision = await this.decide(tx, org, lead, now);
      if (decision.outcome !== 'assigned') {
        await this.checkQueueTimeout(tx, org, lead, now);
        return undefined;
      }
      await this.applyDecision(tx, org, lead, decision, now, []);
      return decision;
    }));
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
    await transactionRetryingConflicts(this.prisma, async (prismaTx) => {
      const tx = sqlOf(prismaTx);
      const lead = await lockLeadInPrisma(prismaTx, leadId);
      if (!lead) throw new NotFoundError(`lead ${leadId} does not exist`);
      assertVersion(options.expectedVersion, lead.updatedAt);
      const employee = await prismaTx.employee.findUnique({ where: { id: employeeId }, include: { team: true } });
      if (!employee) throw new InvalidRequestError(`employee ${employeeId} does not exist`);
      if (!employee.active) throw new InvalidRequestError(`${employee.name} is inactive and cannot take leads`);
      // A manager assigns within their branch only.
      if (options.branchId && employee.team.branchId !== options.branchId) throw new InvalidRequestError(`${employee.name} is not in your branch`);
      await this.organisation.lockTeams(tx, [employee.teamId]);
      const assignment = { employeeId: employee.id, employeeName: employee.name, teamId: employee.teamId, branchId: employee.team.branchId };
      await this.assign(tx, await this.organisation.load(tx), lead, assignment, this.clock.now(), { actor, manual: true, reason });
    });
  }

  /** A salesperson was given the lead in Odoo: the same assignment, by the actor "odoo", not written back. */
  async applyOdooAssignment(prismaTx: Tx, leadId: string, employeeId: string, details: Record<string, unknown>): Promise<void> {
    const tx = sqlOf(prismaTx);
    const lead = await lockLeadInPrisma(prismaTx, leadId);
    if (!lead) throw new NotFoundError(`lead ${leadId} does not exist`);
    const employee = await prismaTx.employee.findUniqueOrThrow({ where: { id: employeeId }, include: { team: true } });
    await this.organisation.lockTeams(tx, [employee.teamId]);
    const assignment = { employeeId: employee.id, employeeName: employee.name, teamId: employee.teamId, branchId: employee.team.branchId };
    await this.assign(tx, await this.organisation.load(tx), lead, assignment, this.clock.now(), { actor: 'odoo', odoo: details });
  }

  /**
   * The SLA ladder's "reassign": the next eligible person of the lead's team other than the current
   * one (round-robin). Returns who, or undefined when nobody else can take it.
   */
  async reassignForEscalation(prismaTx: Tx, lead: LeadRow, now: Date): Promise<Assignment | undefined> {
    if (!lead.teamId) return undefined;
    const tx = sqlOf(prismaTx);
    const org = await this.organisation.load(tx);
    await this.organisation.lockTeams(tx, [lead.teamId]);
    const candidates = (await this.organisation.candidates(tx, org, [lead.teamId])).filter((c) => c.id !== lead.assigneeId);
    const { preferences } = routableLeadOf(lead);
    const { employee } = pickEmployee('round_robin', candidates, preferences, now);
    if (!employee) return undefined;
    const assignment = { employeeId: employee.id, employeeName: employee.name, teamId: employee.teamId, branchId: org.teams.get(employee.teamId)!.branchId };
    await this.assign(tx, org, lead, assignment, now, { actor: 'system', escalation: true });
    return assignment;
  }

  /**
   * A lead in this routing state, locked (none while another worker holds it), and the
   * organisation's stamp read in the same statement (see OrganisationReader.loadAt).
   */
  private async lockLead(tx: SqlRunner, leadId: string, state: LeadRow['routingState']): Promise<{ lead?: LeadRow; stamp: string | null }> {
    const [row] = await tx.query<Record<string, unknown>>(
      `SELECT *, ${ORGANISATION_STAMP} AS organisation_stamp FROM lead WHERE id = $1::uuid AND routing_state = $2::"RoutingState" FOR UPDATE SKIP LOCKED`,
      [leadId, state],
    );
    if (!row) return { stamp: null };
    const { organisation_stamp: stamp, ...lead } = row;
    return { lead: camelRow<LeadRow>(lead), stamp: stamp as string | null };
  }

  private async decide(tx: SqlRunner, org: Organisation, lead: LeadRow, now: Date): Promise<RoutingDecision> {
    const routable = routableLeadOf(lead);
    const { rule } = matchRule(routable, org.rules, this.organisation.snapshot(org, []), now);
    const teams = rule ? teamsInPlay(rule, this.organisation.snapshot(org, [])) : [];
    await this.organisation.lockTeams(tx, teams);
    const candidates = await this.organisation.candidates(tx, org, teams);
    return routeLead(routable, org.rules, this.organisation.snapshot(org, candidates), now);
  }

  /**
   * The decision's writes in one statement — the lead, the owner's round-robin stamp, the timeline
   * and the runs of the automations it fires — so the team lock taken before it is held for one round trip.
   */
  private async applyDecision(tx: SqlRunner, org: Organisation, lead: LeadRow, decision: RoutingDecision, now: Date, fired: FiredTrigger[]): Promise<void> {
    const s = new Statement();
    const routed: TimelineEntry = { leadId: lead.id, type: 'routed', payload: decision as unknown as Record<string, unknown>, occurredAt: now };
    if (decision.outcome === 'assigned') {
      const assignment = { employeeId: decision.employeeId!, employeeName: decision.employeeName!, teamId: decision.teamId!, branchId: decision.branchId! };
      const placed = this.placeWith(s, org, lead, assignment, now, { actor: 'system', ruleId: decision.ruleId, fellBack: decision.fellBack });
      await this.write(tx, s, org, lead, assignment.branchId, now, [routed, placed.step], [placed.fired, ...fired]);
      return;
    }
    // Queued (or no rule at all): the queue sweep tries again as people become available.
    s.with(
      'placed',
      `UPDATE lead SET routing_state = 'queued', branch_id = ${s.param(decision.branchId ?? null)}::uuid, team_id = ${s.param(decision.teamId ?? null)}::uuid, assignee_id = NULL,
         queued_at = COALESCE(queued_at, ${s.param(now)}::timestamptz), updated_at = clock_timestamp() WHERE id = ${s.param(lead.id)}::uuid`,
    );
    const queued: TimelineEntry[] = lead.routingState === 'queued' ? [] : [{ leadId: lead.id, type: 'queued', payload: { teamId: decision.teamId, branchId: decision.branchId, reason: decision.explanation }, occurredAt: now }];
    await this.write(tx, s, org, lead, decision.branchId ?? null, now, [routed, ...queued], fired);
  }

  /** Assigns in one statement (lead, owner's stamp, timeline, the `lead.assigned` automations' runs). */
  private async assign(tx: SqlRunner, org: Organisation, lead: LeadRow, to: Assignment, now: Date, details: Record<string, unknown> & { actor: string }): Promise<void> {
    const s = new Statement();
    const placed = this.placeWith(s, org, lead, to, now, details);
    await this.write(tx, s, org, lead, to.branchId, now, [placed.step], [placed.fired]);
  }

  /** Adds the assignment's updates to `s`; returns its timeline step and the trigger it fires. */
  private placeWith(s: Statement, org: Organisation, lead: LeadRow, to: Assignment, now: Date, details: Record<string, unknown> & { actor: string }): { step: TimelineEntry; fired: FiredTrigger } {
    const team = org.teams.get(to.teamId);
    if (!team) throw new NotFoundError(`team ${to.teamId} does not exist`);
    const slaDueAt = slaDeadline(calendarOf(org.branches.get(team.branchId)), now, team.slaMinutes ?? undefined) ?? null;
    // A new owner gets a fresh first-contact deadline and ladder; a contacted lead needs none.
    const due = lead.contactedAt ? null : slaDueAt;
    // The database clock, read under the team lock: assignments are stamped in the order they
    // really happened, whichever worker (and whichever app clock) made them — round-robin reads this order.
    const dueAt = s.param(due);
    s.with(
      'placed',
      `UPDATE lead SET routing_state = 'assigned', branch_id = ${s.param(to.branchId)}::uuid, team_id = ${s.param(to.teamId)}::uuid, assignee_id = ${s.param(to.employeeId)}::uuid,
         assigned_at = ${s.param(now)}::timestamptz, queued_at = NULL, queue_timed_out_at = NULL, sla_due_at = ${dueAt}::timestamptz, sla_breached_at = NULL, escalation_step = 0,
         next_sla_check_at = ${dueAt}::timestamptz, updated_at = clock_timestamp()
       WHERE id = ${s.param(lead.id)}::uuid RETURNING id`,
    );
    s.with('stamped', `UPDATE employee SET last_assigned_at = clock_timestamp(), assigned_total = assigned_total + 1 WHERE id = ${s.param(to.employeeId)}::uuid AND EXISTS (SELECT FROM placed)`);
    const { actor, ...rest } = details;
    return {
      step: {
        leadId: lead.id,
        type: 'assigned',
        actor,
        occurredAt: now,
        payload: { ...rest, employeeId: to.employeeId, employeeName: to.employeeName, teamId: to.teamId, previousEmployeeId: lead.assigneeId ?? undefined, slaDueAt },
      },
      fired: { leadId: lead.id, trigger: 'lead.assigned', origin: actor === 'odoo' ? 'odoo' : undefined },
    };
  }

  /** Runs `s` with the timeline steps and the runs of the automations the triggers ask for (read with the organisation). */
  private async write(tx: SqlRunner, s: Statement, org: Organisation, lead: LeadRow, branchId: string | null, now: Date, steps: TimelineEntry[], fired: FiredTrigger[]): Promise<void> {
    if (steps.length > 0) s.with('steps', timelineInsert(s, steps));
    const timezone = org.branches.get(branchId ?? '')?.timezone ?? DEFAULT_TIMEZONE;
    const planned = planRuns(org.automations, fired, { lead: ruleSubjectOf(lead), timezone }, now);
    if (planned.length > 0) addRuns(s, lead.id, planned);
    await s.run(tx);
  }

  private async checkQueueTimeout(tx: SqlRunner, org: Organisation, lead: LeadRow, now: Date): Promise<void> {
    const team = lead.teamId ? org.teams.get(lead.teamId) : undefined;
    if (!team || !lead.queuedAt || lead.queueTimedOutAt) return;
    if (!team.queueTimeoutMinutes || now.getTime() - lead.queuedAt.getTime() < team.queueTimeoutMinutes * 60_000) return;
    await tx.query('UPDATE lead SET queue_timed_out_at = $2, updated_at = clock_timestamp() WHERE id = $1::uuid', [lead.id, now]);
    await recordTimeline(tx, [{ leadId: lead.id, type: 'unassigned_timeout', occurredAt: now, payload: { teamId: team.id, waitingSince: lead.queuedAt, timeoutMinutes: team.queueTimeoutMinutes } }]);
    const timezone = org.branches.get(lead.branchId ?? '')?.timezone ?? DEFAULT_TIMEZONE;
    await fireTriggers(tx, [{ leadId: lead.id, trigger: 'lead.unassigned_timeout' }], now, { automations: org.automations, subject: { lead: ruleSubjectOf(lead), timezone } });
  }

  /**
   * Leads stored but still unrouted after `olderThanSeconds` — their worker died or failed between
   * storing and routing them — oldest first, for the scheduler to route.
   */
  async strayLeadIds(olderThanSeconds: number, limit: number): Promise<string[]> {
    const rows = await this.prisma.lead.findMany({
      where: { routingState: 'unrouted', createdAt: { lt: new Date(this.clock.now().getTime() - olderThanSeconds * 1000) } },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /**
   * Queued leads for the sweep to try again: oldest first, but the queues (team and branch) take
   * turns — each queue's oldest, then each one's second… — so leads nobody can take yet (a branch
   * closed until morning) never hold up another queue's leads behind them.
   */
  async queuedLeadIds(limit: number): Promise<string[]> {
    const rows = await this.sql.query<{ id: string }>(
      `SELECT id FROM (
         SELECT id, queued_at, row_number() OVER (PARTITION BY team_id, branch_id ORDER BY queued_at, id) AS turn
         FROM lead WHERE routing_state = 'queued') AS waiting
       ORDER BY turn, queued_at, id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  /** Queued leads whose team's queue timeout has passed and not yet fired, however many wait ahead of them. */
  async queueTimeoutDueIds(limit: number): Promise<string[]> {
    const rows = await this.sql.query<{ id: string }>(
      `SELECT l.id FROM lead l JOIN team t ON t.id = l.team_id
       WHERE l.routing_state = 'queued' AND l.queue_timed_out_at IS NULL AND t.queue_timeout_minutes > 0
         AND l.queued_at < $1::timestamptz - make_interval(mins => t.queue_timeout_minutes)
       ORDER BY l.queued_at, l.id LIMIT $2`,
      [this.clock.now(), limit],
    );
    return rows.map((r) => r.id);
  }
}

