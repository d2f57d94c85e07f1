import type { AssignmentStrategy, Condition, RoutingDecision } from '@leadflow/contracts';
import { evaluateConditions, type RuleSubject } from '../rules/conditions.js';
import { pickEmployee, type Candidate, type LeadPreferences } from './assignment.js';

export const DEFAULT_TIMEZONE = 'Asia/Riyadh';

export interface RuleDefinition {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  isDefault: boolean;
  conditions: Condition[];
  branchId?: string;
  teamId?: string;
  strategy: AssignmentStrategy;
  employeeId?: string;
}

export interface TeamInfo {
  id: string;
  name: string;
  branchId: string;
  fallbackTeamId?: string;
}

/** What routing needs to know of the organisation, read by the caller under the right locks. */
export interface OrganisationSnapshot {
  timezoneOfBranch(branchId: string): string;
  team(teamId: string): TeamInfo | undefined;
  teamsOfBranch(branchId: string): TeamInfo[];
  candidatesOf(teamIds: string[]): Candidate[];
}

export interface RoutableLead {
  subject: Omit<RuleSubject, 'now' | 'timezone'>['lead'];
  preferences: LeadPreferences;
}

/** Rules in evaluation order: enabled ones by position, the default last. */
export function orderRules(rules: RuleDefinition[]): RuleDefinition[] {
  return [...rules.filter((r) => r.enabled && !r.isDefault).sort((a, b) => a.position - b.position), ...rules.filter((r) => r.isDefault)];
}

function ruleTimezone(rule: RuleDefinition, org: Pick<OrganisationSnapshot, 'team' | 'timezoneOfBranch'>): string {
  const branchId = rule.branchId ?? (rule.teamId ? org.team(rule.teamId)?.branchId : undefined);
  return branchId ? org.timezoneOfBranch(branchId) : DEFAULT_TIMEZONE;
}

/**
 * First matching rule wins; its target team (or branch pool) and strategy pick the person. With
 * nobody eligible, the target team's fallback team is tried; failing that the lead is queued in
 * the target. Pure: the caller loads the snapshot and stores the decision.
 */
export function routeLead(lead: RoutableLead, rules: RuleDefinition[], org: OrganisationSnapshot, now: Date): RoutingDecision {
  const { rule, matched, rejected } = matchRule(lead, rules, org, now);
  if (rule) return assign(lead, rule, matched, rejected, org, now);
  return { matched: [], rejected, outcome: 'no_rule', fellBack: false, skipped: [], explanation: 'No routing rule matched and there is no default rule.' };
}

/** The first rule whose conditions all hold, with the rules passed over and why. */
export function matchRule(lead: RoutableLead, rules: RuleDefinition[], org: Pick<OrganisationSnapshot, 'team' | 'timezoneOfBranch'>, now: Date) {
  const rejected: RoutingDecision['rejected'] = [];
  for (const rule of orderRules(rules)) {
    const result = evaluateConditions(rule.conditions, { lead: lead.subject, now, timezone: ruleTimezone(rule, org) });
    if (result.ok) return { rule, matched: result.matched, rejected };
    rejected.push({ ruleId: rule.id, ruleName: rule.name, failed: result.failed });
  }
  return { rule: undefined, matched: [], rejected };
}

/** Teams whose people a rule may assign: its team or its branch's teams, plus the fallback. */
export function teamsInPlay(rule: RuleDefinition, org: Pick<OrganisationSnapshot, 'team' | 'teamsOfBranch'>): string[] {
  const targets = rule.teamId ? [rule.teamId] : org.teamsOfBranch(rule.branchId!).map((t) => t.id);
  const fallback = rule.teamId ? org.team(rule.teamId)?.fallbackTeamId : undefined;
  return fallback ? [...targets, fallback] : targets;
}

function assign(lead: RoutableLead, rule: RuleDefinition, matched: RoutingDecision['matched'], rejected: RoutingDecision['rejected'], org: OrganisationSnapshot, now: Date): RoutingDecision {
  const targetTeams = rule.teamId ? [rule.teamId] : org.teamsOfBranch(rule.branchId!).map((t) => t.id);
  const targetTeam = rule.teamId ? org.team(rule.teamId) : undefined;
  const branchId = rule.branchId ?? targetTeam?.branchId;
  const matchedText = matched.length ? `matched ${matched.map((m) => `${m.field} ${m.op} ${JSON.stringify(m.expected ?? '')} (was ${JSON.stringify(m.actual)})`).join(', ')}` : 'matches every lead';
  const base = { ruleId: rule.id, ruleName: rule.name, matched, rejected, branchId, teamId: rule.teamId, strategy: rule.strategy };

  const first = pickEmployee(rule.strategy, org.candidatesOf(targetTeams), lead.preferences, now, rule.employeeId);
  if (first.employee) {
    const e = first.employee;
    return {
      ...base,
      teamId: e.teamId,
      outcome: 'assigned',
      employeeId: e.id,
      employeeName: e.name,
      fellBack: false,
      skipped: first.skipped,
      explanation: `Rule "${rule.name}" ${matchedText}. ${rule.strategy} chose ${e.name} (${first.reason})${skippedText(first.skipped)}.`,
    };
  }

  const fallback = targetTeam?.fallbackTeamId ? org.team(targetTeam.fallbackTeamId) : undefined;
  if (fallback) {
    const second = pickEmployee(rule.strategy === 'fixed' ? 'round_robin' : rule.strategy, org.candidatesOf([fallback.id]), lead.preferences, now);
    if (second.employee) {
      const e = second.employee;
      return {
        ...base,
        branchId: fallback.branchId,
        teamId: fallback.id,
        outcome: 'assigned',
        employeeId: e.id,
        employeeName: e.name,
        fellBack: true,
        skipped: [...first.skipped, ...second.skipped],
        explanation: `Rule "${rule.name}" ${matchedText}. Nobody in the target could take it${skippedText(first.skipped)}; fallback team ${fallback.name} gave it to ${e.name} (${second.reason}).`,
      };
    }
  }
  return {
    ...base,
    outcome: 'queued',
    fellBack: false,
    skipped: first.skipped,
    explanation: `Rule "${rule.name}" ${matchedText}. Nobody could take it now${skippedText(first.skipped)}; it waits in the queue until someone can.`,
  };
}

function skippedText(skipped: RoutingDecision['skipped']): string {
  return skipped.length ? `; skipped ${skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}` : '';
}
