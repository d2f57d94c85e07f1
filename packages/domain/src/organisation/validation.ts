import { ESCALATION_ACTIONS, WEEKDAYS, type WeeklySchedule } from '@leadflow/contracts';
import { isValidShift, isValidTimezone } from './working-hours.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems with a branch's calendar input, one sentence each. */
export function calendarProblems(input: { timezone?: unknown; workingHours?: unknown; holidays?: unknown }): string[] {
  const problems: string[] = [];
  if (input.timezone !== undefined && (typeof input.timezone !== 'string' || !isValidTimezone(input.timezone))) {
    problems.push(`timezone must be an IANA timezone such as Asia/Riyadh`);
  }
  if (input.workingHours !== undefined) {
    if (!isObject(input.workingHours)) problems.push('workingHours must be an object of weekday → shifts');
    else {
      for (const [day, shifts] of Object.entries(input.workingHours as WeeklySchedule)) {
        if (!(WEEKDAYS as readonly string[]).includes(day)) problems.push(`workingHours.${day}: days are ${WEEKDAYS.join(', ')}`);
        else if (!Array.isArray(shifts)) problems.push(`workingHours.${day} must be a list of { start, end }`);
        else shifts.forEach((s, i) => isObject(s) && isValidShift(s as never) || problems.push(`workingHours.${day}[${i}] must be { start: "HH:MM", end: "HH:MM" } with different times`));
      }
    }
  }
  if (input.holidays !== undefined) {
    if (!Array.isArray(input.holidays) || input.holidays.some((d) => typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d)))) {
      problems.push('holidays must be a list of dates YYYY-MM-DD');
    }
  }
  return problems;
}

export function escalationProblems(escalation: unknown): string[] {
  if (!Array.isArray(escalation)) return ['escalation must be a list of { afterMinutes, action }'];
  return escalation.flatMap((step, i) =>
    isObject(step) && Number.isInteger(step.afterMinutes) && (step.afterMinutes as number) >= 0 && (ESCALATION_ACTIONS as readonly string[]).includes(step.action as string)
      ? []
      : [`escalation[${i}] must be { afterMinutes: whole minutes >= 0, action: ${ESCALATION_ACTIONS.join(' | ')} }`],
  );
}

export function timeOffProblems(timeOff: unknown): string[] {
  if (!Array.isArray(timeOff)) return ['timeOff must be a list of { from, to }'];
  return timeOff.flatMap((t, i) =>
    isObject(t) && typeof t.from === 'string' && typeof t.to === 'string' && !Number.isNaN(Date.parse(t.from)) && Date.parse(t.to) > Date.parse(t.from)
      ? []
      : [`timeOff[${i}] must be { from, to } ISO instants with to after from`],
  );
}
