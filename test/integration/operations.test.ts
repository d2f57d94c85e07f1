import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { unappliedMigrationNames } from '@leadflow/db';
import { fakeSnapchatLead, WebhookSender } from '@leadflow/simulators';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { parser as promql } from '@prometheus-io/lezer-promql';
import { Metrics } from '@leadflow/runtime';
import { createApiApp } from '../../apps/api/src/bootstrap/create-api-app.js';
import { branch, create, employee, rule, signedIn, team } from '../support/organisation.js';
import { call, startStack, TEST_SECRETS, type Stack } from '../support/stack.js';
import { parseExposition, seriesOf, total } from '../support/prometheus-text.js';
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
      (t) => total(t, 'leadflow_action_runs_total', { action_type: 'odoo.sync_lead', status: 'done' }) > 0,
      { timeoutMs: 12_000, what: 'the worker\'s metrics' },
    );
    expect(total(text, 'leadflow_webhook_deliveries_total', { platform: 'snapchat', outcome: 'accepted' })).toBeGreaterThan(0);
    expect(total(text, 'leadflow_webhook_deliveries_total', { platform: 'snapchat', outcome: 'duplicate' })).toBeGreaterThan(0);
    expect(total(text, 'leadflow_webhook_deliveries_total', { platform: 'snapchat', outcome: 'rejected' }) + total(text, 'leadflow_webhook_deliveries_total', { platform: 'snapchat', outcome: 'invalid' })).toBeGreaterThan(0);
    expect(total(text, 'leadflow_webhook_duration_seconds_count', { platform: 'snapchat' })).toBeGreaterThan(0);
    expect(total(text, 'leadflow_ingest_latency_seconds_count', { platform: 'snapchat' })).toBeGreaterThan(0);
    expect(total(text, 'leadflow_job_duration_seconds_count', { queue: 'ingestion', job: 'normalize-lead', outcome: 'completed' })).toBeGreaterThan(0);
    expect(total(text, 'leadflow_external_call_duration_seconds_count', { connector: 'odoo', outcome: 'ok' })).toBeGreaterThan(0);
    expect(seriesOf(text, 'leadflow_queue_jobs', { queue: 'ingestion', state: 'waiting' })).toHaveLength(1);
    expect(seriesOf(text, 'leadflow_outbox_lag_seconds')).toHaveLength(1);
    // Each process's own series: the webhooks were counted by the API, the runs by the worker.
    expect(seriesOf(text, 'leadflow_webhook_deliveries_total', { platform: 'snapchat', outcome: 'accepted' }).map((s) => s.labels.app)).toEqual(['api']);
    expect(seriesOf(text, 'leadflow_action_runs_total', { action_type: 'odoo.sync_lead', status: 'done' }).map((s) => s.labels.app)).toEqual(['worker']);
    expect(seriesOf(text, 'process_resident_memory_bytes', { app: 'worker' })).toHaveLength(1);
    expect(seriesOf(text, 'process_resident_memory_bytes', { app: 'api' })).toHaveLength(1);
  });
});

describe('alert rules (ops/prometheus)', () => {
  interface Rule {
    alert: string;
    expr: string;
    for?: string;
    labels?: { severity?: string };
    annotations?: { summary?: string; description?: string };
  }
  const read = async (file: string) => parseYaml(await readFile(new URL(`../../ops/prometheus/${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  // Series Prometheus makes itself, and the labels it adds to every scraped one.
  const PROMETHEUS_OWN: Record<string, string[]> = { up: [] };
  const TARGET_LABELS = ['job', 'instance'];

  it('the scrape job is the one the rules name, and the rules file is loaded', async () => {
    const config = (await read('prometheus.yml')) as { rule_files: string[]; scrape_configs: { job_name: string; metrics_path: string; honor_labels: boolean }[] };
    expect(config.rule_files).toEqual(['alerts.yml']);
    expect(config.scrape_configs).toEqual([expect.objectContaining({ job_name: 'leadflow', metrics_path: '/metrics', honor_labels: true })]);
  });

  /** What is wrong with a rule, checked against a real exposition of the service. */
  function problemsOf(rule: Rule, exposition: string): string[] {
    const types = new Map([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    const samples = parseExposition(exposition);
    const declared = new Metrics('api', 'alert-rules-check').registry;
    const labelsOf = (name: string): string[] | undefined => {
      if (PROMETHEUS_OWN[name]) return [...PROMETHEUS_OWN[name], ...TARGET_LABELS];
      const base = name.replace(/_(bucket|count|sum)$/, '');
      const family = types.has(name) ? name : types.get(base) === 'histogram' ? base : undefined;
      if (!family) return undefined;
      const own = (declared.getSingleMetric(family) as { labelNames?: string[] } | undefined)?.labelNames ?? [];
      const seen = samples.filter((s) => s.name === name || s.name.startsWith(`${family}_`)).flatMap((s) => Object.keys(s.labels));
      return [...new Set([...own, ...seen, 'app', ...TARGET_LABELS, ...(name.endsWith('_bucket') ? ['le'] : [])])];
    };
    const problems: string[] = [];
    const where = `${rule.alert}: `;
    if (!/^LeadFlow[A-Z]\w+$/.test(rule.alert)) problems.push(`${where}alert name`);
    if (!['critical', 'warning'].includes(rule.labels?.severity ?? '')) problems.push(`${where}severity`);
    if (!rule.annotations?.summary || !rule.annotations.description) problems.push(`${where}summary and description`);
    const text = (node: { from: number; to: number }) => rule.expr.slice(node.from, node.to);
    const used: { metric: string; labels: string[] }[] = [];
    const grouping: string[] = [];
    promql.parse(rule.expr).iterate({
      enter: (node) => {
        if (node.type.isError) problems.push(`${where}PromQL syntax error at ${node.from}`);
        if (node.name === 'VectorSelector') {
          const identifier = node.node.getChild('Identifier');
          const matchers = node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [];
          used.push({ metric: identifier ? text(identifier) : text(node), labels: matchers.map((m) => text(m.getChild('LabelName')!)) });
          for (const m of matchers) if (text(m.getChild('LabelName')!) === 'job' && text(m.getChild('StringLiteral')!) !== '"leadflow"') problems.push(`${where}job ${text(m.getChild('StringLiteral')!)} is not the scrape job`);
        }
        if (node.name === 'GroupingLabels') grouping.push(...node.node.getChildren('LabelName').map(text));
      },
    });
    const known = new Set<string>();
    for (const { metric, labels } of used) {
      const names = labelsOf(metric);
      if (!names) {
        problems.push(`${where}no metric ${metric}`);
        continue;
      }
      names.forEach((n) => known.add(n));
      for (const label of labels) if (!names.includes(label)) problems.push(`${where}${metric} has no label ${label}`);
    }
    for (const label of grouping) if (!known.has(label)) problems.push(`${where}grouping by ${label}, which none of its metrics has`);
    return problems;
  }
  const exposition = async () => (await fetch(`${stack.apiUrl}/metrics`)).text();

  it('every rule parses as PromQL and asks only for metrics and labels the service exposes', async () => {
    const rules = ((await read('alerts.yml')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThan(5);
    const text = await exposition();
    expect(rules.flatMap((rule) => problemsOf(rule, text))).toEqual([]);
  });

  it('the check finds a misspelt metric, a label a metric does not have, and broken syntax', async () => {
    const text = await exposition();
    const rule = (expr: string): Rule => ({ alert: 'LeadFlowBad', expr, labels: { severity: 'warning' }, annotations: { summary: 's', description: 'd' } });
    expect(problemsOf(rule('sum by (connector) (rate(leadflow_external_calls_total[5m])) > 0'), text)).toEqual(['LeadFlowBad: no metric leadflow_external_calls_total', 'LeadFlowBad: grouping by connector, which none of its metrics has']);
    expect(problemsOf(rule('sum(increase(leadflow_action_runs_total{kind="dead"}[5m])) > 0'), text)).toEqual(['LeadFlowBad: leadflow_action_runs_total has no label kind']);
    expect(problemsOf(rule('sum(rate(leadflow_action_runs_total[5m]) >'), text)).toContainEqual(expect.stringMatching(/PromQL syntax error/));
    expect(problemsOf(rule('up{job="leadflw"} == 0'), text)).toEqual(['LeadFlowBad: job "leadflw" is not the scrape job']);
    expect(problemsOf(rule('histogram_quantile(0.9, sum by (le) (rate(leadflow_webhook_duration_seconds_bucket[5m]))) > 1'), text)).toEqual([]);
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
