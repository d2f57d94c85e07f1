import { describe, expect, it } from '@jest/globals';
import type { EscalationStep } from '@leadflow/contracts';
import type { WorkCalendar } from '../organisation/working-hours.js';
import { nextSlaAction, slaDeadline, type SlaState } from './sla.js';

const calendar: WorkCalendar = { timezone: 'Asia/Riyadh', schedule: { sun: [{ start: '09:00', end: '17:00' }], mon: [{ start: '09:00', end: '17:00' }] }, holidays: [] };
const ladder: EscalationStep[] = [
  { afterMinutes: 0, action: 'notify_manager' },
  { afterMinutes: 10, action: 'reassign' },
];
const t = (iso: string) => new Date(iso);

describe('SLA ladder', () => {
  it('sets the deadline in working minutes after assignment', () => {
    expect(slaDeadline(calendar, t('2026-03-01T06:00:00Z'), 15)?.toISOString()).toBe('2026-03-01T06:15:00.000Z');
    expect(slaDeadline(calendar, t('2026-03-01T13:55:00Z'), 15)?.toISOString()).toBe('2026-03-02T06:10:00.000Z'); // 16:55 Sun → 09:10 Mon
    expect(slaDeadline(calendar, t('2026-03-01T06:00:00Z'), undefined)).toBeUndefined();
  });

  it('walks the ladder one step at a time as a controllable clock moves', () => {
    let state: SlaState = { slaDueAt: t('2026-03-01T06:15:00Z'), nextStep: 0 };
    expect(nextSlaAction(state, ladder, calendar, t('2026-03-01T06:14:59Z'))).toEqual({ kind: 'wait', until: t('2026-03-01T06:15:00Z') });

    const breach = nextSlaAction(state, ladder, calendar, t('2026-03-01T06:15:00Z'));
    expect(breach).toEqual({ kind: 'breach', nextCheckAt: t('2026-03-01T06:15:00Z') });
    state = { ...state, breachedAt: t('2026-03-01T06:15:00Z') };

    const notify = nextSlaAction(state, ladder, calendar, t('2026-03-01T06:15:01Z'));
    expect(notify).toEqual({ kind: 'escalate', step: ladder[0], stepIndex: 0, nextCheckAt: t('2026-03-01T06:25:00Z') });
    state = { ...state, nextStep: 1 };

    expect(nextSlaAction(state, ladder, calendar, t('2026-03-01T06:20:00Z'))).toEqual({ kind: 'wait', until: t('2026-03-01T06:25:00Z') });
    expect(nextSlaAction(state, ladder, calendar, t('2026-03-01T06:25:00Z'))).toEqual({ kind: 'escalate', step: ladder[1], stepIndex: 1, nextCheckAt: undefined });
    state = { ...state, nextStep: 2 };
    expect(nextSlaAction(state, ladder, calendar, t('2026-03-01T09:00:00Z'))).toEqual({ kind: 'done' });
  });

  it('counts ladder minutes in working time too (a breach at closing escalates next morning)', () => {
    const state: SlaState = { slaDueAt: t('2026-03-01T13:55:00Z'), breachedAt: t('2026-03-01T13:55:00Z'), nextStep: 1 };
    expect(nextSlaAction(state, ladder, calendar, t('2026-03-01T14:30:00Z'))).toEqual({ kind: 'wait', until: t('2026-03-02T06:05:00.000Z') });
  });
});
