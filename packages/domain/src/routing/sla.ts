import type { EscalationStep } from '@leadflow/contracts';
import { addWorkingMinutes, type WorkCalendar } from '../organisation/working-hours.js';

/** Where a lead stands on its team's SLA ladder. */
export interface SlaState {
  slaDueAt: Date;
  /** Set once the deadline passed uncontacted. */
  breachedAt?: Date;
  /** Index of the next ladder step to run. */
  nextStep: number;
}

export type SlaAction =
  | { kind: 'wait'; until: Date }
  | { kind: 'breach'; nextCheckAt?: Date }
  | { kind: 'escalate'; step: EscalationStep; stepIndex: number; nextCheckAt?: Date }
  | { kind: 'done' };

/** When ladder step `index` is due: its minutes counted in working time after the deadline. */
function stepDueAt(calendar: WorkCalendar, slaDueAt: Date, ladder: EscalationStep[], index: number): Date | undefined {
  const step = ladder[index];
  return step ? addWorkingMinutes(calendar, slaDueAt, step.afterMinutes) : undefined;
}

/**
 * What the SLA clock asks for now (pure; `now` is the caller's clock): nothing yet, the breach
 * itself, or the next ladder step. Each call advances one step; the caller stores the new state
 * and checks again at `nextCheckAt`.
 */
export function nextSlaAction(state: SlaState, ladder: EscalationStep[], calendar: WorkCalendar, now: Date): SlaAction {
  if (!state.breachedAt) {
    if (now < state.slaDueAt) return { kind: 'wait', until: state.slaDueAt };
    return { kind: 'breach', nextCheckAt: stepDueAt(calendar, state.slaDueAt, ladder, 0) };
  }
  const due = stepDueAt(calendar, state.slaDueAt, ladder, state.nextStep);
  if (!due) return { kind: 'done' };
  if (now < due) return { kind: 'wait', until: due };
  return { kind: 'escalate', step: ladder[state.nextStep]!, stepIndex: state.nextStep, nextCheckAt: stepDueAt(calendar, state.slaDueAt, ladder, state.nextStep + 1) };
}

/** The first-contact deadline of an assignment: the team's minutes counted in working time. */
export function slaDeadline(calendar: WorkCalendar, assignedAt: Date, slaMinutes: number | undefined): Date | undefined {
  return slaMinutes === undefined ? undefined : addWorkingMinutes(calendar, assignedAt, slaMinutes);
}
