/** A BigQuery column: name, type, mode, description (the schema is documented in docs/bigquery.md). */
export interface ExportField {
  name: string;
  type: 'STRING' | 'INT64' | 'TIMESTAMP' | 'DATE' | 'BOOL';
  mode: 'REQUIRED' | 'NULLABLE' | 'REPEATED';
  description: string;
}

export interface ExportTable {
  id: 'leads' | 'lead_events';
  description: string;
  fields: ExportField[];
}

const f = (name: string, type: ExportField['type'], mode: ExportField['mode'], description: string): ExportField => ({ name, type, mode, description });

/**
 * `leads`: one row per version of a lead — each change appends its new state. The current state
 * of a lead is its row with the highest `version` (the `leads_current` view in docs/bigquery.md).
 * No names, phones or emails leave the CRM.
 */
export const LEADS_TABLE: ExportTable = {
  id: 'leads',
  description: 'LeadFlow leads: one row per version (highest version = current state). No personal contact details.',
  fields: [
    f('lead_id', 'STRING', 'REQUIRED', 'Lead id (uuid)'),
    f('version', 'INT64', 'REQUIRED', 'Milliseconds of the last change; higher is newer'),
    f('platform', 'STRING', 'REQUIRED', 'meta | tiktok | snapchat'),
    f('platform_lead_id', 'STRING', 'REQUIRED', "The platform's lead id"),
    f('status', 'STRING', 'REQUIRED', 'new | contacted | qualified | proposal | won | lost'),
    f('received_at', 'TIMESTAMP', 'REQUIRED', 'When the webhook received it'),
    f('submitted_at', 'TIMESTAMP', 'NULLABLE', 'When the person submitted the form (platform time)'),
    f('campaign_id', 'STRING', 'NULLABLE', 'Ad campaign id'),
    f('campaign_name', 'STRING', 'NULLABLE', 'Ad campaign name'),
    f('adset_id', 'STRING', 'NULLABLE', 'Ad set / ad group / ad squad id'),
    f('adset_name', 'STRING', 'NULLABLE', 'Its name'),
    f('ad_id', 'STRING', 'NULLABLE', 'Ad id'),
    f('ad_name', 'STRING', 'NULLABLE', 'Ad name'),
    f('form_id', 'STRING', 'NULLABLE', 'Lead form id'),
    f('form_name', 'STRING', 'NULLABLE', 'Lead form name'),
    f('channel', 'STRING', 'NULLABLE', 'facebook | instagram (Meta)'),
    f('city', 'STRING', 'NULLABLE', 'City as given'),
    f('country', 'STRING', 'NULLABLE', 'ISO 3166-1 alpha-2'),
    f('language', 'STRING', 'NULLABLE', 'ISO 639-1'),
    f('branch_id', 'STRING', 'NULLABLE', 'Branch (uuid)'),
    f('team_id', 'STRING', 'NULLABLE', 'Team (uuid)'),
    f('assignee_id', 'STRING', 'NULLABLE', 'Owning employee (uuid)'),
    f('routing_state', 'STRING', 'REQUIRED', 'unrouted | queued | assigned'),
    f('assigned_at', 'TIMESTAMP', 'NULLABLE', 'When the current owner got it'),
    f('sla_due_at', 'TIMESTAMP', 'NULLABLE', 'First-contact deadline'),
    f('sla_breached_at', 'TIMESTAMP', 'NULLABLE', 'When the deadline passed without contact'),
    f('contacted_at', 'TIMESTAMP', 'NULLABLE', 'First proof of contact'),
    f('qualified_at', 'TIMESTAMP', 'NULLABLE', 'When it became qualified'),
    f('proposal_at', 'TIMESTAMP', 'NULLABLE', 'When it reached proposal'),
    f('closed_at', 'TIMESTAMP', 'NULLABLE', 'When it was won or lost'),
    f('lost_reason', 'STRING', 'NULLABLE', 'Why it was lost'),
    f('duplicate_of_id', 'STRING', 'NULLABLE', "The same person's earlier lead"),
    f('tags', 'STRING', 'REPEATED', 'Labels set by people'),
    f('exported_at', 'TIMESTAMP', 'REQUIRED', 'When this row was sent'),
  ],
};

/** `lead_events`: the timeline, one row per step, each sent once. */
export const LEAD_EVENTS_TABLE: ExportTable = {
  id: 'lead_events',
  description: 'LeadFlow lead timeline: one row per step (see docs/lifecycle-events.md).',
  fields: [
    f('event_id', 'INT64', 'REQUIRED', 'Timeline step id'),
    f('lead_id', 'STRING', 'REQUIRED', 'Lead id (uuid)'),
    f('type', 'STRING', 'REQUIRED', 'Timeline type (received, routed, status_changed, …)'),
    f('lifecycle_event', 'STRING', 'NULLABLE', 'Its lifecycle name (qualified, won, lost, …); empty for notes and tags'),
    f('actor', 'STRING', 'REQUIRED', 'system, admin or user:<id>'),
    f('occurred_at', 'TIMESTAMP', 'REQUIRED', 'When it happened'),
    f('payload_json', 'STRING', 'REQUIRED', 'The documented payload, as JSON'),
    f('exported_at', 'TIMESTAMP', 'REQUIRED', 'When this row was sent'),
  ],
};

export const EXPORT_TABLES = [LEADS_TABLE, LEAD_EVENTS_TABLE] as const;
