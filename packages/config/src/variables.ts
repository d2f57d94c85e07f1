/**
 * Every environment variable the service reads, declared once. `.env.example` documents the same
 * list (a test keeps them in step). `sensitive` values never reach logs; `demo` values are used
 * outside production when the variable is unset, so a fresh clone runs against local simulators.
 */
export interface VariableSpec {
  description: string;
  default?: string;
  demo?: string;
  sensitive?: boolean;
  /** Must be set when NODE_ENV=production. */
  requiredInProduction?: boolean;
}

/** Where `pnpm start` runs the platform simulators in demo mode. */
export const DEMO_SIMULATOR_PORT = '4010';
export const DEMO_ODOO_PORT = '8069';
export const DEMO_SMTP_PORT = '2525';

export const VARIABLES = {
  NODE_ENV: { description: 'development | test | production. Production refuses demo defaults.', default: 'development' },
  PORT: { description: 'HTTP port of the API.', default: '3000' },
  LOG_LEVEL: { description: 'pino level: fatal, error, warn, info, debug, trace or silent.', default: 'info' },
  DATABASE_URL: {
    description: 'PostgreSQL connection URL.',
    default: 'postgresql://postgres@127.0.0.1:5432/leadflow',
    sensitive: true,
    requiredInProduction: true,
  },
  REDIS_URL: { description: 'Redis URL for the Bull queues.', default: 'redis://127.0.0.1:6379', sensitive: true, requiredInProduction: true },
  ADMIN_API_KEY: { description: 'Bootstrap admin key: `Authorization: Bearer <key>` on /crm/*.', demo: 'demo-admin-key', sensitive: true, requiredInProduction: true },
  METRICS_TOKEN: { description: 'When set, GET /metrics needs `Authorization: Bearer <token>` (Prometheus `authorization` in its scrape config); unset, it is open.', sensitive: true },
  JWT_SECRET: { description: 'Signs login tokens (HS256); at least 32 random characters.', demo: 'demo-jwt-secret-change-me-0123456789abcdef', sensitive: true, requiredInProduction: true },
  JWT_TTL_MINUTES: { description: 'How long a login token is valid.', default: '720' },
  LOGIN_MAX_ATTEMPTS: { description: 'Failed logins allowed per email and address per 15 minutes before 429.', default: '5' },
  DUPLICATE_WINDOW_DAYS: { description: 'A lead from a person who already left one within this many days is flagged duplicate_detected.', default: '30' },
  DEFAULT_PHONE_REGION: { description: 'ISO country for phone numbers typed without a country code.', default: 'SA' },
  META_APP_SECRET: { description: 'Meta app secret: verifies X-Hub-Signature-256 on /webhooks/meta.', demo: 'demo-meta-app-secret', sensitive: true, requiredInProduction: true },
  META_VERIFY_TOKEN: { description: 'Token Meta echoes in the subscription handshake (GET /webhooks/meta).', demo: 'demo-meta-verify-token', sensitive: true, requiredInProduction: true },
  META_PAGE_ACCESS_TOKEN: { description: 'Long-lived Page token with leads_retrieval, used to fetch each lead.', demo: 'demo-meta-page-token', sensitive: true, requiredInProduction: true },
  META_GRAPH_API_URL: { description: 'Graph API base URL (the demo points it at the local simulator).', default: 'https://graph.facebook.com', demo: `http://127.0.0.1:${DEMO_SIMULATOR_PORT}` },
  META_GRAPH_API_VERSION: { description: 'Pinned Graph API version.', default: 'v21.0' },
  TIKTOK_WEBHOOK_TOKEN: { description: 'Secret carried in the TikTok callback URL: /webhooks/tiktok?token=<value>.', demo: 'demo-tiktok-webhook-token', sensitive: true, requiredInProduction: true },
  TIKTOK_ACCESS_TOKEN: { description: 'TikTok for Business long-term advertiser access token (Access-Token header).', demo: 'demo-tiktok-access-token', sensitive: true, requiredInProduction: true },
  TIKTOK_API_URL: { description: 'TikTok Business API base URL (the demo points it at the local simulator).', default: 'https://business-api.tiktok.com', demo: `http://127.0.0.1:${DEMO_SIMULATOR_PORT}` },
  SNAPCHAT_HMAC_SECRET: { description: 'Snapchat lead webhook hmac_secret, used when no per-form secret is stored.', demo: 'demo-snapchat-hmac-secret', sensitive: true, requiredInProduction: true },
  SNAPCHAT_MAX_SIGNATURE_AGE_SECONDS: { description: 'Snapchat deliveries signed longer ago than this (or as far ahead) are refused.', default: '300' },
  ODOO_URL: { description: 'Odoo base URL (XML-RPC at /xmlrpc/2/common and /xmlrpc/2/object).', demo: `http://127.0.0.1:${DEMO_ODOO_PORT}` },
  ODOO_DB: { description: 'Odoo database name.', demo: 'demo' },
  ODOO_USERNAME: { description: 'Odoo login of the integration user.', demo: 'crm-bot@demo.leadflow' },
  ODOO_API_KEY: { description: 'API key of that user (Preferences → Account Security), used as the XML-RPC password.', demo: 'demo-odoo-api-key', sensitive: true },
  ODOO_LEAD_TYPE: { description: 'Type of the crm.lead records we create: lead or opportunity.', default: 'lead' },
  ODOO_STAGE_MAP: { description: 'Our statuses → Odoo stage names, JSON. Status changes write the stage; the Odoo sync reads it backwards (a won stage is won, an archived lead lost).', default: '{"new":"New","contacted":"New","qualified":"Qualified","proposal":"Proposition","won":"Won"}' },
  ODOO_SYNC_INTERVAL_MINUTES: { description: 'Minutes between scheduled reads of changes salespeople made in Odoo (0: only on POST /crm/sync-odoo).', default: '5' },
  WHATSAPP_API_URL: { description: 'WhatsApp Cloud API base URL (Graph API host).', default: 'https://graph.facebook.com', demo: `http://127.0.0.1:${DEMO_SIMULATOR_PORT}` },
  WHATSAPP_API_VERSION: { description: 'Pinned Graph API version for WhatsApp.', default: 'v21.0' },
  WHATSAPP_PHONE_NUMBER_ID: { description: 'Phone number id that sends the messages.', demo: '106540352242922' },
  WHATSAPP_ACCESS_TOKEN: { description: 'System-user token with whatsapp_business_messaging.', demo: 'demo-whatsapp-token', sensitive: true },
  WHATSAPP_APP_SECRET: { description: 'App secret: verifies X-Hub-Signature-256 on /webhooks/whatsapp.', demo: 'demo-whatsapp-app-secret', sensitive: true },
  WHATSAPP_VERIFY_TOKEN: { description: 'Token Meta echoes in the /webhooks/whatsapp subscription handshake.', demo: 'demo-whatsapp-verify-token', sensitive: true },
  WHATSAPP_TEMPLATES: {
    description: 'Approved templates: JSON { name: { languages: ["ar","en"], params: ["lead.firstName", …] } }; the params list fills the body {{1}}, {{2}}… in order.',
    default: '{"lead_welcome":{"languages":["ar","en_US"],"params":["lead.firstName","branch.name","assignee.name"]}}',
  },
  SMTP_URL: { description: 'SMTP server, e.g. smtps://user:pass@smtp.example.com:465.', demo: `smtp://127.0.0.1:${DEMO_SMTP_PORT}`, sensitive: true },
  EMAIL_FROM: { description: 'Sender of lead emails.', default: 'LeadFlow <no-reply@leadflow.local>' },
  GOOGLE_SERVICE_ACCOUNT_JSON: { description: 'Service account key: the JSON itself or a path to the key file (or {"access_token": …}). Share the sheet with its client_email.', demo: '{"access_token":"demo-sheets-token"}', sensitive: true },
  GOOGLE_API_ROOT_URL: { description: 'Google APIs root URL (the demo points it at the local simulator).', default: 'https://sheets.googleapis.com/', demo: `http://127.0.0.1:${DEMO_SIMULATOR_PORT}/` },
  SHEETS_SPREADSHEET_ID: { description: 'Spreadsheet that gets a row per lead.', demo: 'demo-leads-sheet' },
  SHEETS_SHEET_NAME: { description: 'Tab of that spreadsheet.', default: 'Leads' },
  SHEETS_COLUMNS: {
    description: 'Columns, left to right, JSON list of lead fields; the first must be lead.id (rows are found by it).',
    default: '["lead.id","lead.receivedAt","lead.platform","lead.fullName","lead.phone","lead.email","lead.campaignName","lead.formName","team.name","assignee.name","lead.status"]',
  },
  GA4_MEASUREMENT_ID: { description: 'GA4 web stream measurement id (G-…): lifecycle events are forwarded with the Measurement Protocol.', demo: 'G-DEMO000001' },
  GA4_API_SECRET: { description: 'Measurement Protocol API secret of that stream (Admin → Data streams → Measurement Protocol API secrets).', demo: 'demo-ga4-api-secret', sensitive: true },
  GA4_API_URL: { description: 'GA4 collection host (the demo points it at the local simulator).', default: 'https://www.google-analytics.com', demo: `http://127.0.0.1:${DEMO_SIMULATOR_PORT}` },
  GTM_SERVER_URL: { description: 'A server-side GTM container whose client claims /mp/collect: events go there instead of GA4.' },
  GA4_VALIDATE: { description: 'true: check each event on GA4\'s validation server first and keep (not send) what it rejects, with its messages.', default: 'false' },
  GA4_CURRENCY: { description: 'ISO 4217 currency sent with every event value.', default: 'SAR' },
  GA4_EVENT_VALUES: { description: 'Value per GA4 lead event, JSON, e.g. {"qualify_lead":50,"close_convert_lead":1000}; events without one carry no value.', default: '{}' },
  BIGQUERY_PROJECT_ID: { description: 'Google Cloud project of the BigQuery export (uses GOOGLE_SERVICE_ACCOUNT_JSON; needs bigquery.tables.updateData, tables.get/create, datasets.get/create).', demo: 'demo-project' },
  BIGQUERY_DATASET: { description: 'Dataset of the export (created when missing).', default: 'leadflow' },
  BIGQUERY_API_ROOT_URL: { description: 'BigQuery API root URL (the demo points it at the local simulator).', default: 'https://bigquery.googleapis.com/', demo: `http://127.0.0.1:${DEMO_SIMULATOR_PORT}/` },
  BIGQUERY_BATCH_ROWS: { description: 'Rows per insertAll request (BigQuery suggests about 500).', default: '500' },
  BIGQUERY_SYNC_INTERVAL_MINUTES: { description: 'Minutes between scheduled BigQuery syncs (0: only on POST /crm/sync-bigquery).', default: '60' },
  META_BACKFILL_FORM_IDS: { description: 'Lead form ids to reconcile with Meta, comma-separated, besides every form a lead already came from.' },
  META_SYNC_INTERVAL_MINUTES: { description: 'Minutes between scheduled Meta backfills (0: only on POST /crm/sync-meta).', default: '360' },
  META_CONVERSIONS_ENABLED: {
    description: "true: each Meta lead's CRM stages (received, contacted, qualified, won, lost) go to Meta's Conversions API, keyed by its leadgen id, for Conversion Leads optimisation.",
    default: 'false',
  },
  META_DATASET_ID: { description: 'The dataset (pixel) Events Manager created for the CRM integration: its numeric id.', demo: '7100000000000001' },
  META_CONVERSIONS_ACCESS_TOKEN: { description: "Conversions API access token of that dataset (Events Manager → the dataset's settings → Generate access token).", demo: 'demo-meta-conversions-token', sensitive: true },
  META_CONVERSIONS_EVENT_NAMES: {
    description: 'The stage name Meta receives for each lifecycle step, JSON; a step left out is not sent. Name the stage you optimise for in Ads Manager the same way.',
    default: '{"received":"Lead","contacted":"Contacted","qualified":"Qualified","won":"Converted","lost":"Lost"}',
  },
  META_CONVERSIONS_LEAD_SOURCE: { description: 'custom_data.lead_event_source: the CRM the stages come from, as Meta lists it.', default: 'LeadFlow' },
  META_CONVERSIONS_TEST_EVENT_CODE: { description: "An Events Manager test code (TEST…): events show under Test events and are not used for optimisation." },
  HTTP_TIMEOUT_MS: { description: 'Timeout of each call to an outside API.', default: '10000' },
  QUEUE_PREFIX: { description: 'Redis key prefix of the Bull queues (separates environments sharing a Redis).', default: 'leadflow' },
  ACTION_LIMITS: { description: 'Per action type overrides of parallel runs per worker and calls per second, JSON: {"odoo.sync_lead":{"concurrency":4,"ratePerSecond":20}}. Defaults suit a small Odoo, WhatsApp\'s first tier and a throttling SMTP server.', default: '{}' },
  JOB_ATTEMPTS: { description: 'Attempts of a queue job before it is dead-lettered.', default: '8' },
  JOB_BACKOFF_MS: { description: 'First retry delay; each retry doubles it.', default: '2000' },
  JOB_LOCK_MS: { description: 'How long a running job stays locked without its worker renewing it: the job of a worker that died is picked up again after about this long.', default: '30000' },
  WORKER_CONCURRENCY: { description: 'Jobs one worker process runs at once per queue.', default: '16' },
  SCHEDULER_INTERVAL_MS: { description: 'How often a worker looks at the queue of waiting leads, SLA deadlines and abandoned action runs.', default: '15000' },
  LEADS_SEARCH_BUDGET_MS: { description: 'How long (ms) a leads search (GET /crm/leads?q=) may look through the leads newest first; past it, the page is read from the name, phone and email indexes instead (fast when the matches are few or all old).', default: '100' },
  SSE_HEARTBEAT_SECONDS: { description: 'Live-update streams (GET /crm/events) send a keep-alive this often, and re-check each stream\'s token or key then: an expired token, a revoked key or a deactivated user ends the stream.', default: '15' },
  OUTBOX_RETENTION_HOURS: { description: 'Published outbox rows (jobs already handed to the queue) are deleted after this many hours; unpublished ones are never deleted.', default: '72' },
  STREAM_EVENT_RETENTION_HOURS: { description: 'Live-update events (GET /crm/events) are kept this many hours for streams resuming with Last-Event-ID, then deleted.', default: '24' },
  LOST_JOB_AFTER_SECONDS: { description: 'Work still waiting in Postgres (an action run, a received lead, a requested sync, a status change\'s mirror to Odoo and the sheet) whose queue job Redis no longer has — Redis restarted without its data, failed over, evicted it, or the job spent its retries while Postgres was down — is queued again once it has waited this long (at once when Redis comes back without its data).', default: '60' },
  OUTBOX_POLL_MS: { description: "How often the workers' outbox relay looks for unpublished jobs (Postgres also wakes it on each write).", default: '1000' },
  PLATFORM_SIMULATOR_PORT: { description: 'Port of the local platform simulator that `pnpm start` runs in demo mode.', default: DEMO_SIMULATOR_PORT },
  PLATFORM_SIMULATOR_HOST: { description: 'Interface the platform simulator listens on (0.0.0.0 inside containers).', default: '127.0.0.1' },
  DEMO_SIMULATOR_HOST: { description: 'Host the demo URLs point at: where the local simulators run (`simulator` in docker compose).', default: '127.0.0.1' },
  SIMULATOR_API_URL: { description: 'The API as the simulator reaches it, for the WhatsApp status webhooks it posts (default http://127.0.0.1:<PORT>).' },
} as const satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof VARIABLES;
