import { CONDITION_OPERATORS, WEEKDAYS, type Condition, type LeadAnswer, type LeadSource } from '@leadflow/contracts';
import { canonicalQuestionKey } from '../normalization/contact-fields.js';
import { localTime } from '../organisation/working-hours.js';

/** What conditions read: the normalized lead, and the time in the timezone of the rule's branch. */
export interface RuleSubject {
  lead: {
    platform: string;
    status?: string;
    source: LeadSource;
    contact: { city?: string; region?: string; country?: string; language?: string };
    answers: LeadAnswer[];
  };
  now: Date;
  timezone: string;
}

export interface ConditionOutcome {
  field: string;
  op: string;
  expected?: unknown;
  actual: unknown;
}

export type ConditionsResult = { ok: true; matched: ConditionOutcome[] } | { ok: false; failed: ConditionOutcome };

const SOURCE_FIELDS: Record<string, keyof LeadSource> = {
  'campaign.id': 'campaignId',
  'campaign.name': 'campaignName',
  'adset.id': 'adsetId',
  'adset.name': 'adsetName',
  'ad.id': 'adId',
  'ad.name': 'adName',
  'form.id': 'formId',
  'form.name': 'formName',
};
const CONTACT_FIELDS = ['city', 'region', 'country', 'language'] as const;
const NUMERIC_FIELDS = new Set(['hour']);
const NUMERIC_OPERATORS = new Set(['gte', 'lte', 'between']);
const LIST_OPERATORS = new Set(['in', 'not_in']);
const PRESENCE_OPERATORS = new Set(['exists', 'not_exists']);
const NEGATIONS: Record<string, string> = { not_equals: 'equals', not_contains: 'contains', not_in: 'in', not_exists: 'exists' };

export const CONDITION_FIELDS = ['platform', 'status', ...Object.keys(SOURCE_FIELDS), ...CONTACT_FIELDS, 'hour', 'weekday', 'answers', 'answer:<key>'];

function isKnownField(field: string): boolean {
  return CONDITION_FIELDS.includes(field) || (field.startsWith('answer:') && field.length > 'answer:'.length);
}

/** The value(s) a field has for this subject; `answers` yields every answer value. */
export function fieldValues(subject: RuleSubject, field: string): (string | number)[] {
  const { lead } = subject;
  if (field === 'platform') return [lead.platform];
  if (field === 'status') return lead.status ? [lead.status] : [];
  if (field in SOURCE_FIELDS) {
    const value = lead.source[SOURCE_FIELDS[field]!];
    return typeof value === 'string' ? [value] : [];
  }
  if ((CONTACT_FIELDS as readonly string[]).includes(field)) {
    const value = lead.contact[field as (typeof CONTACT_FIELDS)[number]];
    return value ? [value] : [];
  }
  if (field === 'hour') return [localTime(subject.now, subject.timezone).hour];
  if (field === 'weekday') return [localTime(subject.now, subject.timezone).weekday];
  if (field === 'answers') return lead.answers.map((a) => a.value).filter((v) => v !== '');
  if (field.startsWith('answer:')) {
    const key = canonicalQuestionKey(field.slice('answer:'.length));
    return lead.answers.filter((a) => canonicalQuestionKey(a.key) === key && a.value !== '').map((a) => a.value);
  }
  return [];
}

const text = (value: unknown) => String(value).normalize('NFC').trim().toLocaleLowerCase();

// Positive operators hold when ANY value of the field satisfies them; their negations when none does.
function holds(op: string, values: (string | number)[], expected: Condition['value']): boolean {
  switch (op) {
    case 'exists':
      return values.length > 0;
    case 'equals':
      return values.some((v) => (typeof v === 'number' && typeof expected === 'number' ? v === expected : text(v) === text(expected)));
    case 'contains':
      return values.some((v) => text(v).includes(text(expected)));
    case 'starts_with':
      return values.some((v) => text(v).startsWith(text(expected)));
    case 'regex': {
      const pattern = new RegExp(String(expected), 'iu');
      return values.some((v) => pattern.test(String(v)));
    }
    case 'in':
      return values.some((v) => (expected as (string | number)[]).some((e) => text(e) === text(v)));
    case 'gte':
      return values.some((v) => Number(v) >= Number(expected));
    case 'lte':
      return values.some((v) => Number(v) <= Number(expected));
    case 'between': {
      const [min, max] = expected as [number, number];
      // A range like [22, 6] wraps around midnight.
      return values.some((v) => (min <= max ? Number(v) >= min && Number(v) <= max : Number(v) >= min || Number(v) <= max));
    }
    default:
      throw new Error(`unknown operator ${op}`);
  }
}

export function evaluateCondition(condition: Condition, subject: RuleSubject): { ok: boolean; outcome: ConditionOutcome } {
  const values = fieldValues(subject, condition.field);
  const positive = NEGATIONS[condition.op];
  const ok = positive ? !holds(positive, values, condition.value) : holds(condition.op, values, condition.value);
  // For a list (every answer) show the values that decided it, not the whole form.
  const deciding = !positive && ok && values.length > 1 ? values.filter((v) => holds(condition.op, [v], condition.value)) : values;
  const actual = deciding.length <= 1 ? deciding[0] ?? null : deciding;
  return { ok, outcome: { field: condition.field, op: condition.op, expected: condition.value, actual } };
}

/** All conditions must hold (AND). Stops at the first that fails, and says which. */
export function evaluateConditions(conditions: Condition[], subject: RuleSubject): ConditionsResult {
  const matched: ConditionOutcome[] = [];
  for (const condition of conditions) {
    const { ok, outcome } = evaluateCondition(condition, subject);
    if (!ok) return { ok: false, failed: outcome };
    matched.push(outcome);
  }
  return { ok: true, matched };
}

/** Problems with a list of conditions, one sentence each (empty when valid): for 400 answers. */
export function conditionProblems(conditions: unknown): string[] {
  if (!Array.isArray(conditions)) return ['conditions must be an array'];
  const problems: string[] = [];
  conditions.forEach((raw, i) => {
    const at = `conditions[${i}]`;
    if (typeof raw !== 'object' || raw === null) return problems.push(`${at} must be an object`);
    const { field, op, value } = raw as Condition;
    if (typeof field !== 'string' || !isKnownField(field)) return problems.push(`${at}.field must be one of ${CONDITION_FIELDS.join(', ')}`);
    if (!(CONDITION_OPERATORS as readonly string[]).includes(op)) return problems.push(`${at}.op must be one of ${CONDITION_OPERATORS.join(', ')}`);
    if (PRESENCE_OPERATORS.has(op)) return;
    if (LIST_OPERATORS.has(op)) {
      if (!Array.isArray(value) || value.length === 0) problems.push(`${at}.value must be a non-empty list for ${op}`);
      return;
    }
    if (op === 'between') {
      if (!Array.isArray(value) || value.length !== 2 || value.some((v) => typeof v !== 'number')) problems.push(`${at}.value must be [min, max] for between`);
      return;
    }
    if (NUMERIC_OPERATORS.has(op)) {
      if (typeof value !== 'number') problems.push(`${at}.value must be a number for ${op}`);
      return;
    }
    if (typeof value !== 'string' && typeof value !== 'number') return problems.push(`${at}.value must be a string or number for ${op}`);
    if (NUMERIC_FIELDS.has(field) && op !== 'equals' && op !== 'not_equals') return problems.push(`${at}: ${field} is a number; use equals, in, gte, lte or between`);
    if (field === 'weekday' && op === 'equals' && !(WEEKDAYS as readonly string[]).includes(String(value))) problems.push(`${at}.value must be one of ${WEEKDAYS.join(', ')}`);
    if (op === 'regex') {
      if (String(value).length > 200) problems.push(`${at}.value: regex longer than 200 characters`);
      else {
        try {
          new RegExp(String(value), 'iu');
        } catch (error) {
          problems.push(`${at}.value is not a valid regex: ${(error as Error).message}`);
        }
      }
    }
  });
  return problems;
}
