/** Days as `Intl` names them in English, lower-cased: the keys of a weekly schedule. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One shift, local time `HH:MM`. An end at or before the start runs past midnight (22:00–02:00). */
export interface Shift {
  start: string;
  end: string;
}

/** Shifts per weekday; a day that is absent or empty is closed. */
export type WeeklySchedule = Partial<Record<Weekday, Shift[]>>;

export interface Branch {
  id: string;
  name: string;
  city?: string;
  region?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  /** IANA zone; working hours, holidays and hour-of-day rules are read in it. Default `Asia/Riyadh`. */
  timezone: string;
  workingHours: WeeklySchedule;
  /** Closed days, local dates `YYYY-MM-DD`. */
  holidays: string[];
  createdAt: string;
  updatedAt: string;
}

/** What the SLA ladder does at a step. */
export const ESCALATION_ACTIONS = ['notify_manager', 'reassign'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

export interface EscalationStep {
  /** Working minutes after the first-contact deadline. */
  afterMinutes: number;
  action: EscalationAction;
}

export interface Team {
  id: string;
  branchId: string;
  name: string;
  /** Products or services the team sells (documentation for rules; employees carry their own list). */
  products: string[];
  /** First-contact deadline in working minutes after assignment; none = no SLA. */
  slaMinutes?: number;
  escalation: EscalationStep[];
  managerId?: string;
  /** Where a lead goes when nobody here can take it (now, or after `queueTimeoutMinutes`). */
  fallbackTeamId?: string;
  /** How long a lead may wait in this team's queue before it falls back (and `lead.unassigned_timeout` fires). */
  queueTimeoutMinutes?: number;
  odooTeamId?: number;
  createdAt: string;
  updatedAt: string;
}

/** A period away, ISO 8601 instants; `to` is exclusive. */
export interface TimeOff {
  from: string;
  to: string;
}

export interface Employee {
  id: string;
  teamId: string;
  name: string;
  email?: string;
  phone?: string;
  /** ISO 639-1 codes (`ar`, `en`); preferred for leads in those languages. */
  languages: string[];
  /** Products/services this person handles; preferred for leads asking about them. */
  products: string[];
  active: boolean;
  /** Most open, not yet contacted leads this person may hold. */
  capacity: number;
  /** Open leads held now (assigned, status new, not contacted yet): routing skips them at `capacity`. */
  openLeads: number;
  /** Share of the `weighted` strategy (2 gets twice as many as 1). */
  weight: number;
  timeOff: TimeOff[];
  odooUserId?: number;
  createdAt: string;
  updatedAt: string;
}

/** POST /crm/branches (PATCH takes any subset). */
export interface CreateBranchRequest {
  name: string;
  city?: string;
  region?: string;
  country?: string;
  timezone?: string;
  workingHours?: WeeklySchedule;
  holidays?: string[];
}
export type UpdateBranchRequest = Partial<CreateBranchRequest>;

/** POST /crm/teams (PATCH takes any subset). */
export interface CreateTeamRequest {
  branchId: string;
  name: string;
  products?: string[];
  slaMinutes?: number | null;
  escalation?: EscalationStep[];
  managerId?: string | null;
  fallbackTeamId?: string | null;
  queueTimeoutMinutes?: number | null;
  odooTeamId?: number | null;
}
export type UpdateTeamRequest = Partial<CreateTeamRequest>;

/** POST /crm/employees (PATCH takes any subset). */
export interface CreateEmployeeRequest {
  teamId: string;
  name: string;
  email?: string;
  phone?: string;
  languages?: string[];
  products?: string[];
  active?: boolean;
  capacity?: number;
  weight?: number;
  timeOff?: TimeOff[];
  odooUserId?: number | null;
}
export type UpdateEmployeeRequest = Partial<CreateEmployeeRequest>;
