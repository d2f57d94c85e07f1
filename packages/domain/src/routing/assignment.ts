import type { AssignmentStrategy, SkippedEmployee, TimeOff } from '@leadflow/contracts';
import { isOnTimeOff, isWorking, type WorkCalendar } from '../organisation/working-hours.js';

/** An employee as routing sees them at one moment (counts read under the team's lock). */
export interface Candidate {
  id: string;
  name: string;
  teamId: string;
  active: boolean;
  capacity: number;
  /** Assigned leads not yet contacted. */
  openLeads: number;
  weight: number;
  timeOff: TimeOff[];
  languages: string[];
  products: string[];
  lastAssignedAt?: Date;
  /** Leads routing has given them so far (the weighted strategy's memory). */
  assignedTotal: number;
  calendar: WorkCalendar;
}

export interface LeadPreferences {
  language?: string;
  /** Every answer value: a person "handles" the lead when one of their products is among them. */
  answerValues: string[];
}

export interface Pick {
  employee?: Candidate;
  skipped: SkippedEmployee[];
  /** Why the chosen one (for the explanation). */
  reason: string;
}

/** Null when the employee may take a lead now, else why not. */
export function ineligibility(candidate: Candidate, at: Date): string | null {
  if (!candidate.active) return 'inactive';
  const away = isOnTimeOff(candidate.timeOff, at);
  if (away) return `on time off until ${away.to}`;
  if (!isWorking(candidate.calendar, at)) return 'outside working hours';
  if (candidate.openLeads >= candidate.capacity) return `at capacity (${candidate.openLeads}/${candidate.capacity} open leads)`;
  return null;
}

const lower = (s: string) => s.normalize('NFC').trim().toLocaleLowerCase();
const recency = (c: Candidate) => c.lastAssignedAt?.getTime() ?? -Infinity;

// Deterministic orders, so a decision can be explained and replayed.
const ORDER: Record<Exclude<AssignmentStrategy, 'fixed'>, (a: Candidate, b: Candidate) => number> = {
  // The one who waited longest since their last lead.
  round_robin: (a, b) => recency(a) - recency(b) || a.id.localeCompare(b.id),
  least_loaded: (a, b) => a.openLeads - b.openLeads || recency(a) - recency(b) || a.id.localeCompare(b.id),
  // Smallest share of leads per unit of weight: 2:1 weights give a 2:1 split over time.
  weighted: (a, b) => a.assignedTotal / a.weight - b.assignedTotal / b.weight || b.weight - a.weight || recency(a) - recency(b) || a.id.localeCompare(b.id),
};

const STRATEGY_REASON: Record<Exclude<AssignmentStrategy, 'fixed'>, string> = {
  round_robin: 'longest since their last lead',
  least_loaded: 'fewest open leads',
  weighted: 'lowest share of leads for their weight',
};

/**
 * Picks the person for a lead: only eligible people (active, working now, not on time off, under
 * capacity); among them those who speak the lead's language and handle what it asks about are
 * preferred when there are any; then the strategy decides.
 */
export function pickEmployee(strategy: AssignmentStrategy, candidates: Candidate[], prefs: LeadPreferences, at: Date, fixedEmployeeId?: string): Pick {
  const skipped: SkippedEmployee[] = [];
  let eligible: Candidate[] = [];
  for (const c of candidates) {
    const why = ineligibility(c, at);
    if (why) skipped.push({ employeeId: c.id, name: c.name, reason: why });
    else eligible.push(c);
  }

  if (strategy === 'fixed') {
    const fixed = eligible.find((c) => c.id === fixedEmployeeId);
    if (!fixed && !candidates.some((c) => c.id === fixedEmployeeId)) skipped.push({ employeeId: fixedEmployeeId ?? '', name: '?', reason: 'not in the target team' });
    return fixed ? { employee: fixed, skipped, reason: 'fixed employee of the rule' } : { skipped, reason: 'the fixed employee cannot take leads now' };
  }

  const notes: string[] = [];
  for (const [label, fits] of [
    ['speaks', (c: Candidate) => !prefs.language || c.languages.length === 0 || c.languages.some((l) => lower(l) === lower(prefs.language!))],
    ['handles', (c: Candidate) => c.products.length === 0 || c.products.some((p) => prefs.answerValues.some((v) => lower(v) === lower(p)))],
  ] as const) {
    const preferred = eligible.filter(fits);
    if (preferred.length > 0 && preferred.length < eligible.length) {
      for (const c of eligible.filter((e) => !preferred.includes(e))) {
        skipped.push({ employeeId: c.id, name: c.name, reason: label === 'speaks' ? `does not speak ${prefs.language}` : 'does not handle what the lead asks about' });
      }
      eligible = preferred;
    } else if (preferred.length === 0 && eligible.length > 0) {
      notes.push(label === 'speaks' ? `nobody available speaks ${prefs.language}` : 'nobody available handles what the lead asks about');
    }
  }

  const [chosen] = [...eligible].sort(ORDER[strategy]);
  const reason = chosen ? [STRATEGY_REASON[strategy], ...notes].join('; ') : 'nobody eligible';
  return { employee: chosen, skipped, reason };
}
