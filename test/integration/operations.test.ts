import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { unappliedMigrationNames } from '@leadflow/db';
import { fakeSnapchatLead, WebhookSender } from '@leadflow/simulators';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createApiApp } from '../../apps/api/src/bootstrap/create-api-app.js';
import { branch, create, employee, rule, signedIn, team } from '../support/organisation.js';
import { call, startStack, TEST_SECRETS, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
let sara: string;

beforeAll(async () => {
  stack = await startStack();
  const hq = await branch(stack, 'HQ');
  const desk = await team(stack, hq.id, 'Desk', { odooTeamId: 2 });
  sara = (await employee(stack, desk.id, 'Sara', { odooUserId: 5 })).id;
  await rule(stack, { name: 'All', isDefault: true, teamId: desk.id });
  await create(stack, '/crm/automations', { name: 'To Odoo', trigger: 'lead.created', actions: [{ key: 'odoo', type: 'odoo.sync_lead', params: {} }] });
});
afterAll(async () => {
  await stack?.stop();
});

let people = 0;
function newLead() {
  people += 1;
  return { ...fakeSnapchatLead(), phone_number: `+9665820${String(people).padStart(5, '0')}`, email: `ops${people}@example.com` };
}
const leadOf = (payload: { lead_id: string }) => stack.prisma.lead.findFirst({ where: { platformLeadId: payload.lead_id } });
const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`ops:${password}`).toString('base64')}` });

describe('health', () => {
  it('answers liveness without looking outside the process, and readiness with Postgres, Redis and migrations', async () => {
    expect(await call(stack, 'GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call(stack, 'GET', '/health/ready')).toMatchObject({ status: 200, body: { status: 'ok', postgres: 'up', redis: 'up', migrations: 'applied' } });
  });

  it('names migrations shipped but not applied', async () => {
    const shipped = await mkdtemp(join(tmpdir(), 'migrations-'));
    const real = (await readdir(new URL('../../prisma/migrations', import.meta.url), { withFileTypes: true })).filter((e) => e.isDirectory());
    for (const dir of [...real.map((e) => e.name), '29991231000000_from_the_future']) await mkdir(join(shipped, dir));
    expect(await unappliedMigrationNames(stack.prisma, shipped)).toEqual(['29991231000000_from_the_future']);
  });

  it('worker healthcheck: passes while a worker on this host publishes its metrics, fails otherwise', async () => {
    const healthcheck = (env: Record<string, string>) =>
      new Promise<number>((resolve) => execFile(process.execPath, ['apps/worker/dist/healthcheck.js'], { env: { ...process.env, ...stack.env, ...env } }, (error) => resolve(error ? Number(error.code ?? 1) : 0)));
    await waitFor(() => healthcheck({}), (code) => code === 0, { what: 'the worker healthcheck to pass' });
    expect(await healthcheck({ QUEUE_PREFIX: `${stack.env.QUEUE_PREFIX}-nobody` })).toBe(1);
  });

  it('echoes the caller\'s request id (or makes one) so a request can be found in the logs', async () => {
    const given = await fetch(`${stack.apiUrl}/health`, { headers: { 'x-request-id': 'lb-7f3a9c' } });
    expect(given.headers.get('x-request-id')).toBe('lb-7f3a9c');
    const made = await fetch(`${stack.apiUrl}/health`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('metrics', () => {
  it('exposes webhook outcomes, ingest latency, queue depth, job durations, action runs, outbox lag and connector calls for Prometheus', async () => {
    const payload = newLead();
    await stack.sender.snapchat(payload);
    await stack.sender.snapchat(payload); // a redelivery: a duplicate
    const forged = await fetch(`${stack.apiUrl}/webhooks/snapchat`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-snap-signature': 'nope' }, body: '{}' });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    await waitFor(async () => (await leadOf(payload))?.odooLeadId, Boolean, { what: 'the lead in Odoo' });

    // Worker figures arrive with its next snapshot (every 5 s).
    const text = await waitFor(
      async () => (await fetch(`${stack.apiUrl}/metrics`)).text(),
      (t) => /leadflow_action_runs_total\{action_type="odoo.sync_lead",status="done"\} [1-9]/.test(t),
      { timeoutMs: 12_000, what: 'the worker\'s metrics' },
    );
    expect(text).toMatch(/leadflow_webhook_deliveries_total\{platform="snapchat",outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/leadflow_webhook_deliveries_total\{platform="snapchat",outcome="duplicate"\} [1-9]/);
    expect(text).toMatch(/leadflow_webhook_deliveries_total\{platform="snapchat",outcome="(rejected|invalid)"\} [1-9]/);
    expect(text).toMatch(/leadflow_webhook_duration_seconds_count\{platform="snapchat"\} [1-9]/);
    expect(text).toMatch(/leadflow_ingest_latency_seconds_count\{platform="snapchat"\} [1-9]/);
    expect(text).toMatch(/leadflow_job_duration_seconds_count\{queue="ingestion",job="normalize-lead",outcome="completed"\} [1-9]/);
    expect(text).toMatch(/leadflow_external_call_duration_seconds_count\{connector="odoo",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/leadflow_queue_jobs\{queue="ingestion",state="waiting"\} \d+/);
    expect(text).toMatch(/leadflow_outbox_lag_seconds \d/);
    expect(text).toMatch(/process_resident_memory_bytes\{app="worker"/);
    expect(text).toMatch(/process_resident_memory_bytes\{app="api"/);
  });
});

describe('the queue board', () => {
  it('is for admins: Basic (password = API key or token) or Bearer; others get 401 or 403', async () => {
    const anonymous = await fetch(`${stack.apiUrl}/admin/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="LeadFlow queues"/);
    expect((await fetch(`${stack.apiUrl}/admin/queues`, { headers: basic('wrong-key') })).status).toBe(401);
    const agent = (await signedIn(stack, { role: 'agent', employeeId: sara })).authorization!.replace('Bearer ', '');
    expect((await fetch(`${stack.apiUrl}/admin/queues`, { headers: basic(agent) })).status).toBe(403);

    const page = await fetch(`${stack.apiUrl}/admin/queues`, { headers: basic(TEST_SECRETS.ADMIN_API_KEY) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const queues = await fetch(`${stack.apiUrl}/admin/queues/api/queues`, { headers: stack.auth });
    expect(queues.status).toBe(200);
    expect(((await queues.json()) as { queues: { name: string }[] }).queues.map((q) => q.name)).toEqual(expect.arrayContaining(['ingestion', 'connectors', 'action:odoo.sync_lead']));
  });
});

describe('graceful shutdown', () => {
  it('API: on close it stops accepting, finishes the request in flight, and what it accepted is stored', async () => {
    const app = await createApiApp(stack.loaded);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    // Hold the delivery's insert so the request is in flight when the shutdown starts.
    const holder = new pg.Client({ connectionString: stack.loaded.config.databaseUrl });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE webhook_delivery IN EXCLUSIVE MODE');
    const payload = newLead();
    const sender = new WebhookSender({ apiUrl: url, metaAppSecret: TEST_SECRETS.META_APP_SECRET, tiktokWebhookToken: TEST_SECRETS.TIKTOK_WEBHOOK_TOKEN, snapchatHmacSecret: TEST_SECRETS.SNAPCHAT_HMAC_SECRET });
    const inFlight = sender.snapchat(payload);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closing = app.close();
    // No new connections, while the request in flight is still held.
    await waitFor(() => fetch(`${url}/health`).then(() => 'served', () => 'refused'), (answer) => answer === 'refused', { what: 'new connections to be refused' });
    expect(await stack.prisma.inboundEvent.count({ where: { externalId: payload.lead_id } })).toBe(0);
    await holder.query('COMMIT');
    await holder.end();
    expect((await inFlight).status).toBe(200);
    await closing;
    await waitFor(() => leadOf(payload), Boolean, { what: 'the accepted lead' });
  });

  it('worker: on close it finishes the job it is running (no half-done action, nothing done twice)', async () => {
    stack.odoo.slowDown(600); // each Odoo call; the client's timeout is 1 s
    const payload = newLead();
    await stack.sender.snapchat(payload);
    const lead = await waitFor(() => leadOf(payload), Boolean, { what: 'the lead' });
    await waitFor(() => stack.prisma.actionRun.findFirst({ where: { leadId: lead!.id } }), (run) => run?.status === 'running', { what: 'the Odoo run to start' });
    await stack.stopWorker();
    stack.odoo.slowDown(0);
    expect(await stack.prisma.actionRun.findFirst({ where: { leadId: lead!.id } })).toMatchObject({ status: 'done', attempts: 1 });
    expect(stack.odoo.records('crm.lead').filter((r) => String(r.description).includes(lead!.id))).toHaveLength(1);
    await stack.startWorker();
  });
});
