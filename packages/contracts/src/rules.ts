import type { Platform } from './platform.js';

/**
 * The condition language shared by routing rules and automations. A field is read from the
 * normalized lead (and, for time fields, the clock in the branch's timezone):
 * `platform`, `campaign.id`, `campaign.name`, `adset.id`, `adset.name`, `ad.id`, `ad.name`,
 * `form.id`, `form.name`, `city`, `region`, `country`, `language`, `status`, `hour` (0–23),
 * `weekday` (`sun`…`sat`), `answer:<question key>` (one answer), `answers` (any answer).
 */
export const CONDITION_OPERATORS = [
  'equals',
  'not_equals',
  'contains',
  'not_contains',
  'starts_with',
  'regex',
  'in',
  'not_in',
  'exists',
  'not_exists',
  'gte',
  'lte',
  'between',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export interface Condition {
  field: string;
  op: ConditionOperator;
  /** String for text operators, list for `in`/`not_in`, number for `gte`/`lte`, `[min, max]` for `between`; none for `exists`. */
  value?: string | number | (string | number)[];
}

/** How the person is picked inside the target team (or branch). */
export const ASSIGNMENT_STRATEGIES = ['round_robin', 'least_loaded', 'weighted', 'fixed'] as const;
export type AssignmentStrategy = (typeof ASSIGNMENT_STRATEGIES)[number];

export interface RoutingRule {
  id: string;
  name: string;
  /** Evaluation order, smallest first; the first rule whose conditions all hold wins. */
  position: number;
  enabled: boolean;
  /** All must hold (AND). Empty = matches every lead. */
  conditions: Condition[];
  /** Exactly one of branch or team. A branch pools the employees of all its teams. */
  branchId?: string;
  teamId?: string;
  strategy: AssignmentStrategy;
  /** For `fixed`. */
  employeeId?: string;
  /** The catch-all evaluated after every other rule. There is exactly one. */
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Where a lead stands in routing. */
export const ROUTING_STATES = ['unrouted', 'queued', 'assigned'] as const;
export type RoutingState = (typeof ROUTING_STATES)[number];

/** Why an employee was passed over, in the routing explanation. */
export interface SkippedEmployee {
  employeeId: string;
  name: string;
  reason: string;
}

/** A routing decision and the reasons for it, as stored on the timeline and returned by simulate. */
export interface RoutingDecision {
  ruleId?: string;
  ruleName?: string;
  /** The conditions of the winning rule with the lead's values that satisfied them. */
  matched: { field: string; op: string; expected?: unknown; actual: unknown }[];
  /** Rules tried before the winner and the first condition each failed on. */
  rejected: { ruleId: string; ruleName: string; failed: { field: string; op: string; expected?: unknown; actual: unknown } }[];
  branchId?: string;
  teamId?: string;
  strategy?: AssignmentStrategy;
  outcome: 'assigned' | 'queued' | 'no_rule';
  employeeId?: string;
  employeeName?: string;
  /** True when the target had nobody eligible and the fallback team was used. */
  fellBack: boolean;
  skipped: SkippedEmployee[];
  /** One-paragraph account for people. */
  explanation: string;
}

/** POST /crm/routing/rules (PATCH takes any subset). */
export interface CreateRoutingRuleRequest {
  name: string;
  conditions?: Condition[];
  branchId?: string | null;
  teamId?: string | null;
  strategy: AssignmentStrategy;
  employeeId?: string | null;
  enabled?: boolean;
  isDefault?: boolean;
  position?: number;
}
export type UpdateRoutingRuleRequest = Partial<CreateRoutingRuleRequest>;

/** PUT /crm/routing/rules/order */
export interface ReorderRoutingRulesRequest {
  ruleIds: string[];
}

/** A lead that is not stored, for POST /crm/routing/simulate. */
export interface SimulatedLead {
  platform: Platform;
  campaignId?: string;
  campaignName?: string;
  adsetId?: string;
  adsetName?: string;
  adId?: string;
  adName?: string;
  formId?: string;
  formName?: string;
  city?: string;
  region?: string;
  country?: string;
  language?: string;
  phone?: string;
  fullName?: string;
  answers?: { key: string; value: string }[];
}

/** POST /crm/routing/simulate: one of lead, leadId, or a received range. */
export interface SimulateRoutingRequest {
  lead?: SimulatedLead;
  leadId?: string;
  /** ISO 8601 */
  receivedFrom?: string | Date;
  receivedTo?: string | Date;
  limit?: number;
}

export interface SimulationResult {
  leadId?: string;
  decision: RoutingDecision;
}

export interface Simulation {
  results: SimulationResult[];
}
