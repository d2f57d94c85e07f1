import { LEAD_STATUS_TRANSITIONS, type LeadStatus } from '@leadflow/contracts';

/** Null when the change is allowed, else the reason (naming what is allowed) for a 400. */
export function statusChangeProblem(from: LeadStatus, to: LeadStatus, reason?: string): string | null {
  const allowed = LEAD_STATUS_TRANSITIONS[from];
  if (!allowed.includes(to)) {
    return allowed.length ? `a ${from} lead can move to ${allowed.join(' or ')}, not ${to}` : `a ${from} lead is closed; its status cannot change`;
  }
  if (to === 'lost' && !reason?.trim()) return 'a reason is required to mark a lead lost';
  return null;
}

/** Statuses past `new` prove the person was reached. */
export function provesContact(status: LeadStatus): boolean {
  return status !== 'new' && status !== 'lost';
}
