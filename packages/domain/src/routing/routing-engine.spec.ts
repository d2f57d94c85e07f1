import { describe, expect, it } from '@jest/globals';
import type { WorkCalendar } from '../organisation/working-hours.js';
import type { Candidate } from './assignment.js';
import { routeLead, type OrganisationSnapshot, type RoutableLead, type RuleDefinition, type TeamInfo } from './routing-engine.js';

const weekdays9to5: WorkCalendar = { timezone: 'Asia/Riyadh', schedule: { thu: [{ start: '09:00', end: '17:00' }] }, holidays: [] };
const dubai24: WorkCalendar = { timezone: 'Asia/Dubai', schedule: { thu: [{ start: '00:00', end: '24:00' }] }, holidays: [] };
const thursdayNoonRiyadh = new Date('2026-03-05T09:00:00Z');
const thursdayNightRiyadh = new Date('2026-03-05T19:00:00Z');

const teams: TeamInfo[] = [
  { id: 'villas', name: 'Riyadh villas', branchId: 'ruh', fallbackTeamId: 'dubai-desk' },
  { id: 'apartments', name: 'Jeddah apartments', branchId: 'jed' },
  { id: 'dubai-desk', name: 'Dubai desk', branchId: 'dxb' },
];
const people: Candidate[] = [
  { id: 'sara', name: 'Sara', teamId: 'villas', active: true, capacity: 5, openLeads: 0, weight: 1, timeOff: [], languages: ['ar'], products: [], assignedTotal: 0, calendar: weekdays9to5 },
  { id: 'omar', name: 'Omar', teamId: 'villas', active: false, capacity: 5, openLeads: 0, weight: 1, timeOff: [], languages: [], products: [], assignedTotal: 0, calendar: weekdays9to5 },
  { id: 'lina', name: 'Lina', teamId: 'dubai-desk', active: true, capacity: 5, openLeads: 0, weight: 1, timeOff: [], languages: [], products: [], assignedTotal: 0, calendar: dubai24 },
];
const org: OrganisationSnapshot = {
  timezoneOfBranch: (id) => (id === 'dxb' ? 'Asia/Dubai' : 'Asia/Riyadh'),
  team: (id) => teams.find((t) => t.id === id),
  teamsOfBranch: (id) => teams.filter((t) => t.branchId === id),
  candidatesOf: (ids) => people.filter((p) => ids.includes(p.teamId)),
};
const rules: RuleDefinition[] = [
  { id: 'r-default', name: 'Everything else', position: 0, enabled: true, isDefault: true, conditions: [], teamId: 'apartments', strategy: 'round_robin' },
  { id: 'r-villa', name: 'Villas', position: 2, enabled: true, isDefault: false, conditions: [{ field: 'answer:unit', op: 'equals', value: 'villa' }], teamId: 'villas', strategy: 'round_robin' },
  { id: 'r-uae', name: 'UAE numbers', position: 1, enabled: true, isDefault: false, conditions: [{ field: 'country', op: 'equals', value: 'AE' }], branchId: 'dxb', strategy: 'least_loaded' },
  { id: 'r-off', name: 'Disabled', position: 0, enabled: false, isDefault: false, conditions: [], teamId: 'dubai-desk', strategy: 'round_robin' },
];
const lead = (country: string, unit: string): RoutableLead => ({
  subject: { platform: 'meta', source: {}, contact: { country }, answers: [{ key: 'unit', value: unit }] },
  preferences: { answerValues: [unit] },
});

describe('routeLead', () => {
  it('takes the first enabled rule by position, explaining the rules passed over', () => {
    const decision = routeLead(lead('SA', 'Villa'), rules, org, thursdayNoonRiyadh);
    expect(decision).toMatchObject({
      ruleId: 'r-villa',
      outcome: 'assigned',
      employeeId: 'sara',
      teamId: 'villas',
      branchId: 'ruh',
      strategy: 'round_robin',
      fellBack: false,
      rejected: [{ ruleId: 'r-uae', ruleName: 'UAE numbers', failed: { field: 'country', op: 'equals', expected: 'AE', actual: 'SA' } }],
      matched: [{ field: 'answer:unit', op: 'equals', expected: 'villa', actual: 'Villa' }],
      skipped: [{ employeeId: 'omar', name: 'Omar', reason: 'inactive' }],
    });
    expect(decision.explanation).toBe('Rule "Villas" matched answer:unit equals "villa" (was "Villa"). round_robin chose Sara (longest since their last lead); skipped Omar (inactive).');
  });

  it('pools a branch target across its teams', () => {
    expect(routeLead(lead('AE', 'Villa'), rules, org, thursdayNoonRiyadh)).toMatchObject({ ruleId: 'r-uae', branchId: 'dxb', teamId: 'dubai-desk', employeeId: 'lina' });
  });

  it('falls back to the fallback team when nobody in the target can take the lead', () => {
    const decision = routeLead(lead('SA', 'Villa'), rules, org, thursdayNightRiyadh);
    expect(decision).toMatchObject({ outcome: 'assigned', fellBack: true, teamId: 'dubai-desk', branchId: 'dxb', employeeId: 'lina' });
    expect(decision.skipped.map((s) => `${s.name}: ${s.reason}`)).toEqual(['Sara: outside working hours', 'Omar: inactive']);
  });

  it('queues in the target when nobody there or in a fallback can take it', () => {
    const decision = routeLead(lead('SA', 'Studio'), rules, org, thursdayNightRiyadh);
    expect(decision).toMatchObject({ ruleId: 'r-default', outcome: 'queued', teamId: 'apartments', branchId: 'jed' });
    expect(decision.employeeId).toBeUndefined();
    expect(decision.explanation).toMatch(/waits in the queue/);
  });

  it('says so when no rule matches and there is no default', () => {
    expect(routeLead(lead('SA', 'Studio'), rules.filter((r) => !r.isDefault), org, thursdayNoonRiyadh)).toMatchObject({ outcome: 'no_rule', rejected: [{ ruleId: 'r-uae' }, { ruleId: 'r-villa' }] });
  });
});
