import { Injectable } from '@nestjs/common';
import type { EscalationStep, TimeOff, WeeklySchedule } from '@leadflow/contracts';
import { camelRow, type Automation as AutomationRow, type Branch as BranchRow, type Employee as EmployeeRow, type RoutingRule as RuleRow, type Team as TeamRow } from '@leadflow/db';
import type { Candidate, OrganisationSnapshot, RuleDefinition, TeamInfo, WorkCalendar } from '@leadflow/domain';
import { DEFAULT_TIMEZONE } from '@leadflow/domain';
import { runnerOf, type AnyDb } from '../prisma-tx.js';

/** Branches, teams, rules and automations: small, read whole for every routing decision. */
export interface Organisation {
  branches: Map<string, BranchRow>;
  teams: Map<string, TeamRow>;
  rules: RuleDefinition[];
  /** The enabled automations, highest priority first: routing starts the runs of the triggers it fires. */
  automations: AutomationRow[];
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

async function rows<T>(db: AnyDb, text: string, values: unknown[] = []): Promise<T[]> {
  return (await runnerOf(db).query<Record<string, unknown>>(text, values)).map((row) => camelRow<T>(row));
}

/** The organisation's stamp as a SQL expression, to read along with another statement. */
export const ORGANISATION_STAMP = '(SELECT stamp::text FROM organisation_version WHERE id = 1)';

/**
 * Reads the organisation as the routing engine sees it (plain SQL: it runs for every lead routed).
 * It changes rarely and is read for every lead, so the last one read is kept with the stamp it was
 * read under (`organisation_version`, moved by triggers on every write): one statement when nothing
 * changed, the whole read when anything did. The kept organisation is shared: callers never change it.
 */
/**
 * The routers' lock on teams. `NO KEY UPDATE`: it excludes other routers, but not the key-share
 * locks a lead write takes on its team to check the foreign key — with `FOR UPDATE` a person
 * changing a lead (which then waits for the team) and a router holding the team (which then waits
 * for that lead's owner) locked each other, and Postgres aborted one of them.
 */
export async function lockTeams(db: AnyDb, teamIds: string[]): Promise<void> {
  if (teamIds.length === 0) return;
  await runnerOf(db).query('SELECT id FROM team WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE', [[...new Set(teamIds)].sort()]);
}

@Injectable()
export class OrganisationReader {
  private kept?: { stamp: string; organisation: Organisation };

  async load(db: AnyDb): Promise<Organisation> {
    const [version] = await runnerOf(db).query<{ stamp: string }>(`SELECT ${ORGANISATION_STAMP} AS stamp`);
    return this.loadAt(db, version?.stamp ?? null);
  }

  /**
   * The organisation as of a stamp the caller read (`ORGANISATION_STAMP`, e.g. with a row it locks):
   * the stamp first — a change committed after it gets a newer stamp, so the next load reads again.
   */
  async loadAt(db: AnyDb, stamp: string | null): Promise<Organisation> {
    if (stamp !== null && this.kept?.stamp === stamp) return this.kept.organisation;
    const organisation = await this.read(db);
    if (stamp !== null) this.kept = { stamp, organisation };
    return organisation;
  }

  private async read(db: AnyDb): Promise<Organisation> {
    // One after the other: inside a transaction they share its one connection anyway.
    const branches = await rows<BranchRow>(db, 'SELECT * FROM branch');
    const teams = await rows<TeamRow>(db, 'SELECT * FROM team');
    const rules = await rows<RuleRow>(db, 'SELECT * FROM routing_rule');
    const automations = await rows<AutomationRow>(db, 'SELECT * FROM automation WHERE enabled ORDER BY priority DESC, created_at ASC');
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
      automations,
    };
  }

  /**
   * Takes the teams' row locks (in id order, so two routers never deadlock) for the rest of the
   * transaction: assignments to the same team then happen one after the other, each seeing the
   * counts the previous one left — which is what makes round-robin fair across workers.
   */
  async lockTeams(db: AnyDb, teamIds: string[]): Promise<void> {
    await lockTeams(db, teamIds);
  }

  /**
   * Employees of these teams with their open (uncontacted) lead counts — kept on the employee by a
   * trigger on lead, so this stays one small read however many leads wait. Read after `lockTeams`,
   * in a statement of its own, so it sees the assignment the previous lock holder committed.
   */
  async candidates(db: AnyDb, org: Organisation, teamIds: string[]): Promise<Candidate[]> {
    if (teamIds.length === 0) return [];
    const employees = await rows<EmployeeRow>(db, 'SELECT * FROM employee WHERE team_id = ANY($1::uuid[])', [teamIds]);
    return employees.map((e) => ({
      id: e.id,
      name: e.name,
      teamId: e.teamId,
      active: e.active,
      capacity: e.capacity,
      openLeads: e.openLeads,
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
