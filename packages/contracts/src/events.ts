import type { NotificationCategory } from './automations.js';
import type { LeadStatus } from './lead.js';

/** The `data:` of one message on `GET /crm/events`, as the browser receives it. */
export interface StreamEvent<P = Record<string, unknown>> {
  /** Also the SSE `id:`: opaque, `<tx>-<row id>`; sent back as Last-Event-ID to resume. */
  id: string;
  /** The SSE `event:` name: `notification` or `lead.<timeline step>`. */
  kind: string;
  leadId?: string;
  payload: P;
  createdAt: string;
}

/** Payload of `lead.*` events: enough to update a list row, or to refetch the lead. */
export interface LeadChangePayload {
  leadId: string;
  /** The timeline step: `received`, `routed`, `assigned`, `status_changed`, `note`, `action_done`, … */
  type: string;
  actor: string;
  occurredAt: string;
  status: LeadStatus;
  assigneeId?: string | null;
  teamId?: string | null;
}

/** Payload of `notification` events: the new notification. */
export interface NotificationPayload {
  id: string;
  category: NotificationCategory;
  title: string;
  body?: string | null;
  leadId?: string | null;
  createdAt: string;
}
