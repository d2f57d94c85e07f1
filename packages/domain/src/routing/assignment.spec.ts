import { describe, expect, it } from '@jest/globals';
import type { WorkCalendar } from '../organisation/working-hours.js';
import { ineligibility, pickEmployee, type Candidate } from './assignment.js';

const always: WorkCalendar = { timezone: 'Asia/Riyadh', schedule: Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [{ start: '00:00', end: '24:00' }]])), holidays: [] };
const now = new Date('2026-03-05T08:00:00Z');
const person = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id,
  name: id.toUpperCase(),
  teamId: 't1',
  active: true,
  capacity: 10,
  openLeads: 0,
  weight: 1,
  timeOff: [],
  languages: [],
  products: [],
  assignedTotal: 0,
  calendar: always,
  ...over,
});
const prefs = { answerValues: [] as string[] };

/** Runs N assignments, updating each winner's counters as the database would. */
function distribute(strategy: 'round_robin' | 'weighted' | 'least_loaded', team: Candidate[], n: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const { employee } = pickEmployee(strategy, team, prefs, new Date(now.getTime() + i * 1000));
    employee!.lastAssignedAt = new Date(now.getTime() + i * 1000);
    employee!.assignedTotal += 1;
    employee!.openLeads += 1;
    counts[employee!.id] = (counts[employee!.id] ?? 0) + 1;
  }
  return counts;
}

describe('eligibility', () => {
  it('says why someone cannot take a lead', () => {
    expect(ineligibility(person('a'), now)).toBeNull();
    expect(ineligibility(person('a', { active: false }), now)).toBe('inactive');
    expect(ineligibility(person('a', { timeOff: [{ from: '2026-03-01T00:00:00Z', to: '2026-03-10T00:00:00Z' }] }), now)).toBe('on time off until 2026-03-10T00:00:00Z');
    expect(ineligibility(person('a', { timeOff: [{ from: '2026-03-01T00:00:00Z', to: '2026-03-05T08:00:00Z' }] }), now)).toBeNull(); // back exactly now
    expect(ineligibility(person('a', { calendar: { ...always, schedule: {} } }), now)).toBe('outside working hours');
    expect(ineligibility(person('a', { capacity: 3, openLeads: 3 }), now)).toBe('at capacity (3/3 open leads)');
  });
});

describe('strategies', () => {
  it('round robin takes turns', () => {
    expect(distribute('round_robin', [person('a'), person('b'), person('c')], 9)).toEqual({ a: 3, b: 3, c: 3 });
  });

  it('least loaded picks the fewest open leads', () => {
    const team = [person('a', { openLeads: 4 }), person('b', { openLeads: 1 }), person('c', { openLeads: 2 })];
    expect(pickEmployee('least_loaded', team, prefs, now).employee?.id).toBe('b');
    expect(distribute('least_loaded', team, 5)).toEqual({ b: 3, c: 2 });
  });

  it('weighted shares leads in proportion to weight', () => {
    expect(distribute('weighted', [person('a', { weight: 2 }), person('b', { weight: 1 })], 9)).toEqual({ a: 6, b: 3 });
    expect(distribute('weighted', [person('a', { weight: 3 }), person('b', { weight: 1 }), person('c', { weight: 1 })], 10)).toEqual({ a: 6, b: 2, c: 2 });
  });

  it('fixed assigns the named person only while they are eligible', () => {
    const team = [person('a'), person('b', { capacity: 1, openLeads: 1 })];
    expect(pickEmployee('fixed', team, prefs, now, 'a').employee?.id).toBe('a');
    const full = pickEmployee('fixed', team, prefs, now, 'b');
    expect(full.employee).toBeUndefined();
    expect(full.skipped).toEqual([{ employeeId: 'b', name: 'B', reason: 'at capacity (1/1 open leads)' }]);
  });

  it('respects capacity: a full person is skipped, and with everyone full nobody is picked', () => {
    const team = [person('a', { capacity: 2, openLeads: 2 }), person('b', { capacity: 2 })];
    expect(distribute('round_robin', team, 2)).toEqual({ b: 2 });
    const none = pickEmployee('round_robin', team, prefs, now);
    expect(none.employee).toBeUndefined();
    expect(none.skipped.map((s) => s.reason)).toEqual(['at capacity (2/2 open leads)', 'at capacity (2/2 open leads)']);
  });

  it('prefers people who speak the language and handle the product, when any is available', () => {
    const team = [person('a', { languages: ['en'], products: ['Villa'] }), person('b', { languages: ['ar', 'en'], products: ['Apartment'] }), person('c', { languages: ['ar'], products: ['villa'] })];
    const pick = pickEmployee('round_robin', team, { language: 'ar', answerValues: ['Villa', '2M'] }, now);
    expect(pick.employee?.id).toBe('c');
    expect(pick.skipped).toEqual([
      { employeeId: 'a', name: 'A', reason: 'does not speak ar' },
      { employeeId: 'b', name: 'B', reason: 'does not handle what the lead asks about' },
    ]);
    // Nobody speaks French: language is not a reason to leave the lead unassigned.
    const french = pickEmployee('round_robin', team, { language: 'fr', answerValues: [] }, now);
    expect(french.employee).toBeDefined();
    expect(french.reason).toMatch(/nobody available speaks fr/);
  });
});
