import { ACTION_TYPES, AUTOMATION_TRIGGERS, LEAD_STATUSES } from '@leadflow/contracts';
import { conditionProblems } from '../rules/conditions.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// What each action type needs in its params; connectors check the rest when they run.
const REQUIRED_PARAMS: Partial<Record<(typeof ACTION_TYPES)[number], string[]>> = {
  'notify.user': ['to', 'title'],
  'whatsapp.send_template': ['template'],
  'email.send': ['template'],
};

/** Problems with an automation's definition, one sentence each (empty when valid). */
export function automationProblems(input: { trigger?: unknown; fromStatus?: unknown; toStatus?: unknown; conditions?: unknown; actions?: unknown }): string[] {
  const problems: string[] = [];
  if (input.trigger !== undefined && !(AUTOMATION_TRIGGERS as readonly string[]).includes(input.trigger as string)) {
    problems.push(`trigger must be one of ${AUTOMATION_TRIGGERS.join(', ')}`);
  }
  for (const field of ['fromStatus', 'toStatus'] as const) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    if (input.trigger !== undefined && input.trigger !== 'lead.status_changed') problems.push(`${field} only applies to lead.status_changed`);
    else if (!(LEAD_STATUSES as readonly string[]).includes(value as string)) problems.push(`${field} must be one of ${LEAD_STATUSES.join(', ')}`);
  }
  if (input.conditions !== undefined) problems.push(...conditionProblems(input.conditions));
  if (input.actions !== undefined) {
    if (!Array.isArray(input.actions) || input.actions.length === 0) return [...problems, 'actions must be a non-empty list'];
    const keys = new Set<string>();
    input.actions.forEach((action, i) => {
      const at = `actions[${i}]`;
      if (!isObject(action)) return problems.push(`${at} must be an object`);
      if (typeof action.key !== 'string' || !/^[\w.-]{1,64}$/.test(action.key)) problems.push(`${at}.key must be 1-64 letters, digits, _ . or -`);
      else if (keys.has(action.key)) problems.push(`${at}.key "${action.key}" is used twice (it identifies the action's runs)`);
      else keys.add(action.key);
      if (!(ACTION_TYPES as readonly string[]).includes(action.type as string)) return problems.push(`${at}.type must be one of ${ACTION_TYPES.join(', ')}`);
      if (!isObject(action.params)) return problems.push(`${at}.params must be an object`);
      for (const name of REQUIRED_PARAMS[action.type as (typeof ACTION_TYPES)[number]] ?? []) {
        if (typeof action.params[name] !== 'string' || action.params[name] === '') problems.push(`${at}.params.${name} is required for ${action.type}`);
      }
      if (action.delaySeconds !== undefined && (!Number.isInteger(action.delaySeconds) || (action.delaySeconds as number) < 0 || (action.delaySeconds as number) > 30 * 86_400)) {
        problems.push(`${at}.delaySeconds must be whole seconds from 0 to 30 days`);
      }
    });
  }
  return problems;
}
