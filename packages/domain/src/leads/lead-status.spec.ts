import { describe, expect, it } from '@jest/globals';
import { provesContact, statusChangeProblem } from './lead-status.js';

describe('lead status pipeline', () => {
  it('moves forward one step, or to lost with a reason', () => {
    expect(statusChangeProblem('new', 'contacted')).toBeNull();
    expect(statusChangeProblem('proposal', 'won')).toBeNull();
    expect(statusChangeProblem('qualified', 'lost', 'Budget too low')).toBeNull();
  });

  it('names the allowed statuses when a change is not', () => {
    expect(statusChangeProblem('new', 'won')).toBe('a new lead can move to contacted or lost, not won');
    expect(statusChangeProblem('won', 'lost', 'x')).toBe('a won lead is closed; its status cannot change');
    expect(statusChangeProblem('contacted', 'lost', '  ')).toBe('a reason is required to mark a lead lost');
  });

  it('counts any status past new (except lost) as proof of contact', () => {
    expect(provesContact('contacted')).toBe(true);
    expect(provesContact('new')).toBe(false);
    expect(provesContact('lost')).toBe(false);
  });
});
