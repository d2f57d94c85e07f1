import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { fakeSnapchatLead } from '@leadflow/simulators';
import Bull from 'bull';
import { spawn, type ChildProcess } from 'node:child_process';
import { branch, create, employee, rule, team } from '../support/organisation.js';
import { total } from '../support/prometheus-text.js';
import { RedisServer } from '../support/redis-server.js';
import { call, startStack, type Stack, type StackOptions } from '../support/stack.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from '../support/test-database.js';
import { waitFor } from '../support/wait-for.js';

// What the service survives, each with real Postgres, Redis, Bull and the connector simulators:
// the queue going away mid-load or losing every job, Postgres restarting or down for longer than
// the jobs retry, a worker killed mid-job, a flapping Odoo.
let stack: Stack | undefined;
let proxy: TcpProxy | undefined;
let redis: RedisServer | undefined;
let held: Bull.Queue[] = [];
afterEach(async () => {
  proxy?.restore();
  await Promise.all(held.map((queue) => queue.close()));
  await stack?.stop();
  await proxy?.stop();
  await redis?.kill();
  stack = proxy = redis = undefined;
  held = [];
});
afterAll(async () => {
  await stack?.stop();
});

const FAN_OUT = [
  { key: 'odoo', type: 'odoo.sync_lead', params: {} },
  { key: 'whatsapp', type: 'whatsapp.send_template', params: { template: 'lead_welcome' } },
];

async function stackWithFanOut(options: StackOptions = {}) {
  // A dead worker's job is picked up after the job lock: 2 s here instead of 30.
  const s = await startStack({ ...options, env: { JOB_LOCK_MS: '2000', SCHEDULER_INTERVAL_MS: '200', ...options.env } });
  const hq = await branch(s, 'HQ');
  const desk = await team(s, hq.id, 'Desk', { odooTeamId: 2 });
  await employee(s, desk.id, 'Sara', { odooUserId: 5 });
  await rule(s, { name: 'All', isDefault: true, teamId: desk.id });
  await create(s, '/crm/automations', { name: 'Fan out', trigger: 'lead.created', actions: FAN_OUT });
  return s;
}

let people = 0;
const newLead = () => {
  people += 1;
  return { ...fakeSnapchatLead(), phone_number: `+9665830${String(people).padStart(5, '0')}`, email: `fault${people}@example.com` };
};

/** A platform: delivers, and delivers again (a while later) whatever was not answered 200. */
async function deliverUntilAccepted(s: Stack, payload: ReturnType<typeof newLead>, answers: number[]) {
  for (;;) {
    const status = await s.sender
      .snapchat(payload)
      .then((r) => r.status)
      .catch(() => 0);
    answers.push(status);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Every lead has exactly one run of each fan-out action, all done; Odoo and WhatsApp got each once. */
/** New leads one after another, each delivered until accepted (every answer recorded): a steady load. */
async function sendLeads(s: Stack, count: number, answers: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    await deliverUntilAccepted(s, newLead(), answers);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

async function expectEachLeadHandledOnce(s: Stack, count: number) {
  await waitFor(() => s.prisma.lead.count(), (n) => n === count, { timeoutMs: 30_000, what: `${count} leads` });
  const leads = await s.prisma.lead.findMany();
  const byStatus = () => s.prisma.actionRun.groupBy({ by: ['status'], _count: { _all: true } }).then((g) => Object.fromEntries(g.map((x) => [x.status, x._count._all])));
  await waitFor(byStatus, (c) => c.done === count * FAN_OUT.length && Object.keys(c).length === 1, { timeoutMs: 40_000, what: 'every run done' });
  const runs = await s.prisma.actionRun.findMany();
  for (const lead of leads) expect(runs.filter((r) => r.leadId === lead.id).map((r) => r.actionKey).sort()).toEqual(['odoo', 'whatsapp']);
  const odooRefs = s.odoo.records('crm.lead').map((r) => String(r.description).match(/LeadFlow ref ([0-9a-f-]{36})/)?.[1]);
  expect(odooRefs.sort()).toEqual(leads.map((l) => l.id).sort());
  const recipients = s.simulator.whatsappMessages.map((m) => m.to.replace('+', '')).sort();
  expect(recipients).toEqual(leads.map((l) => l.phone!.replace('+', '')).sort());
}

/**
 * The stack's queues as the test sees them (same Redis, same prefix), paused for every worker:
 * their jobs stay in Redis, so the test knows what an outage finds there.
 */
async function holdQueues(s: Stack, names: string[]): Promise<Bull.Queue[]> {
  const queues = names.map((name) => new Bull(name, { redis: s.env.REDIS_URL!, prefix: s.env.QUEUE_PREFIX! }));
  held.push(...queues);
  await Promise.all(queues.map((queue) => queue.pause()));
  return queues;
}

const jobsIn = (queue: Bull.Queue, state: 'paused' | 'failed') => queue.getJobCounts().then((counts) => (counts as unknown as Record<string, number>)[state] ?? 0);

/** How many of each kind the workers queued again because Redis had lost their job. */
async function requeued(s: Stack): Promise<Record<string, number>> {
  const text = await (await fetch(`${s.apiUrl}/metrics`)).text();
  return Object.fromEntries(['action_run', 'inbound_event', 'sync_job', 'status_mirror'].map((kind) => [kind, total(text, 'leadflow_jobs_requeued_total', { kind })]));
}

describe('Redis unreachable mid-load and back', () => {
  it('turns every accepted webhook into exactly one lead and one run of each action', async () => {
    const target = new URL(TEST_REDIS_URL);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const port = await proxy.start();
    stack = await stackWithFanOut({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    const s = stack;
    const answers: number[] = [];
    const sending = sendLeads(s, 24, answers);
    await waitFor(() => s.prisma.actionRun.count({ where: { status: 'done' } }), (n) => n >= 4, { what: 'work under way' });
    proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    proxy.restore();
    await sending;
    expect(answers.filter((a) => a !== 200)).toEqual([]); // Redis is not needed to accept a webhook
    await expectEachLeadHandledOnce(s, 24);
  }, 90_000);
});

describe('Redis killed mid-load and restarted empty', () => {
  it('queues again the work whose jobs Redis lost: every accepted webhook is one lead and one run of each action; a requested sync and a status change reach their end', async () => {
    redis = await RedisServer.start(); // kills and restarts a Redis of its own, without persistence
    // LOST_JOB_AFTER_SECONDS far beyond the test: Redis coming back without the sweep's marker is
    // what sets it looking at once.
    stack = await stackWithFanOut({ env: { REDIS_URL: redis.url, LOST_JOB_AFTER_SECONDS: '3600' } });
    const s = stack;
    const answers: number[] = [];
    // Jobs certain to be in Redis when it dies: WhatsApp sends, syncs and status mirrors held from
    // the start, then new leads' intake.
    const [whatsapp, sync, mirror] = await holdQueues(s, ['action:whatsapp.send_template', 'sync', 'connectors']);
    await sendLeads(s, 6, answers);
    const meta = await call(s, 'POST', '/crm/sync-meta', { headers: s.auth });
    expect(meta.status).toBe(202);
    const [first] = await waitFor(() => s.prisma.lead.findMany({ where: { odooLeadId: { not: null } } }), (leads) => leads.length >= 1, { what: 'a lead in Odoo' });
    for (const status of ['contacted', 'qualified']) expect((await call(s, 'PATCH', `/crm/leads/${first!.id}/status`, { headers: s.auth, body: { status } })).status).toBe(200);
    const [ingestion] = await holdQueues(s, ['ingestion']);
    const sending = sendLeads(s, 12, answers);
    await waitFor(
      async () => [await jobsIn(whatsapp!, 'paused'), await jobsIn(sync!, 'paused'), await jobsIn(mirror!, 'paused'), await jobsIn(ingestion!, 'paused')],
      ([w, y, m, i]) => w === 6 && y === 1 && m === 2 && i! >= 2,
      { what: 'jobs waiting in Redis' },
    );
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await redis.restart();
    await sending;
    expect(answers.filter((a) => a !== 200)).toEqual([]);
    await expectEachLeadHandledOnce(s, 18);
    expect(await s.prisma.actionRun.count({ where: { actionKey: 'whatsapp', dispatch: { gt: 1 } } })).toBeGreaterThanOrEqual(6);
    await waitFor(async () => (await call(s, 'GET', `/crm/sync-jobs/${meta.body.id}`, { headers: s.auth })).body, (j) => j.status === 'succeeded', { what: 'the lost sync run' });
    const stage = () => s.odoo.records('crm.lead').find((r) => r.id === first!.odooLeadId)?.stage_id;
    await waitFor(async () => stage(), (id) => id === 2, { what: 'the Qualified stage in Odoo' });
    await waitFor(() => requeued(s), (c) => c.inbound_event! >= 2 && c.sync_job === 1 && c.status_mirror === 2 && c.action_run! >= 6, { timeoutMs: 15_000, what: 'the requeues counted' });
  }, 90_000);
});

/** The stack with the service (API, worker) reaching its database through a proxy the test can cut. */
async function stackBehindPostgresProxy(env: Record<string, string> = {}): Promise<Stack> {
  const server = new URL(TEST_POSTGRES_URL);
  proxy = new TcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  const port = await proxy.start();
  const through = (url: string) => Object.assign(new URL(url), { host: `127.0.0.1:${port}` }).toString();
  return stackWithFanOut({ databaseUrlFor: through, env });
}

describe('Postgres restarted during load', () => {
  it('answers 503 while it is down, recovers by itself, and loses nothing it accepted', async () => {
    stack = await stackBehindPostgresProxy();
    const s = stack;
    const answers: number[] = [];
    const sending = sendLeads(s, 20, answers);
    await waitFor(() => s.prisma.lead.count(), (n) => n >= 3, { what: 'work under way' });
    proxy!.cut();
    const down = await waitFor(() => call(s, 'GET', '/health/ready'), (res) => res.status === 503, { what: 'readiness to see Postgres down' });
    expect(down.body).toMatchObject({ postgres: 'down' });
    await waitFor(async () => answers, (a) => a.includes(503), { what: 'a webhook answered 503' });
    proxy!.restore();
    await sending;
    expect(answers.filter((a) => a !== 200 && a !== 503)).toEqual([]); // never a 500, never a lost connection
    await waitFor(() => call(s, 'GET', '/health/ready'), (res) => res.status === 200, { what: 'readiness back' });
    await expectEachLeadHandledOnce(s, 20);
  }, 90_000);
});

describe('Postgres down for longer than the jobs retry', () => {
  it('queues again the leads and runs whose jobs spent every attempt during the outage, once it is back', async () => {
    stack = await stackBehindPostgresProxy({ LOST_JOB_AFTER_SECONDS: '2' });
    const s = stack;
    const answers: number[] = [];
    const [whatsapp] = await holdQueues(s, ['action:whatsapp.send_template']);
    await sendLeads(s, 5, answers);
    await waitFor(() => jobsIn(whatsapp!, 'paused'), (n) => n === 5, { what: 'five WhatsApp jobs waiting' });
    const [ingestion] = await holdQueues(s, ['ingestion']);
    await sendLeads(s, 4, answers);
    await waitFor(() => jobsIn(ingestion!, 'paused'), (n) => n === 4, { what: 'four intake jobs waiting' });
    proxy!.cut();
    await Promise.all([whatsapp!.resume(), ingestion!.resume()]);
    // Every attempt fails while Postgres is away; the last one cannot even mark its row.
    await waitFor(async () => [await jobsIn(whatsapp!, 'failed'), await jobsIn(ingestion!, 'failed')], ([w, i]) => w === 5 && i === 4, { timeoutMs: 30_000, what: 'the jobs out of attempts' });
    proxy!.restore();
    await expectEachLeadHandledOnce(s, 9);
    expect(answers.filter((a) => a !== 200)).toEqual([]);
  }, 90_000);
});

describe('a flapping Odoo', () => {
  it('finishes every run, each Odoo lead created once, while half the calls fail, time out or lose their answer', async () => {
    stack = await stackWithFanOut();
    stack.odoo.flap(0.5);
    for (let i = 0; i < 8; i++) await stack.sender.snapchat(newLead());
    // Each run has eight attempts; with half the calls failing some still run out: those are retried by hand, as ops would.
    const s = stack;
    await waitFor(
      async () => {
        for (const run of await s.prisma.actionRun.findMany({ where: { status: 'dead' }, select: { id: true } })) await call(s, 'POST', `/crm/action-runs/${run.id}/retry`, { headers: s.auth });
        return s.prisma.actionRun.count({ where: { status: 'done' } });
      },
      (n) => n === 8 * FAN_OUT.length,
      { timeoutMs: 60_000, what: 'every run done through the flapping' },
    );
    stack.odoo.flap(0);
    await expectEachLeadHandledOnce(stack, 8);
  }, 90_000);
});

describe('a worker SIGKILLed mid-job', () => {
  function runWorker(s: Stack): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['apps/worker/dist/main.js'], { env: { ...process.env, ...s.env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('worker started')) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${out.slice(-2000)}`)));
    });
  }

  it('has its stalled runs picked up by the next worker, with nothing done twice', async () => {
    stack = await stackWithFanOut({ worker: false });
    const s = stack;
    s.odoo.slowDown(300); // each Odoo call (the client gives up at 1 s): a run takes over a second, so the kill lands mid-run
    let worker = await runWorker(s);
    for (let i = 0; i < 16; i++) await s.sender.snapchat(newLead());
    const odooRuns = () => s.prisma.actionRun.findMany({ where: { actionKey: 'odoo' }, select: { status: true } });
    // Both of Odoo's concurrent slots busy: the kill cannot land in the gap after a run finishes.
    await waitFor(odooRuns, (runs) => runs.filter((r) => r.status === 'done').length >= 3 && runs.filter((r) => r.status === 'running').length >= 2, { what: 'Odoo runs under way' });
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));
    const orphaned = await s.prisma.actionRun.count({ where: { status: 'running' } });
    expect(orphaned).toBeGreaterThan(0);
    s.odoo.slowDown(0);
    worker = await runWorker(s);
    try {
      await expectEachLeadHandledOnce(s, 16);
    } finally {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
  }, 90_000);
});
