import type { Condition } from './rules.js';

export const AUTOMATION_TRIGGERS = ['lead.created', 'lead.assigned', 'lead.status_changed', 'lead.sla_breached', 'lead.unassigned_timeout'] as const;
export type AutomationTrigger = (typeof AUTOMATION_TRIGGERS)[number];

/** Action types; connectors other than `notify.user` arrive with the connectors work. */
export const ACTION_TYPES = ['odoo.sync_lead', 'odoo.create_activity', 'whatsapp.send_template', 'email.send', 'sheets.append_row', 'notify.user'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export interface AutomationAction {
  /** Stable within the automation: with the lead and the automation it identifies the action run. */
  key: string;
  type: ActionType;
  params: Record<string, unknown>;
  /** Wait this long after the trigger before running. */
  delaySeconds?: number;
}

export interface Automation {
  id: string;
  name: string;
  enabled: boolean;
  trigger: AutomationTrigger;
  /** `lead.status_changed` only: limit to changes from and/or to these statuses. */
  fromStatus?: string;
  toStatus?: string;
  conditions: Condition[];
  actions: AutomationAction[];
  /** Higher runs first when several automations fire on the same trigger. */
  priority: number;
  createdAt: string;
  updatedAt: string;
}

export const ACTION_RUN_STATUSES = ['pending', 'running', 'done', 'failed', 'dead'] as const;
export type ActionRunStatus = (typeof ACTION_RUN_STATUSES)[number];

/** One action of one automation for one lead: unique on (lead, automation, action key). */
export interface ActionRun {
  id: string;
  leadId: string;
  automationId: string;
  actionKey: string;
  actionType: ActionType;
  status: ActionRunStatus;
  attempts: number;
  maxAttempts: number;
  lastError?: string;
  /** What the outside system created (Odoo lead id, WhatsApp message id, notification id…). */
  externalId?: string;
  result?: Record<string, unknown>;
  /** Times the run was queued: 1, more after a retry, a lost worker or a forced re-send. */
  dispatch: number;
  /** 1, plus one per forced re-send: a retry repeats the same generation and never sends twice. */
  generation: number;
  scheduledAt: string;
  startedAt?: string;
  finishedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export const NOTIFICATION_CATEGORIES = ['lead_assigned', 'sla_warning', 'sla_breached', 'action_failed', 'admin_alert', 'automation'] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

export interface Notification {
  id: string;
  /** The employee it is for… */
  employeeId?: string;
  /** …or the user (admin alerts). */
  userId?: string;
  category: NotificationCategory;
  title: string;
  body: string;
  leadId?: string;
  readAt?: string;
  createdAt: string;
}

/** POST /crm/automations (PATCH takes any subset). */
export interface CreateAutomationRequest {
  name: string;
  trigger: AutomationTrigger;
  fromStatus?: string | null;
  toStatus?: string | null;
  conditions?: Condition[];
  actions: AutomationAction[];
  priority?: number;
  enabled?: boolean;
}
export type UpdateAutomationRequest = Partial<CreateAutomationRequest>;

export interface ActionRunPage {
  data: ActionRun[];
  nextCursor: string | null;
}

/** GET /crm/action-runs */
export interface ListActionRunsQuery {
  cursor?: string;
  limit?: number;
  status?: ActionRunStatus;
  leadId?: string;
  automationId?: string;
}

/** POST /crm/leads/{id}/automations/{automationId}/run */
export interface RunAutomationRequest {
  actionKey?: string;
  force?: boolean;
}

export interface ManualRunResult {
  actionKey: string;
  actionRunId: string;
  /** false when the run already existed and was left alone (no force). */
  queued: boolean;
}

export interface ManualRun {
  runs: ManualRunResult[];
}

/** GET /crm/notifications */
export interface ListNotificationsQuery {
  cursor?: string;
  limit?: number;
  unread?: boolean;
}

export interface NotificationPage {
  data: Notification[];
  nextCursor: string | null;
  /** Unread notifications in all, whatever the page. */
  unreadCount: number;
}

export interface MarkedRead {
  marked: number;
}
