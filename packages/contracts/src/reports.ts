import type { Platform } from './platform.js';
import type { LeadStatus } from './lead.js';

/** Report filters: local days `YYYY-MM-DD` (inclusive) in each lead's branch timezone, and a platform. */
export interface ReportQuery {
  from?: string;
  to?: string;
  platform?: Platform;
}

export const REPORT_DIMENSIONS = ['platform', 'campaign', 'adset', 'ad', 'form', 'branch', 'team', 'employee'] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];
export const REPORT_INTERVALS = ['day', 'week', 'month'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

export interface LeadsReportQuery extends ReportQuery {
  groupBy?: ReportDimension;
  /** Weeks start on Monday (ISO). */
  interval?: ReportInterval;
}

/** Counts of a group of leads and the rates derived from them (0–1, null without leads). */
export interface LeadCounts {
  leads: number;
  contacted: number;
  qualified: number;
  proposal: number;
  won: number;
  lost: number;
  duplicates: number;
  contactedRate: number | null;
  qualifiedRate: number | null;
  wonRate: number | null;
  duplicateRate: number | null;
}

export interface LeadsReportRow extends LeadCounts {
  /** First day of the day, week or month. */
  period: string;
  /** The group's id (`meta`, a campaign id, an employee id…); null for leads without one (organic, unassigned). */
  key: string | null;
  label: string;
  /** For ad objects: ids are unique per platform. */
  platform?: Platform;
}

export interface LeadsReport {
  from: string;
  to: string;
  groupBy: ReportDimension;
  interval: ReportInterval;
  rows: LeadsReportRow[];
  totals: LeadCounts;
}

export interface FunnelStage {
  stage: 'received' | 'contacted' | 'qualified' | 'proposal' | 'won';
  leads: number;
  /** Of the previous stage. */
  fromPrevious: number | null;
  /** Of all received. */
  fromReceived: number | null;
}

export interface FunnelReport {
  from: string;
  to: string;
  stages: FunnelStage[];
  lost: number;
}

export interface FirstContactQuery extends ReportQuery {
  by?: 'branch' | 'team' | 'employee';
}

/** Time to first contact (receipt → first proof of contact) and SLA compliance of a team or person. */
export interface FirstContactRow {
  key: string | null;
  label: string;
  contacted: number;
  /** Nearest-rank percentiles in minutes (exact below two hours; see the API guide). */
  medianMinutes: number | null;
  p90Minutes: number | null;
  slaMet: number;
  slaBreached: number;
  /** Met / (met + breached). */
  slaCompliance: number | null;
}

export interface FirstContactReport {
  from: string;
  to: string;
  by: 'branch' | 'team' | 'employee';
  rows: FirstContactRow[];
  overall: Omit<FirstContactRow, 'key' | 'label'>;
}

export interface ActionReportRow {
  /** `odoo`, `whatsapp`, `email`, `sheets`, `notify`. */
  connector: string;
  actionType: string;
  done: number;
  dead: number;
  successRate: number | null;
}

export interface ActionsReport {
  from: string;
  to: string;
  rows: ActionReportRow[];
  connectors: Omit<ActionReportRow, 'actionType'>[];
}

/** The dashboard in one call. */
export interface OverviewReport {
  from: string;
  to: string;
  totals: LeadCounts & { open: number };
  byPlatform: Record<Platform, number>;
  /** Leads received today, each on its branch's local day. */
  today: number;
  firstContact: Omit<FirstContactRow, 'key' | 'label'>;
  actions: { done: number; dead: number; successRate: number | null };
}

export const ANALYTICS_DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'rejected', 'dead'] as const;
export type AnalyticsDeliveryStatus = (typeof ANALYTICS_DELIVERY_STATUSES)[number];

/** Where lifecycle events are forwarded: GA4 (or its server-side GTM container), Meta's Conversions API. */
export const ANALYTICS_DESTINATIONS = ['ga4', 'meta_capi'] as const;
export type AnalyticsDestination = (typeof ANALYTICS_DESTINATIONS)[number];

/** One lifecycle event on its way to GA4 (or the server-side GTM container) or Meta's Conversions API. */
export interface AnalyticsDelivery {
  id: string;
  destination: AnalyticsDestination;
  leadId: string;
  /** The GA4 event name (`generate_lead`, `qualify_lead`, …) or the CRM stage Meta receives (`Qualified`, …). */
  event: string;
  status: AnalyticsDeliveryStatus;
  attempts: number;
  lastError?: string;
  /** What GA4's validation server said (validation mode). */
  validationMessages?: { fieldPath: string; description: string; validationCode: string }[];
  /** The Measurement Protocol body, or the Conversions API event. */
  payload: Record<string, unknown>;
  createdAt: string;
  sentAt?: string;
}

export interface AnalyticsDeliveryPage {
  data: AnalyticsDelivery[];
  nextCursor: string | null;
}

export interface ListAnalyticsDeliveriesQuery {
  cursor?: string;
  limit?: number;
  status?: AnalyticsDeliveryStatus;
  destination?: AnalyticsDestination;
  leadId?: string;
}

export const SYNC_JOB_KINDS = ['bigquery', 'meta', 'odoo'] as const;
export type SyncJobKind = (typeof SYNC_JOB_KINDS)[number];
export const SYNC_JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type SyncJobStatus = (typeof SYNC_JOB_STATUSES)[number];

/** A BigQuery export or a Meta backfill: POST starts one (or returns the one in progress). */
export interface SyncJob {
  id: string;
  kind: SyncJobKind;
  status: SyncJobStatus;
  /** `manual` (POST) or `schedule`. */
  origin: 'manual' | 'schedule';
  requestedBy?: string;
  /** Per table (BigQuery: rows sent, batches) or per form (Meta: leads seen, missing). */
  progress: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface SyncJobPage {
  data: SyncJob[];
  nextCursor: string | null;
}

/** The CRM overview (GET /crm/stats): where the leads the caller may see stand right now. */
export interface CrmStats {
  total: number;
  /** Current status of every lead (changes made in Odoo count once the Odoo sync has read them). */
  byStatus: Record<LeadStatus, number>;
  /** By source platform. */
  bySource: Record<Platform, number>;
  /** Neither won nor lost. */
  open: number;
  /** Won / all leads (0–1, null without leads). */
  conversionRate: number | null;
  /** Won / closed (won + lost). */
  winRate: number | null;
  /** Received since local midnight / since Monday 00:00 in `timezone`. */
  today: number;
  thisWeek: number;
  timezone: string;
  generatedAt: string;
}
