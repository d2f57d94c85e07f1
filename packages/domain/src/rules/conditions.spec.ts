import { describe, expect, it } from '@jest/globals';
import type { Condition } from '@leadflow/contracts';
import { conditionProblems, evaluateCondition, evaluateConditions, type RuleSubject } from './conditions.js';

const subject: RuleSubject = {
  lead: {
    platform: 'meta',
    status: 'new',
    source: { campaignId: '2385', campaignName: 'Riyadh Villas – Spring', formName: 'Villa enquiry', adName: 'Video 1' },
    contact: { city: 'Riyadh', country: 'SA', language: 'ar' },
    answers: [
      { key: 'which_unit_type?', value: 'Villa' },
      { key: 'Budget', value: '2M' },
    ],
  },
  // 2026-03-05 07:30 UTC = 10:30 Thursday in Riyadh, 11:30 in Dubai
  now: new Date('2026-03-05T07:30:00Z'),
  timezone: 'Asia/Riyadh',
};

const holds = (condition: Condition, s: RuleSubject = subject) => evaluateCondition(condition, s).ok;

describe('condition operators', () => {
  it.each<[Condition, boolean]>([
    [{ field: 'platform', op: 'equals', value: 'META' }, true],
    [{ field: 'platform', op: 'equals', value: 'tiktok' }, false],
    [{ field: 'platform', op: 'not_equals', value: 'tiktok' }, true],
    [{ field: 'campaign.name', op: 'contains', value: 'villas' }, true],
    [{ field: 'campaign.name', op: 'not_contains', value: 'jeddah' }, true],
    [{ field: 'campaign.name', op: 'starts_with', value: 'riyadh' }, true],
    [{ field: 'campaign.name', op: 'regex', value: '^riyadh .*spring$' }, true],
    [{ field: 'campaign.id', op: 'in', value: ['1', 2385] }, true],
    [{ field: 'campaign.id', op: 'not_in', value: ['1', '2'] }, true],
    [{ field: 'adset.id', op: 'exists' }, false],
    [{ field: 'adset.id', op: 'not_exists' }, true],
    [{ field: 'ad.name', op: 'equals', value: 'video 1' }, true],
    [{ field: 'form.name', op: 'contains', value: 'Villa' }, true],
    [{ field: 'form.id', op: 'exists' }, false],
    [{ field: 'city', op: 'equals', value: 'riyadh' }, true],
    [{ field: 'country', op: 'in', value: ['SA', 'AE'] }, true],
    [{ field: 'region', op: 'exists' }, false],
    [{ field: 'language', op: 'equals', value: 'ar' }, true],
    [{ field: 'status', op: 'equals', value: 'new' }, true],
    [{ field: 'answer:Which_Unit_Type?', op: 'equals', value: 'villa' }, true],
    [{ field: 'answer:budget', op: 'in', value: ['1M', '2M'] }, true],
    [{ field: 'answer:missing', op: 'exists' }, false],
    [{ field: 'answers', op: 'contains', value: 'vill' }, true],
    [{ field: 'answers', op: 'not_contains', value: 'apartment' }, true],
    [{ field: 'answers', op: 'not_equals', value: 'Villa' }, false],
    [{ field: 'hour', op: 'equals', value: 10 }, true],
    [{ field: 'hour', op: 'gte', value: 9 }, true],
    [{ field: 'hour', op: 'lte', value: 9 }, false],
    [{ field: 'hour', op: 'between', value: [9, 17] }, true],
    [{ field: 'hour', op: 'between', value: [22, 6] }, false],
    [{ field: 'weekday', op: 'equals', value: 'thu' }, true],
    [{ field: 'weekday', op: 'in', value: ['fri', 'sat'] }, false],
  ])('%j → %s', (condition, expected) => {
    expect(holds(condition)).toBe(expected);
  });

  it('reads the hour and weekday in the rule branch timezone', () => {
    expect(holds({ field: 'hour', op: 'equals', value: 11 }, { ...subject, timezone: 'Asia/Dubai' })).toBe(true);
    // 23:30 UTC Thursday is already Friday 02:30 in Riyadh.
    const late = { ...subject, now: new Date('2026-03-05T23:30:00Z') };
    expect(holds({ field: 'weekday', op: 'equals', value: 'fri' }, late)).toBe(true);
    expect(holds({ field: 'hour', op: 'between', value: [22, 6] }, late)).toBe(true);
  });
});

describe('evaluateConditions', () => {
  it('needs all to hold and reports the values that matched', () => {
    expect(evaluateConditions([{ field: 'platform', op: 'equals', value: 'meta' }, { field: 'answer:which_unit_type?', op: 'equals', value: 'villa' }], subject)).toEqual({
      ok: true,
      matched: [
        { field: 'platform', op: 'equals', expected: 'meta', actual: 'meta' },
        { field: 'answer:which_unit_type?', op: 'equals', expected: 'villa', actual: 'Villa' },
      ],
    });
  });

  it('names the first condition that failed', () => {
    expect(evaluateConditions([{ field: 'platform', op: 'equals', value: 'meta' }, { field: 'city', op: 'equals', value: 'Jeddah' }], subject)).toEqual({
      ok: false,
      failed: { field: 'city', op: 'equals', expected: 'Jeddah', actual: 'Riyadh' },
    });
  });

  it('matches every lead with no conditions', () => {
    expect(evaluateConditions([], subject).ok).toBe(true);
  });
});

describe('conditionProblems', () => {
  it('accepts valid conditions', () => {
    expect(conditionProblems([{ field: 'answer:unit', op: 'regex', value: 'villa|town' }, { field: 'hour', op: 'between', value: [9, 17] }, { field: 'adset.id', op: 'exists' }])).toEqual([]);
  });

  it('explains each invalid one', () => {
    expect(
      conditionProblems([
        { field: 'colour', op: 'equals', value: 'red' },
        { field: 'city', op: 'like', value: 'x' },
        { field: 'city', op: 'in', value: 'Riyadh' },
        { field: 'hour', op: 'gte', value: 'nine' },
        { field: 'campaign.name', op: 'regex', value: '([' },
        { field: 'hour', op: 'contains', value: 1 },
        'nope',
      ]),
    ).toEqual([
      expect.stringMatching(/^conditions\[0\]\.field must be one of platform, status, campaign\.id/),
      expect.stringMatching(/^conditions\[1\]\.op must be one of equals/),
      'conditions[2].value must be a non-empty list for in',
      'conditions[3].value must be a number for gte',
      expect.stringMatching(/^conditions\[4\]\.value is not a valid regex/),
      'conditions[5]: hour is a number; use equals, in, gte, lte or between',
      'conditions[6] must be an object',
    ]);
    expect(conditionProblems('x')).toEqual(['conditions must be an array']);
  });
});
