import type { LeadEventType } from './lead.js';

/**
 * The lifecycle events of a lead: stable names marketing and the frontend can rely on. Each is a
 * step of the lead's timeline (`lead_event`), named here once; `qualified`, `won` and `lost` are the
 * status changes that reach those statuses. docs/lifecycle-events.md renders this list.
 */
export interface LifecycleEventSpec {
  name: LifecycleEventName;
  /** The timeline step it is (and, for status changes, the status reached). */
  timelineType: LeadEventType;
  toStatus?: 'qualified' | 'won' | 'lost';
  /** When it fires, and how often. */
  when: string;
  /** `actor`: `system`, `admin` (bootstrap key), `user:<id>`, or `odoo` (a salesperson's change in Odoo, read back by the Odoo sync). */
  actor: 'system' | 'user' | 'odoo' | 'system or user' | 'user or odoo' | 'system, user or odoo';
  /** Payload fields and what they hold. */
  payload: Record<string, string>;
  /** The GA4 recommended event it is forwarded as, if any. */
  ga4?: Ga4LeadEvent;
}

export const GA4_LEAD_EVENTS = ['generate_lead', 'working_lead', 'qualify_lead', 'disqualify_lead', 'close_convert_lead', 'close_unconvert_lead'] as const;
export type Ga4LeadEvent = (typeof GA4_LEAD_EVENTS)[number];

export const LIFECYCLE_EVENT_NAMES = [
  'received',
  'duplicate_detected',
  'normalized',
  'routed',
  'queued',
  'assigned',
  'unassigned_timeout',
  'sla_breached',
  'escalated',
  'contacted',
  'status_changed',
  'qualified',
  'won',
  'lost',
  'action_done',
  'action_dead',
  'message_status',
  'message_received',
  'message_sent',
  'whatsapp_opt_out',
  'odoo_change_overridden',
] as const;
export type LifecycleEventName = (typeof LIFECYCLE_EVENT_NAMES)[number];

export const LIFECYCLE_EVENTS: readonly LifecycleEventSpec[] = [
  {
    name: 'received',
    timelineType: 'received',
    when: 'Once per lead, when the first notification of it is stored (its time is the webhook receipt).',
    actor: 'system',
    payload: { inboundEventId: 'the stored notification', platform: 'meta | tiktok | snapchat' },
    ga4: 'generate_lead',
  },
  {
    name: 'duplicate_detected',
    timelineType: 'duplicate_detected',
    when: 'Once, on a new lead from a person (same phone, else email) who left another lead within DUPLICATE_WINDOW_DAYS.',
    actor: 'system',
    payload: { duplicateOfId: 'their latest earlier lead', originalPlatform: 'its platform', originalReceivedAt: 'when it came', matchedOn: 'phone | email', windowDays: 'the window' },
  },
  {
    name: 'normalized',
    timelineType: 'normalized',
    when: 'Each time the lead is stored or re-normalized (a replay fires it again, with replay > 0).',
    actor: 'system',
    payload: { inboundEventId: 'the notification', replay: 'replay count', phoneValid: 'an E.164 phone was found', emailValid: 'an email was found' },
  },
  {
    name: 'routed',
    timelineType: 'routed',
    when: 'Once per routing decision (new lead; a queued lead when someone becomes free).',
    actor: 'system',
    payload: { ruleId: 'winning rule', ruleName: 'its name', outcome: 'assigned | queued | no_rule', explanation: 'the decision in words', matched: 'conditions that held', rejected: 'rules passed over and why' },
  },
  {
    name: 'queued',
    timelineType: 'queued',
    when: 'When routing found nobody eligible in the target team or its fallback.',
    actor: 'system',
    payload: { teamId: 'the team it waits for', branchId: 'its branch', reason: 'why' },
  },
  {
    name: 'assigned',
    timelineType: 'assigned',
    when: 'Each time the lead gets an owner: routing, a manual (re)assignment, an SLA reassignment, or a reassignment made in Odoo.',
    actor: 'system, user or odoo',
    payload: { employeeId: 'the new owner', employeeName: 'their name', teamId: 'their team', previousEmployeeId: 'the former owner', slaDueAt: 'first-contact deadline', reason: 'for manual moves' },
  },
  {
    name: 'unassigned_timeout',
    timelineType: 'unassigned_timeout',
    when: "Once per wait, when a queued lead outlives its team's queueTimeoutMinutes.",
    actor: 'system',
    payload: { teamId: 'the team', waitingSince: 'queued at', timeoutMinutes: 'the limit' },
  },
  {
    name: 'sla_breached',
    timelineType: 'sla_breached',
    when: 'Once per assignment, when the first-contact deadline passes without contact.',
    actor: 'system',
    payload: { slaDueAt: 'the deadline', assigneeId: 'the owner', teamId: 'their team' },
  },
  {
    name: 'escalated',
    timelineType: 'escalated',
    when: "Each step of the team's escalation ladder after a breach.",
    actor: 'system',
    payload: { step: 'ladder index', action: 'notify_manager | reassign', managerId: 'who was told', from: 'former owner', to: 'new owner' },
  },
  {
    name: 'contacted',
    timelineType: 'contacted',
    when: 'Once per lead: the first proof the person was reached (a status change past new); stops the SLA clock.',
    actor: 'system, user or odoo',
    payload: { evidence: '{ kind: status_change, status }' },
    ga4: 'working_lead',
  },
  {
    name: 'status_changed',
    timelineType: 'status_changed',
    when: 'Each pipeline move that is not one of qualified, won or lost (to contacted, to proposal).',
    actor: 'user or odoo',
    payload: { from: 'previous status', to: 'new status', odoo: 'for changes made in Odoo: its stage, write_date, and the change of ours it overrode' },
  },
  {
    name: 'qualified',
    timelineType: 'status_changed',
    toStatus: 'qualified',
    when: 'Once per lead (the pipeline never goes back), when it becomes qualified.',
    actor: 'user or odoo',
    payload: { from: 'previous status', to: 'qualified', odoo: 'for changes made in Odoo: its stage, write_date, and the change of ours it overrode' },
    ga4: 'qualify_lead',
  },
  {
    name: 'won',
    timelineType: 'status_changed',
    toStatus: 'won',
    when: 'Once per lead, when it is won (final).',
    actor: 'user or odoo',
    payload: { from: 'previous status', to: 'won', odoo: 'for changes made in Odoo: its stage, write_date, and the change of ours it overrode' },
    ga4: 'close_convert_lead',
  },
  {
    name: 'lost',
    timelineType: 'status_changed',
    toStatus: 'lost',
    when: 'Once per lead, when it is lost (final); forwarded as disqualify_lead before qualification, close_unconvert_lead after.',
    actor: 'user or odoo',
    payload: { from: 'previous status', to: 'lost', reason: 'why (required)', odoo: 'for changes made in Odoo: its stage, write_date, and the change of ours it overrode' },
    ga4: 'disqualify_lead',
  },
  {
    name: 'action_done',
    timelineType: 'action_done',
    when: 'Once per action run generation that succeeds (Odoo, WhatsApp, email, sheet, notification).',
    actor: 'system',
    payload: { actionRunId: 'the run', automationId: 'its automation', actionKey: 'the action', actionType: 'e.g. whatsapp.send_template', externalId: 'what the outside system created' },
  },
  {
    name: 'action_dead',
    timelineType: 'action_dead',
    when: 'Once per run that failed for good (permanent error or out of attempts); a retry can still succeed later.',
    actor: 'system',
    payload: { actionRunId: 'the run', actionType: 'the connector action', attempts: 'attempts made', error: 'the last error' },
  },
  {
    name: 'message_status',
    timelineType: 'message_status',
    when: 'Each delivery status WhatsApp reports for a message (sent, delivered, read, failed), forward only.',
    actor: 'system',
    payload: { channel: 'whatsapp', wamid: 'message id', status: 'sent | delivered | read | failed', error: 'for failed' },
  },
  {
    name: 'message_received',
    timelineType: 'message_received',
    when: "Each WhatsApp message the person sends (once per message id); opens the 24-hour window.",
    actor: 'system',
    payload: { wamid: 'message id', messageType: 'text, image, document, audio, location, button…', text: 'its text, caption or reply title', payload: 'button payload / reply id', media: 'media id, mime type, file name; or a location', referral: 'the click-to-WhatsApp ad', replyTo: 'the message answered' },
  },
  {
    name: 'message_sent',
    timelineType: 'message_sent',
    when: 'Each WhatsApp message an agent sends from the CRM (POST /crm/leads/{id}/whatsapp).',
    actor: 'user',
    payload: { wamid: 'message id', messageType: 'text | template', text: 'the text (or template parameters)', template: 'template name', language: 'its language' },
  },
  {
    name: 'whatsapp_opt_out',
    timelineType: 'whatsapp_opt_out',
    when: 'Once per contact, when they send an opt-out word (STOP, إيقاف…); nothing is sent to them on WhatsApp afterwards.',
    actor: 'system',
    payload: { wamid: 'their message', text: 'what they wrote' },
  },
  {
    name: 'odoo_change_overridden',
    timelineType: 'odoo_change_overridden',
    when: 'When the Odoo sync finds a salesperson\'s change in Odoo older than a change made here since the last sync: ours is kept (and written back to Odoo), theirs is recorded here.',
    actor: 'odoo',
    payload: { field: 'status or assignee', odoo: 'what Odoo had (status, stage, employee)', odooChangedAt: 'its write_date', kept: 'our change: value, actor, time' },
  },
];
