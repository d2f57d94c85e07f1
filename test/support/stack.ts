import type { INestApplicationContext } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadConfig, type LoadedConfig } from '@leadflow/config';
import { createPrismaClient, type PrismaClient } from '@leadflow/db';
import { deleteQueueKeys } from '@leadflow/queue';
import { BigQuerySimulator, Ga4Simulator, MetaConversionsSimulator, OdooSimulator, PlatformSimulator, SmtpSimulator, WebhookSender } from '@leadflow/simulators';
import { createApiApp } from '../../apps/api/src/bootstrap/create-api-app.js';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app.js';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { TEST_REDIS_URL, createTestDatabase } from './test-database.js';

export const TEST_CONNECTORS = {
  ODOO_DB: 'crm-test',
  ODOO_USERNAME: 'bot@test.leadflow',
  ODOO_API_KEY: 'test-odoo-key',
  WHATSAPP_PHONE_NUMBER_ID: '100200300',
  WHATSAPP_ACCESS_TOKEN: 'test-whatsapp-token',
  WHATSAPP_APP_SECRET: 'test-whatsapp-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'test-whatsapp-verify-token',
  GOOGLE_SERVICE_ACCOUNT_JSON: '{"access_token":"test-sheets-token"}',
  SHEETS_SPREADSHEET_ID: 'test-sheet',
  GA4_MEASUREMENT_ID: 'G-TEST000001',
  GA4_API_SECRET: 'test-ga4-secret',
  BIGQUERY_PROJECT_ID: 'test-project',
  // Used only where a test turns META_CONVERSIONS_ENABLED on.
  META_DATASET_ID: '7100000000000099',
  META_CONVERSIONS_ACCESS_TOKEN: 'test-meta-conversions-token',
} as const;

export const TEST_SECRETS = {
  ADMIN_API_KEY: 'test-admin-key-0123456789',
  META_APP_SECRET: 'test-meta-app-secret',
  META_VERIFY_TOKEN: 'test-meta-verify-token',
  META_PAGE_ACCESS_TOKEN: 'test-meta-page-token',
  TIKTOK_WEBHOOK_TOKEN: 'test-tiktok-webhook-token',
  TIKTOK_ACCESS_TOKEN: 'test-tiktok-access-token',
  SNAPCHAT_HMAC_SECRET: 'test-snapchat-hmac-secret',
} as const;

export interface Stack {
  apiUrl: string;
  loaded: LoadedConfig;
  /** The environment the stack's config was loaded from (for a worker run as its own process). */
  env: Record<string, string>;
  prisma: PrismaClient;
  /** Graph (leads, WhatsApp Cloud), TikTok and Google Sheets. */
  simulator: PlatformSimulator;
  odoo: OdooSimulator;
  smtp: SmtpSimulator;
  /** GA4 collection and validation endpoints (on the platform simulator's port). */
  ga4: Ga4Simulator;
  /** BigQuery datasets, tables and insertAll (on the platform simulator's port). */
  bigquery: BigQuerySimulator;
  /** Meta's Conversions API for CRM stages (on the platform simulator's port). */
  conversions: MetaConversionsSimulator;
  sender: WebhookSender;
  /** `Authorization` header with the admin key. */
  auth: Record<string, string>;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** How the service reaches the stack's database (e.g. through a proxy a test can cut). */
  databaseUrlFor?: (url: string) => string;
  /** Start the worker with the API (default true). */
  worker?: boolean;
  env?: Record<string, string>;
  /** Variables that need the simulator's address (e.g. a server-side GTM container on it). */
  envFor?: (simulatorUrl: string) => Record<string, string>;
  /** Swap providers of the worker (e.g. an action executor that fails on cue). */
  overrideWorker?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

async function startWorkerApp(loaded: LoadedConfig, override?: StackOptions['overrideWorker']): Promise<INestApplicationContext> {
  if (!override) return createWorkerApp(loaded);
  const module = await override(Test.createTestingModule({ imports: [WorkerModule.forRoot(loaded)] })).compile();
  module.useLogger(module.get(Logger));
  return module.init();
}

/**
 * The whole service for one test file: a fresh database, the real API on a free port, the real
 * worker, real Redis (own Bull prefix) and the platform simulator the real clients talk to.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase();
  const ga4 = new Ga4Simulator({ measurementId: TEST_CONNECTORS.GA4_MEASUREMENT_ID, apiSecret: TEST_CONNECTORS.GA4_API_SECRET });
  const bigquery = new BigQuerySimulator({ accessToken: 'test-sheets-token' });
  const conversions = new MetaConversionsSimulator({ datasetId: TEST_CONNECTORS.META_DATASET_ID, accessToken: TEST_CONNECTORS.META_CONVERSIONS_ACCESS_TOKEN });
  const simulator = new PlatformSimulator({
    extensions: [ga4, bigquery, conversions],
    metaAccessToken: TEST_SECRETS.META_PAGE_ACCESS_TOKEN,
    tiktokAccessToken: TEST_SECRETS.TIKTOK_ACCESS_TOKEN,
    timeoutFaultMs: 1_500,
    whatsapp: {
      accessToken: TEST_CONNECTORS.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: TEST_CONNECTORS.WHATSAPP_PHONE_NUMBER_ID,
      templates: { lead_welcome: { languages: ['ar', 'en_US'], paramCount: 3 } },
    },
    sheets: { accessToken: 'test-sheets-token' },
  });
  const simulatorUrl = await simulator.start();
  const odoo = new OdooSimulator({ db: TEST_CONNECTORS.ODOO_DB, login: TEST_CONNECTORS.ODOO_USERNAME, apiKey: TEST_CONNECTORS.ODOO_API_KEY });
  const odooUrl = await odoo.start();
  const smtp = new SmtpSimulator();
  const smtpPort = await smtp.start();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: options.databaseUrlFor?.(db.url) ?? db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    META_GRAPH_API_URL: simulatorUrl,
    TIKTOK_API_URL: simulatorUrl,
    HTTP_TIMEOUT_MS: '1000',
    JOB_ATTEMPTS: '4',
    JOB_BACKOFF_MS: '50',
    OUTBOX_POLL_MS: '100',
    WORKER_CONCURRENCY: '8',
    ...TEST_SECRETS,
    ...TEST_CONNECTORS,
    ODOO_URL: odooUrl,
    WHATSAPP_API_URL: simulatorUrl,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    GOOGLE_API_ROOT_URL: `${simulatorUrl}/`,
    GA4_API_URL: simulatorUrl,
    BIGQUERY_API_ROOT_URL: `${simulatorUrl}/`,
    // Syncs run when a test asks (POST /crm/sync-*), not on a schedule.
    BIGQUERY_SYNC_INTERVAL_MINUTES: '0',
    META_SYNC_INTERVAL_MINUTES: '0',
    ODOO_SYNC_INTERVAL_MINUTES: '0',
    ...options.env,
    ...options.envFor?.(simulatorUrl),
  };
  const loaded = loadConfig(env);

  const api: NestFastifyApplication = await createApiApp(loaded);
  await api.listen({ port: 0, host: '127.0.0.1' });
  const apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
  simulator.setInboundWebhook({ url: `${apiUrl}/webhooks/whatsapp`, appSecret: TEST_CONNECTORS.WHATSAPP_APP_SECRET });
  let worker: INestApplicationContext | undefined;
  const prisma = createPrismaClient(loaded.config.databaseUrl, { poolSize: 2 });

  const stack: Stack = {
    apiUrl,
    loaded,
    env,
    prisma,
    simulator,
    odoo,
    smtp,
    ga4,
    bigquery,
    conversions,
    sender: new WebhookSender({
      apiUrl,
      metaAppSecret: TEST_SECRETS.META_APP_SECRET,
      tiktokWebhookToken: TEST_SECRETS.TIKTOK_WEBHOOK_TOKEN,
      snapchatHmacSecret: TEST_SECRETS.SNAPCHAT_HMAC_SECRET,
    }),
    auth: { authorization: `Bearer ${TEST_SECRETS.ADMIN_API_KEY}` },
    async startWorker() {
      worker ??= await startWorkerApp(loaded, options.overrideWorker);
    },
    async stopWorker() {
      await worker?.close();
      worker = undefined;
    },
    async stop() {
      await stack.stopWorker();
      await api.close();
      await prisma.$disconnect();
      await simulator.stop();
      await odoo.stop();
      await smtp.stop();
      await db.drop();
      await deleteQueueKeys(TEST_REDIS_URL, env.QUEUE_PREFIX!);
    },
  };
  if (options.worker !== false) await stack.startWorker();
  return stack;
}

/** GET/POST helpers against the stack's API that return status and parsed JSON. */
export async function call(stack: Stack, method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain text answer (the Meta handshake)
  }
  return { status: res.status, body, headers: res.headers };
}
