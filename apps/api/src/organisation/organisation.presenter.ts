import type { Branch, Employee, EscalationStep, Team, TimeOff, WeeklySchedule } from '@leadflow/contracts';
import type { Branch as BranchRow, Employee as EmployeeRow, Team as TeamRow } from '@leadflow/db';

const optional = <T>(value: T | null): T | undefined => value ?? undefined;

export function toBranch(row: BranchRow): Branch {
  return {
    id: row.id,
    name: row.name,
    city: optional(row.city),
    region: optional(row.region),
    country: optional(row.country),
    timezone: row.timezone,
    workingHours: row.workingHours as WeeklySchedule,
    holidays: row.holidays as string[],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toTeam(row: TeamRow): Team {
  return {
    id: row.id,
    branchId: row.branchId,
    name: row.name,
    products: row.products,
    slaMinutes: optional(row.slaMinutes),
    escalation: row.escalation as unknown as EscalationStep[],
    managerId: optional(row.managerId),
    fallbackTeamId: optional(row.fallbackTeamId),
    queueTimeoutMinutes: optional(row.queueTimeoutMinutes),
    odooTeamId: optional(row.odooTeamId),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toEmployee(row: EmployeeRow): Employee {
  return {
    id: row.id,
    teamId: row.teamId,
    name: row.name,
    email: optional(row.email),
    phone: optional(row.phone),
    languages: row.languages,
    products: row.products,
    active: row.active,
    capacity: row.capacity,
    openLeads: row.openLeads,
    weight: row.weight,
    timeOff: row.timeOff as unknown as TimeOff[],
    odooUserId: optional(row.odooUserId),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
