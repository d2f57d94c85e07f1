import { ACTION_TYPES } from '@leadflow/contracts';
import { z } from 'zod';
import { VARIABLES, type VariableName, type VariableSpec } from './variables.js';

export interface AppConfig {
  /** Bearer token GET /metrics requires; open when unset. */
  metricsToken?: string;
  /** Keep-alive and credential re-check interval of live-update streams. */
  sseHeartbeatMs: number;
  /** How long a leads search may walk the leads newest first before it reads its matches from the text indexes. */
  leadsSearchBudgetMs: number;
  nodeEnv: 'development' | 'test' | 'production';
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  databaseUrl: string;
  redisUrl: string;
  adminApiKey: string;
  auth: { jwtSecret: string; jwtTtlMinutes: number; loginMaxAttempts: number };
  defaultPhoneRegion: string;
  duplicateWindowDays: number;
  httpTimeoutMs: number;
  meta: { appSecret: string; verifyToken: string; pageAccessToken: string; graphApiUrl: string; graphApiVersion: string };
  tiktok: { webhookToken: string; accessToken: string; apiUrl: string };
  snapchat: { hmacSecret: string; maxSignatureAgeSeconds: number };
  queue: {
    prefix: string;
    attempts: number;
    backoffMs: number;
    /** Bull's job lock (renewed by a live worker): a dead worker's job is stalled and retried after it. */
    lockMs: number;
    concurrency: number;
    outboxPollMs: number;
    schedulerIntervalMs: number;
    /** Hours published outbox rows and stream events are kept (the retention sweep deletes older ones). */
    retentionHours: { outbox: number; streamEvents: number };
    /** Waiting work whose job Redis lost is queued again after this long (the lost-job sweep). */
    lostJobAfterSeconds: number;
    /** Per action type: parallel runs per worker and calls per second, over the built-in limits. */
    actionLimits: Record<string, { concurrency?: number; ratePerSecond?: number }>;
  };
  simulator: { host: string; port: number; apiUrl: string };
  /** Each connector is configured (all its variables) or off (none of them). */
  odoo?: { url: string; db: string; username: string; apiKey: string; leadType: 'lead' | 'opportunity'; stageMap: Record<string, string>; syncIntervalMinutes: number };
  whatsapp?: {
    apiUrl: string;
    version: string;
    phoneNumberId: string;
    accessToken: string;
    appSecret: string;
    verifyToken: string;
    templates: Record<string, { languages: string[]; params: string[] }>;
  };
  email?: { smtpUrl: string; from: string };
  sheets?: { credentials: string; rootUrl: string; spreadsheetId: string; sheetName: string; columns: string[] };
  ga4?: { measurementId: string; apiSecret: string; apiUrl: string; gtmServerUrl?: string; validate: boolean; currency: string; values: Record<string, number> };
  bigquery?: { projectId: string; dataset: string; rootUrl: string; credentials: string; batchRows: number; syncIntervalMinutes: number };
  metaBackfill: { formIds: string[]; syncIntervalMinutes: number };
  /** Meta's Conversions API for the CRM's stages (META_CONVERSIONS_ENABLED); off when absent. */
  metaConversions?: {
    graphApiUrl: string;
    version: string;
    datasetId: string;
    accessToken: string;
    /** Lifecycle step → the stage name Meta receives. */
    eventNames: Partial<Record<'received' | 'contacted' | 'qualified' | 'won' | 'lost', string>>;
    leadEventSource: string;
    testEventCode?: string;
  };
}

export interface LoadedConfig {
  config: AppConfig;
  /** Variables running on demo values (empty in production). */
  demoVariables: VariableName[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = (protocols: string[]) =>
  z.string().refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), { message: `must be a ${protocols.join(' or ')} URL` });
const httpUrl = url(['http:', 'https:']).transform((value) => value.replace(/\/+$/, ''));
const secret = z.string().min(1);
const optional = <T extends z.ZodType>(schema: T) => schema.optional();
const jsonOf = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
      return z.NEVER;
    }
  }).pipe(schema);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']),
  PORT: integer(0, 65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  REDIS_URL: url(['redis:', 'rediss:']),
  ADMIN_API_KEY: z.string().min(12, 'must be at least 12 characters'),
  METRICS_TOKEN: optional(secret),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  JWT_TTL_MINUTES: integer(1, 60 * 24 * 30),
  LOGIN_MAX_ATTEMPTS: integer(1, 1000),
  DUPLICATE_WINDOW_DAYS: integer(0, 3650),
  DEFAULT_PHONE_REGION: z.string().regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code').transform((v) => v.toUpperCase()),
  META_APP_SECRET: secret,
  META_VERIFY_TOKEN: secret,
  META_PAGE_ACCESS_TOKEN: secret,
  META_GRAPH_API_URL: httpUrl,
  META_GRAPH_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'must look like v21.0'),
  TIKTOK_WEBHOOK_TOKEN: secret,
  TIKTOK_ACCESS_TOKEN: secret,
  TIKTOK_API_URL: httpUrl,
  SNAPCHAT_HMAC_SECRET: secret,
  SNAPCHAT_MAX_SIGNATURE_AGE_SECONDS: integer(1, 86_400),
  HTTP_TIMEOUT_MS: integer(100, 300_000),
  QUEUE_PREFIX: z.string().regex(/^[\w:.-]+$/),
  JOB_ATTEMPTS: integer(1, 100),
  ACTION_LIMITS: jsonOf(
    z.partialRecord(
      z.enum(ACTION_TYPES),
      z.object({ concurrency: z.number().int().min(1).max(1000).optional(), ratePerSecond: z.number().int().min(1).max(100_000).optional() }).strict(),
    ),
  ),
  JOB_BACKOFF_MS: integer(1, 3_600_000),
  JOB_LOCK_MS: integer(1_000, 600_000),
  WORKER_CONCURRENCY: integer(1, 1000),
  OUTBOX_POLL_MS: integer(10, 60_000),
  LOST_JOB_AFTER_SECONDS: integer(1, 86_400),
  OUTBOX_RETENTION_HOURS: integer(1, 24 * 365),
  SSE_HEARTBEAT_SECONDS: integer(1, 3_600),
  LEADS_SEARCH_BUDGET_MS: integer(1, 60_000),
  STREAM_EVENT_RETENTION_HOURS: integer(1, 24 * 365),
  SCHEDULER_INTERVAL_MS: integer(50, 3_600_000),
  PLATFORM_SIMULATOR_PORT: integer(0, 65535),
  PLATFORM_SIMULATOR_HOST: z.string().min(1),
  DEMO_SIMULATOR_HOST: z.string().min(1),
  SIMULATOR_API_URL: z.url().optional(),
  ODOO_URL: optional(httpUrl),
  ODOO_DB: optional(secret),
  ODOO_USERNAME: optional(secret),
  ODOO_API_KEY: optional(secret),
  ODOO_LEAD_TYPE: z.enum(['lead', 'opportunity']),
  ODOO_STAGE_MAP: jsonOf(z.record(z.string(), z.string())),
  ODOO_SYNC_INTERVAL_MINUTES: integer(0, 10_080),
  WHATSAPP_API_URL: httpUrl,
  WHATSAPP_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'must look like v21.0'),
  WHATSAPP_PHONE_NUMBER_ID: optional(secret),
  WHATSAPP_ACCESS_TOKEN: optional(secret),
  WHATSAPP_APP_SECRET: optional(secret),
  WHATSAPP_VERIFY_TOKEN: optional(secret),
  WHATSAPP_TEMPLATES: jsonOf(z.record(z.string(), z.object({ languages: z.array(z.string()).min(1), params: z.array(z.string()) }))),
  SMTP_URL: optional(url(['smtp:', 'smtps:'])),
  EMAIL_FROM: z.string().min(3),
  GOOGLE_SERVICE_ACCOUNT_JSON: optional(secret),
  GOOGLE_API_ROOT_URL: url(['http:', 'https:']).transform((v) => (v.endsWith('/') ? v : `${v}/`)),
  SHEETS_SPREADSHEET_ID: optional(secret),
  SHEETS_SHEET_NAME: z.string().min(1),
  GA4_MEASUREMENT_ID: optional(z.string().regex(/^G-[A-Z0-9]+$/, 'must look like G-XXXXXXX')),
  GA4_API_SECRET: optional(secret),
  GA4_API_URL: httpUrl,
  GTM_SERVER_URL: optional(httpUrl),
  GA4_VALIDATE: z.enum(['true', 'false']).transform((v) => v === 'true'),
  GA4_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as SAR'),
  GA4_EVENT_VALUES: jsonOf(z.partialRecord(z.enum(['generate_lead', 'working_lead', 'qualify_lead', 'disqualify_lead', 'close_convert_lead', 'close_unconvert_lead']), z.number().nonnegative())),
  BIGQUERY_PROJECT_ID: optional(z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a Google Cloud project id')),
  BIGQUERY_DATASET: z.string().regex(/^\w{1,1024}$/, 'letters, digits and underscores only'),
  BIGQUERY_API_ROOT_URL: url(['http:', 'https:']),
  BIGQUERY_BATCH_ROWS: integer(1, 10_000),
  BIGQUERY_SYNC_INTERVAL_MINUTES: integer(0, 10_080),
  META_BACKFILL_FORM_IDS: optional(z.string()).transform((v) => (v ?? '').split(',').map((id) => id.trim()).filter(Boolean)),
  META_SYNC_INTERVAL_MINUTES: integer(0, 10_080),
  META_CONVERSIONS_ENABLED: z.enum(['true', 'false']).transform((v) => v === 'true'),
  META_DATASET_ID: optional(z.string().regex(/^\d+$/, 'must be the numeric dataset id')),
  META_CONVERSIONS_ACCESS_TOKEN: optional(secret),
  META_CONVERSIONS_EVENT_NAMES: jsonOf(z.partialRecord(z.enum(['received', 'contacted', 'qualified', 'won', 'lost']), z.string().min(1).max(100))),
  META_CONVERSIONS_LEAD_SOURCE: z.string().min(1).max(100),
  META_CONVERSIONS_TEST_EVENT_CODE: optional(z.string().min(1).max(100)),
  SHEETS_COLUMNS: jsonOf(z.array(z.string()).min(1).refine((cols) => cols[0] === 'lead.id', 'the first column must be lead.id')),
});

// A base URL's demo value only makes sense while the credentials for that API are demo ones too:
// with a real token set, the real platform is the default.
const DEMO_URL_FOLLOWS: Partial<Record<VariableName, VariableName>> = {
  META_GRAPH_API_URL: 'META_PAGE_ACCESS_TOKEN',
  TIKTOK_API_URL: 'TIKTOK_ACCESS_TOKEN',
  ODOO_URL: 'ODOO_API_KEY',
  ODOO_DB: 'ODOO_API_KEY',
  ODOO_USERNAME: 'ODOO_API_KEY',
  WHATSAPP_API_URL: 'WHATSAPP_ACCESS_TOKEN',
  WHATSAPP_PHONE_NUMBER_ID: 'WHATSAPP_ACCESS_TOKEN',
  WHATSAPP_APP_SECRET: 'WHATSAPP_ACCESS_TOKEN',
  WHATSAPP_VERIFY_TOKEN: 'WHATSAPP_ACCESS_TOKEN',
  GOOGLE_API_ROOT_URL: 'GOOGLE_SERVICE_ACCOUNT_JSON',
  GA4_MEASUREMENT_ID: 'GA4_API_SECRET',
  GA4_API_URL: 'GA4_API_SECRET',
  BIGQUERY_API_ROOT_URL: 'GOOGLE_SERVICE_ACCOUNT_JSON',
  BIGQUERY_PROJECT_ID: 'GOOGLE_SERVICE_ACCOUNT_JSON',
  SHEETS_SPREADSHEET_ID: 'GOOGLE_SERVICE_ACCOUNT_JSON',
  // The demo dataset exists only on the simulator, which the Graph URL follows the page token to.
  META_DATASET_ID: 'META_PAGE_ACCESS_TOKEN',
  META_CONVERSIONS_ACCESS_TOKEN: 'META_PAGE_ACCESS_TOKEN',
};

// Connectors are optional: all of a group's variables, or none (the connector is then off and its
// actions dead-letter saying so). Half a configuration is a start-up error naming what is missing.
const CONNECTOR_GROUPS: Record<string, VariableName[]> = {
  Odoo: ['ODOO_URL', 'ODOO_DB', 'ODOO_USERNAME', 'ODOO_API_KEY'],
  WhatsApp: ['WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'],
  email: ['SMTP_URL'],
  'Google Sheets': ['GOOGLE_SERVICE_ACCOUNT_JSON', 'SHEETS_SPREADSHEET_ID'],
  GA4: ['GA4_MEASUREMENT_ID', 'GA4_API_SECRET'],
};

/** Reads, defaults and validates the environment; throws ConfigError naming every bad or missing variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const production = env.NODE_ENV === 'production';
  const raw: Record<string, string | undefined> = {};
  const demoVariables: VariableName[] = [];
  const missing: string[] = [];
  const isSet = (name: VariableName) => env[name] !== undefined && env[name] !== '';

  for (const [name, spec] of Object.entries(VARIABLES) as [VariableName, VariableSpec][]) {
    if (isSet(name)) {
      raw[name] = env[name];
      continue;
    }
    if (production && spec.requiredInProduction) {
      missing.push(`${name} is required in production (${spec.description})`);
      continue;
    }
    const follows = DEMO_URL_FOLLOWS[name];
    const useDemo = !production && spec.demo !== undefined && (follows ? !isSet(follows) : true);
    raw[name] = useDemo ? spec.demo : spec.default;
    if (useDemo) demoVariables.push(name);
  }
  // Demo URLs name the simulators' host: 127.0.0.1, or another container (DEMO_SIMULATOR_HOST).
  const simulatorHost = raw.DEMO_SIMULATOR_HOST ?? '127.0.0.1';
  for (const name of demoVariables) raw[name] = raw[name]!.replace('//127.0.0.1:', `//${simulatorHost}:`);
  for (const [connector, names] of Object.entries(CONNECTOR_GROUPS)) {
    const set = names.filter((name) => raw[name] !== undefined);
    if (set.length > 0 && set.length < names.length) {
      for (const name of names.filter((n) => raw[n] === undefined)) missing.push(`${name} is required to use ${connector} (${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set)`);
    }
  }
  if (raw.META_CONVERSIONS_ENABLED === 'true') {
    for (const name of ['META_DATASET_ID', 'META_CONVERSIONS_ACCESS_TOKEN'] as const) {
      if (raw[name] === undefined) missing.push(`${name} is required to use Meta's Conversions API (META_CONVERSIONS_ENABLED is true)`);
    }
  }
  if (raw.BIGQUERY_PROJECT_ID !== undefined && raw.GOOGLE_SERVICE_ACCOUNT_JSON === undefined) {
    missing.push('GOOGLE_SERVICE_ACCOUNT_JSON is required to use BigQuery (BIGQUERY_PROJECT_ID is set)');
  }
  if (missing.length) throw new ConfigError(missing);

  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const v = parsed.data;
  return {
    demoVariables,
    config: {
      nodeEnv: v.NODE_ENV,
      port: v.PORT,
      logLevel: v.LOG_LEVEL,
      databaseUrl: v.DATABASE_URL,
      redisUrl: v.REDIS_URL,
      adminApiKey: v.ADMIN_API_KEY,
      metricsToken: v.METRICS_TOKEN,
      sseHeartbeatMs: v.SSE_HEARTBEAT_SECONDS * 1000,
      leadsSearchBudgetMs: v.LEADS_SEARCH_BUDGET_MS,
      auth: { jwtSecret: v.JWT_SECRET, jwtTtlMinutes: v.JWT_TTL_MINUTES, loginMaxAttempts: v.LOGIN_MAX_ATTEMPTS },
      defaultPhoneRegion: v.DEFAULT_PHONE_REGION,
      duplicateWindowDays: v.DUPLICATE_WINDOW_DAYS,
      httpTimeoutMs: v.HTTP_TIMEOUT_MS,
      meta: {
        appSecret: v.META_APP_SECRET,
        verifyToken: v.META_VERIFY_TOKEN,
        pageAccessToken: v.META_PAGE_ACCESS_TOKEN,
        graphApiUrl: v.META_GRAPH_API_URL,
        graphApiVersion: v.META_GRAPH_API_VERSION,
      },
      tiktok: { webhookToken: v.TIKTOK_WEBHOOK_TOKEN, accessToken: v.TIKTOK_ACCESS_TOKEN, apiUrl: v.TIKTOK_API_URL },
      snapchat: { hmacSecret: v.SNAPCHAT_HMAC_SECRET, maxSignatureAgeSeconds: v.SNAPCHAT_MAX_SIGNATURE_AGE_SECONDS },
      queue: {
        prefix: v.QUEUE_PREFIX,
        attempts: v.JOB_ATTEMPTS,
        actionLimits: v.ACTION_LIMITS,
        backoffMs: v.JOB_BACKOFF_MS,
        lockMs: v.JOB_LOCK_MS,
        concurrency: v.WORKER_CONCURRENCY,
        outboxPollMs: v.OUTBOX_POLL_MS,
        schedulerIntervalMs: v.SCHEDULER_INTERVAL_MS,
        retentionHours: { outbox: v.OUTBOX_RETENTION_HOURS, streamEvents: v.STREAM_EVENT_RETENTION_HOURS },
        lostJobAfterSeconds: v.LOST_JOB_AFTER_SECONDS,
      },
      simulator: { host: v.PLATFORM_SIMULATOR_HOST, port: v.PLATFORM_SIMULATOR_PORT, apiUrl: v.SIMULATOR_API_URL ?? `http://127.0.0.1:${v.PORT}` },
      odoo: v.ODOO_URL
        ? { url: v.ODOO_URL, db: v.ODOO_DB!, username: v.ODOO_USERNAME!, apiKey: v.ODOO_API_KEY!, leadType: v.ODOO_LEAD_TYPE, stageMap: v.ODOO_STAGE_MAP, syncIntervalMinutes: v.ODOO_SYNC_INTERVAL_MINUTES }
        : undefined,
      whatsapp: v.WHATSAPP_ACCESS_TOKEN
        ? {
            apiUrl: v.WHATSAPP_API_URL,
            version: v.WHATSAPP_API_VERSION,
            phoneNumberId: v.WHATSAPP_PHONE_NUMBER_ID!,
            accessToken: v.WHATSAPP_ACCESS_TOKEN,
            appSecret: v.WHATSAPP_APP_SECRET!,
            verifyToken: v.WHATSAPP_VERIFY_TOKEN!,
            templates: v.WHATSAPP_TEMPLATES,
          }
        : undefined,
      email: v.SMTP_URL ? { smtpUrl: v.SMTP_URL, from: v.EMAIL_FROM } : undefined,
      sheets: v.GOOGLE_SERVICE_ACCOUNT_JSON
        ? { credentials: v.GOOGLE_SERVICE_ACCOUNT_JSON, rootUrl: v.GOOGLE_API_ROOT_URL, spreadsheetId: v.SHEETS_SPREADSHEET_ID!, sheetName: v.SHEETS_SHEET_NAME, columns: v.SHEETS_COLUMNS }
        : undefined,
      ga4: v.GA4_API_SECRET
        ? { measurementId: v.GA4_MEASUREMENT_ID!, apiSecret: v.GA4_API_SECRET, apiUrl: v.GA4_API_URL, gtmServerUrl: v.GTM_SERVER_URL, validate: v.GA4_VALIDATE, currency: v.GA4_CURRENCY, values: v.GA4_EVENT_VALUES }
        : undefined,
      bigquery: v.BIGQUERY_PROJECT_ID
        ? { projectId: v.BIGQUERY_PROJECT_ID, dataset: v.BIGQUERY_DATASET, rootUrl: v.BIGQUERY_API_ROOT_URL, credentials: v.GOOGLE_SERVICE_ACCOUNT_JSON!, batchRows: v.BIGQUERY_BATCH_ROWS, syncIntervalMinutes: v.BIGQUERY_SYNC_INTERVAL_MINUTES }
        : undefined,
      metaBackfill: { formIds: v.META_BACKFILL_FORM_IDS, syncIntervalMinutes: v.META_SYNC_INTERVAL_MINUTES },
      metaConversions: v.META_CONVERSIONS_ENABLED
        ? {
            graphApiUrl: v.META_GRAPH_API_URL,
            version: v.META_GRAPH_API_VERSION,
            datasetId: v.META_DATASET_ID!,
            accessToken: v.META_CONVERSIONS_ACCESS_TOKEN!,
            eventNames: v.META_CONVERSIONS_EVENT_NAMES,
            leadEventSource: v.META_CONVERSIONS_LEAD_SOURCE,
            testEventCode: v.META_CONVERSIONS_TEST_EVENT_CODE,
          }
        : undefined,
    },
  };
}
