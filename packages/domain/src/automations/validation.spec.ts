import { describe, expect, it } from '@jest/globals';
import { calendarProblems, escalationProblems, timeOffProblems } from '../organisation/validation.js';
import { automationProblems } from './validation.js';

describe('automation definitions', () => {
  it('accepts a valid one', () => {
    expect(
      automationProblems({
        trigger: 'lead.status_changed',
        toStatus: 'qualified',
        conditions: [{ field: 'platform', op: 'equals', value: 'meta' }],
        actions: [{ key: 'tell-owner', type: 'notify.user', params: { to: 'assignee', title: 'Qualified: {{lead.fullName}}' }, delaySeconds: 60 }],
      }),
    ).toEqual([]);
  });

  it('names every problem', () => {
    expect(
      automationProblems({
        trigger: 'lead.deleted',
        fromStatus: 'new',
        conditions: [{ field: 'colour', op: 'equals', value: 'x' }],
        actions: [
          { key: 'a', type: 'notify.user', params: { to: 'assignee' } },
          { key: 'a', type: 'fax.send', params: {} },
          { key: 'b', type: 'email.send', params: { template: 'welcome' }, delaySeconds: -1 },
        ],
      }),
    ).toEqual([
      expect.stringMatching(/^trigger must be one of lead\.created/),
      'fromStatus only applies to lead.status_changed',
      expect.stringMatching(/^conditions\[0\]\.field must be one of/),
      'actions[0].params.title is required for notify.user',
      'actions[1].key "a" is used twice (it identifies the action\'s runs)',
      expect.stringMatching(/^actions\[1\]\.type must be one of odoo\.sync_lead/),
      'actions[2].delaySeconds must be whole seconds from 0 to 30 days',
    ]);
    expect(automationProblems({ actions: [] })).toEqual(['actions must be a non-empty list']);
  });
});

describe('organisation inputs', () => {
  it('checks calendars', () => {
    expect(calendarProblems({ timezone: 'Asia/Riyadh', workingHours: { sun: [{ start: '09:00', end: '17:00' }], fri: [{ start: '22:00', end: '02:00' }] }, holidays: ['2026-09-23'] })).toEqual([]);
    expect(calendarProblems({ timezone: 'Mars/Olympus', workingHours: { funday: [], mon: [{ start: '9am', end: '5pm' }] }, holidays: ['23/09/2026'] })).toEqual([
      'timezone must be an IANA timezone such as Asia/Riyadh',
      'workingHours.funday: days are sun, mon, tue, wed, thu, fri, sat',
      'workingHours.mon[0] must be { start: "HH:MM", end: "HH:MM" } with different times',
      'holidays must be a list of dates YYYY-MM-DD',
    ]);
  });

  it('checks escalation ladders and time off', () => {
    expect(escalationProblems([{ afterMinutes: 0, action: 'notify_manager' }, { afterMinutes: 10, action: 'reassign' }])).toEqual([]);
    expect(escalationProblems([{ afterMinutes: -5, action: 'shout' }])).toEqual(['escalation[0] must be { afterMinutes: whole minutes >= 0, action: notify_manager | reassign }']);
    expect(timeOffProblems([{ from: '2026-03-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }])).toEqual(['timeOff[0] must be { from, to } ISO instants with to after from']);
  });
});
