import { Injectable } from '@nestjs/common';
import type { EscalationStep, TimeOff, WeeklySchedule } from '@leadflow/contracts';
import type { Branch as BranchRow, Team as TeamRow } from '@leadflow/db';
import type { Candidate, OrganisationSnapshot, RuleDefinition, TeamInfo, WorkCalendar } from '@leadflow/domain';
import { DEFAULT_TIMEZONE } from '@leadflow/domain';
import type { Db } from '../prisma-tx.js';

/** Branches, teams and rules: small, read whole for every routing decision. */
export interface Organisation {
  branches: Map<string, BranchRow>;
  teams: Map<string, TeamRow>;
  rules: RuleDefinition[];
}

export function calendarOf(branch: BranchRow | undefined): WorkCalendar {
  if (!branch) return { timezone: DEFAULT_TIMEZONE, schedule: {}, holidays: [] };
  return { timezone: branch.timezone, schedule: branch.workingHours as WeeklySchedule, holidays: branch.holidays as string[] };
}

export function escalationOf(team: TeamRow): EscalationStep[] {
  return team.escalation as unknown as EscalationStep[];
}

function teamInfo(team: TeamRow): TeamInfo {
  return { id: team.id, name: team.name, branchId: team.branchId, fallbackTeamId: team.fallbackTeamId ?? undefined };
}

/** Reads the organisation as the routing engine sees it. */
@Injectable()
export class OrganisationReader {
  async load(db: Db): Promise<Organisation> {
    const [branches, teams, rules] = await Promise.all([db.branch.findMany(), db.team.findMany(), db.routingRule.findMany()]);
    return {
      branches: new Map(branches.map((b) => [b.id, b])),
      teams: new Map(teams.map((t) => [t.id, t])),
      rules: rules.map((r) => ({
        id: r.id,
        name: r.name,
        position: r.position,
        enabled: r.enabled,
        isDefault: r.isDefault,
        conditions: r.conditions as unknown as RuleDefinition['conditions'],
        branchId: r.branchId ?? undefined,
        teamId: r.teamId ?? undefined,
        strategy: r.strategy,
        employeeId: r.employeeId ?? undefined,
      })),
    };
  }

  /**
   * Takes the teams' row locks (in id order, so two routers never deadlock) for the rest of the
   * transaction: assignments to the same team then happen one after the other, each seeing the
   * counts the previous one left — which is what makes round-robin fair across workers.
   */
  async lockTeams(db: Db, teamIds: string[]): Promise<void> {
    if (teamIds.length === 0) return;
    await db.$queryRaw`SELECT id FROM team WHERE id = ANY(${[...new Set(teamIds)].sort()}::uuid[]) ORDER BY id FOR UPDATE`;
  }

  /** Employees of these teams with their open (uncontacted) lead counts. */
  async candidates(db: Db, org: Organisation, teamIds: string[]): Promise<Candidate[]> {
    if (teamIds.length === 0) return [];
    const employees = await db.employee.findMany({ where: { teamId: { in: teamIds } } });
    const open = await db.lead.groupBy({
      by: ['assigneeId'],
      where: { assigneeId: { in: employees.map((e) => e.id) }, contactedAt: null, status: 'new' },
      _count: { _all: true },
    });
    const openBy = new Map(open.map((o) => [o.assigneeId, o._count._all]));
    return employees.map((e) => ({
      id: e.id,
      name: e.name,
      teamId: e.teamId,
      active: e.active,
      capacity: e.capacity,
      openLeads: openBy.get(e.id) ?? 0,
      weight: e.weight,
      timeOff: e.timeOff as unknown as TimeOff[],
      languages: e.languages,
      products: e.products,
      lastAssignedAt: e.lastAssignedAt ?? undefined,
      assignedTotal: e.assignedTotal,
      calendar: calendarOf(org.branches.get(org.teams.get(e.teamId)?.branchId ?? '')),
    }));
  }

  snapshot(org: Organisation, candidates: Candidate[]): OrganisationSnapshot {
    return {
      timezoneOfBranch: (id) => org.branches.get(id)?.timezone ?? DEFAULT_TIMEZONE,
      team: (id) => {
        const team = org.teams.get(id);
        return team ? teamInfo(team) : undefined;
      },
      teamsOfBranch: (id) => [...org.teams.values()].filter((t) => t.branchId === id).map(teamInfo),
      candidatesOf: (ids) => candidates.filter((c) => ids.includes(c.teamId)),
    };
  }
}
