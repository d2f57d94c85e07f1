import type { ActionRun } from './automations.js';
import type { Platform } from './platform.js';

/** The sales pipeline: new → contacted → qualified → proposal → won | lost. */
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** The person behind a lead, as this lead gave their details (normalized). */
export interface LeadContact {
  /** Id of the contact record shared by every lead of the same person (same phone or email). */
  contactId: string;
  /** Name as given, Unicode NFC, whitespace collapsed; never transliterated. `""` when the form asked for none. */
  fullName: string;
  /** Given name; split from `fullName` (first word) when the platform sends only a full name. */
  firstName?: string;
  /** Family name; the rest of `fullName` after the first word when split. */
  lastName?: string;
  /** E.164 (`+966501234567`). Absent when the form had no phone or it could not be parsed (the raw answer stays in `answers`). */
  phone?: string;
  /** Trimmed and lower-cased. Absent when missing or not an email address. */
  email?: string;
  city?: string;
  /** State, province, emirate, as the form gave it. */
  region?: string;
  /** ISO 3166-1 alpha-2 (`SA`) when known: from the form, or else derived from the phone's country code. */
  country?: string;
  /** ISO 639-1 (`ar`, `en`) when known: the person's answer, else the form's locale, else the script of their name. */
  language?: string;
}

/** A person's details without the contact record they belong to. */
export type ContactDetails = Omit<LeadContact, 'contactId'>;

/** The ad that produced the lead. Every field is optional: organic and test leads have no ad. */
export interface LeadSource {
  campaignId?: string;
  campaignName?: string;
  /** Meta ad set / TikTok ad group / Snapchat ad squad. */
  adsetId?: string;
  adsetName?: string;
  adId?: string;
  adName?: string;
  /** Lead form (Meta form id, TikTok instant page id, Snapchat form id). */
  formId?: string;
  formName?: string;
  /** Facebook Page that owns the form (Meta only). */
  pageId?: string;
  /** Ad account: TikTok advertiser_id or Snapchat ad_account_id. */
  advertiserId?: string;
  /** Meta only: Facebook or Instagram. */
  channel?: 'facebook' | 'instagram';
  /** Meta only: true when the lead came from the Page itself, not from an ad. */
  isOrganic?: boolean;
}

/** One question of the form and the person's answer. Every question is kept, known or not. */
export interface LeadAnswer {
  /** The platform's key for the question (`full_name`, `phone_number`, `which_branch?`, `custom_field_1`). */
  key: string;
  /** The question as shown to the person, when the platform tells us. */
  label?: string;
  /** The answer; several values (multiple choice) are joined with ", ". */
  value: string;
}

/** Who owns the lead and by when they must contact the person. */
export interface LeadAssignment {
  state: 'unrouted' | 'queued' | 'assigned';
  branchId?: string;
  teamId?: string;
  employeeId?: string;
  assignedAt?: string;
  /** First-contact deadline (the team's SLA, counted in working hours). */
  slaDueAt?: string;
  /** When contact was proven (status change, delivered message, activity done). */
  contactedAt?: string;
}

export interface LeadMilestones {
  qualifiedAt?: string;
  proposalAt?: string;
  /** Won or lost. */
  closedAt?: string;
  lostReason?: string;
}

/** A lead, the same shape whichever platform it came from. */
export interface Lead {
  id: string;
  platform: Platform;
  /** The platform's id for this lead (Meta leadgen_id, TikTok lead_id, Snapchat lead_id). Unique per platform. */
  platformLeadId: string;
  status: LeadStatus;
  contact: LeadContact;
  source: LeadSource;
  answers: LeadAnswer[];
  /** Where routing placed the lead. */
  assignment: LeadAssignment;
  /** Free labels set by people (`vip`, `callback-evening`). */
  tags: string[];
  /** The pipeline's milestones: when it reached qualified and proposal, when it was won or lost and why. */
  milestones: LeadMilestones;
  /** The same person's earlier lead that this one repeats (see `duplicate_detected`). */
  duplicateOfId?: string;
  /** Changes on every update: send it back as `If-Match` to refuse stale writes (409). */
  version: string;
  /** When the person submitted the form, per the platform (ISO 8601). */
  submittedAt?: string;
  /** When our webhook received the notification (ISO 8601). */
  receivedAt: string;
  /** When the lead was normalized and stored (ISO 8601). */
  createdAt: string;
  updatedAt: string;
}

/** A page of leads, newest first. Pass `nextCursor` back as `cursor` for the next page; null on the last page. */
export interface LeadPage {
  data: Lead[];
  nextCursor: string | null;
}

/** Stable names of the steps on a lead's timeline. */
export const LEAD_EVENT_TYPES = [
  'received',
  'duplicate_detected',
  'normalized',
  'routed',
  'assigned',
  'queued',
  'unassigned_timeout',
  'sla_breached',
  'escalated',
  'contacted',
  'status_changed',
  'action_done',
  'action_dead',
  'message_status',
  'message_received',
  'message_sent',
  'whatsapp_opt_out',
  'odoo_change_overridden',
  'note',
  'tags_changed',
] as const;
export type LeadEventType = (typeof LEAD_EVENT_TYPES)[number];

/** Legal status changes: forward one step along the pipeline, or to `lost` from any open status. */
export const LEAD_STATUS_TRANSITIONS: Record<LeadStatus, LeadStatus[]> = {
  new: ['contacted', 'lost'],
  contacted: ['qualified', 'lost'],
  qualified: ['proposal', 'lost'],
  proposal: ['won', 'lost'],
  won: [],
  lost: [],
};

/** One step in a lead's life, oldest first on the timeline. */
export interface LeadTimelineEvent {
  /** One of LEAD_EVENT_TYPES. */
  type: string;
  /** `system`, or who did it. */
  actor: string;
  occurredAt: string;
  /** Details of the step; the keys depend on `type`. */
  payload: Record<string, unknown>;
}

/** The same person's other leads (other platforms, earlier forms) that the caller may see. */
export interface RelatedLead {
  id: string;
  platform: Platform;
  status: LeadStatus;
  receivedAt: string;
}

export interface LeadAssignee {
  id: string;
  name: string;
  email?: string;
  phone?: string;
}

/** A lead with everything about it, as `GET /crm/leads/{id}` returns it. */
export interface LeadDetail extends Lead {
  assignee?: LeadAssignee;
  otherLeads: RelatedLead[];
  /** Every step: received, normalized, routed (with its explanation), assignments, status changes, notes, action outcomes, message statuses. */
  timeline: LeadTimelineEvent[];
  actionRuns: ActionRun[];
}

export interface ChangeLeadStatusRequest {
  status: LeadStatus;
  /** Required for `lost`. */
  reason?: string;
}

export interface AssignLeadRequest {
  employeeId: string;
  reason?: string;
}

export interface AddLeadNoteRequest {
  body: string;
}

export interface SetLeadTagsRequest {
  tags: string[];
}

/** POST /crm/leads/{id}/sync-status: the lead's current status queued to Odoo and its sheet row again. */
export interface StatusMirrorQueued {
  /** The `sync-status` job (in the connectors queue at /admin/queues). */
  jobId: string;
  status: LeadStatus;
}

export const LEAD_SORTS = ['-receivedAt', 'receivedAt'] as const;
export type LeadSort = (typeof LEAD_SORTS)[number];

/** Filters of GET /crm/leads and GET /crm/leads/export.csv (dates as ISO 8601). */
export interface LeadFilters {
  platform?: Platform;
  status?: LeadStatus;
  campaignId?: string;
  formId?: string;
  branchId?: string;
  teamId?: string;
  assigneeId?: string;
  tag?: string;
  slaBreached?: boolean;
  receivedFrom?: string | Date;
  receivedTo?: string | Date;
  /** Name, phone or email; Arabic or Latin. */
  q?: string;
  sort?: LeadSort;
}

/** GET /crm/leads */
export interface ListLeadsQuery extends LeadFilters {
  cursor?: string;
  limit?: number;
}

/** One message of a lead's WhatsApp conversation. */
export interface WhatsAppMessageView {
  wamid: string;
  direction: 'inbound' | 'outbound';
  /** text, template, image, document, audio, location, button, interactive… */
  type: string;
  body?: string;
  template?: string;
  /** inbound: `received`; outbound: accepted → sent → delivered → read, or failed. */
  status: string;
  errorTitle?: string;
  media?: Record<string, unknown>;
  createdAt: string;
}

/** GET /crm/leads/{id}/whatsapp: what may be sent now, and the messages. */
export interface WhatsAppConversation {
  windowOpen: boolean;
  windowClosesAt?: string;
  optedOut: boolean;
  /** `text` and `template` inside the 24-hour window, `template` outside it, nothing after an opt-out. */
  allowed: ('text' | 'template')[];
  messages: WhatsAppMessageView[];
}

/** POST /crm/leads/{id}/whatsapp: free text (inside the window) or an approved template. */
export interface SendWhatsAppRequest {
  text?: string;
  template?: string;
  language?: string;
  /** The template's body parameters, in order. */
  params?: string[];
}
