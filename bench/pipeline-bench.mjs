#!/usr/bin/env node
// Pipeline: N leads from signed Snapchat webhooks through the real API and worker processes —
// normalization, routing, and the demo organisation's fan-out (Odoo lead + activity, WhatsApp
// template, email, sheet row) against the local simulators (separate process). Prints leads/s,
// p50/p95 webhook-to-all-actions-done latency, the CPU each process spent per lead, and the RSS of
// API and worker as the leads go by.
//
//   pnpm bench:pipeline [--leads 3000] [--concurrency 32] [--rate 0] [--samples 5] [--workers 1] [--limits lifted|default]
//   pnpm bench:memory   (the same with 100,000 leads and 10 RSS samples)
//   --profile           also writes CPU profiles of the API and the worker to .tmp/profiles
//   --backlog 100000    starts with that many leads nobody has called yet, spread over the demo
//                       team's people (a team that fell behind: routing weighs their open leads)
//   --actions odoo-lead,tell-owner
//                       keeps only these of the demo's actions (what one connector costs: compare
//                       the CPU per lead of runs with and without it)
//
// --limits default keeps the built-in per-connector rates (Odoo 10/s, email 10/s…), which bound
// throughput by design; `lifted` (the default here) raises them through ACTION_LIMITS, as an
// operator would for systems that take more.
import { ACTION_TYPES } from '@leadflow/contracts';
import { fakeSnapchatLead, seedDemoOrganisation } from '@leadflow/simulators';
import { snapchatSignatureHeaders } from '@leadflow/integration-snapchat';
import { createPrismaClient } from '@leadflow/db';
import { ACTION_LIMITS, deleteQueueKeys } from '@leadflow/queue';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { SERVICE_NODE_FLAGS } from '../scripts/node-flags.mjs';
import { arg, cpuSecondsOf, fmt, freshDatabase, httpReady, percentile, REDIS_URL, sleep, startProcess } from './support.mjs';

const LEADS = Number(arg('leads', 3000));
const CONCURRENCY = Number(arg('concurrency', 32));
const SAMPLES = Number(arg('samples', 5));
// Webhooks per second (0: as fast as the API answers). A burst measures throughput, its latency is
// queueing; a rate the pipeline can carry measures how long one lead takes when nothing is queued.
const RATE = Number(arg('rate', 0));
const LIMITS = arg('limits', 'lifted');
const WORKERS = Number(arg('workers', 1));
const BACKLOG = Number(arg('backlog', 0));
const DEMO_ACTIONS = ['odoo-lead', 'odoo-activity', 'whatsapp-welcome', 'welcome-email', 'sheet-row', 'tell-owner'];
const ACTIONS = arg('actions', DEMO_ACTIONS.join(',')).split(',');
const unknown = ACTIONS.filter((key) => !DEMO_ACTIONS.includes(key));
if (unknown.length) throw new Error(`--actions: unknown ${unknown.join(', ')} (the demo's are ${DEMO_ACTIONS.join(', ')})`);
// A lead is done when its fan-out is (the owner's notification is quick and never the last), or
// when what was kept of it is.
const FAN_OUT = ACTIONS.some((key) => key !== 'tell-owner') ? ACTIONS.filter((key) => key !== 'tell-owner') : ACTIONS;
const SECRET = 'bench-snapchat-secret';
const PORT = 3299;
const LIFTED = Object.fromEntries(ACTION_TYPES.map((type) => [type, { concurrency: Math.max(32, ACTION_LIMITS[type].concurrency), ratePerSecond: 10_000 }]));

console.log(`pipeline benchmark — ${fmt(LEADS)} leads, ${RATE > 0 ? `${RATE} webhooks a second` : `${CONCURRENCY} webhooks in flight`}, ${WORKERS} worker process(es), connector limits ${LIMITS}${ACTIONS.length < DEMO_ACTIONS.length ? `, only ${ACTIONS.join(', ')}` : ''}${BACKLOG ? `, ${fmt(BACKLOG)} uncontacted leads waiting` : ''}, Node ${process.version}`);
const url = await freshDatabase('leadflow_bench_pipeline');
const seeding = createPrismaClient(url, { poolSize: 2 });
await seedDemoOrganisation(seeding);
await seeding.$disconnect();
// Every lead is routed to someone, whatever the hour the benchmark runs at.
const db = new pg.Client({ connectionString: url });
await db.connect();
await db.query(`UPDATE branch SET working_hours = (SELECT jsonb_object_agg(d, jsonb_build_array(jsonb_build_object('start', '00:00', 'end', '24:00'))) FROM unnest(ARRAY['mon','tue','wed','thu','fri','sat','sun']) d), holidays = '[]'`);
await db.query('UPDATE employee SET capacity = 1000000, time_off = \'[]\'');
await db.query(
  `UPDATE automation SET actions = (SELECT coalesce(jsonb_agg(a ORDER BY n), '[]'::jsonb) FROM jsonb_array_elements(actions) WITH ORDINALITY AS x(a, n)
                                    WHERE NOT (a->>'key' = ANY($1)) OR a->>'key' = ANY($2))`,
  [DEMO_ACTIONS, ACTIONS],
);
await db.query(`UPDATE automation SET enabled = false WHERE jsonb_array_length(actions) = 0`);
if (BACKLOG > 0) {
  const loading = Date.now();
  const [backlogContact] = (await db.query(`INSERT INTO contact (full_name, phone) VALUES ('Backlog person', '+966500000000') RETURNING id`)).rows;
  await db.query(
    `WITH owners AS (SELECT array_agg(e.id ORDER BY e.id) AS ids, array_agg(e.team_id ORDER BY e.id) AS teams, array_agg(t.branch_id ORDER BY e.id) AS branches, count(*)::int AS n
                     FROM employee e JOIN team t ON t.id = e.team_id)
     INSERT INTO lead (platform, platform_lead_id, contact_id, full_name, answers, received_at, routing_state, branch_id, team_id, assignee_id, assigned_at)
     SELECT 'meta', 'backlog-' || i, $2::uuid, 'Backlog person', '{}', now() - interval '1 day', 'assigned',
       owners.branches[1 + i % owners.n], owners.teams[1 + i % owners.n], owners.ids[1 + i % owners.n], now() - interval '1 day'
     FROM generate_series(1, $1::int) i, owners`,
    [BACKLOG, backlogContact.id],
  );
  // Exported to BigQuery long ago, as in a service that has been running: the bench measures new leads.
  await db.query(`INSERT INTO sync_cursor (key, value) SELECT 'bigquery:leadflow.leads', jsonb_build_object('tx', tx::text, 'id', id::text) FROM lead ORDER BY tx DESC, id DESC LIMIT 1`);
  await db.query('VACUUM (ANALYZE)');
  console.log(`  backlog of ${fmt(BACKLOG)} uncontacted leads loaded in ${fmt((Date.now() - loading) / 1000, 1)} s`);
}

const env = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  PORT: String(PORT),
  DATABASE_URL: url,
  REDIS_URL,
  QUEUE_PREFIX: `bench-${randomBytes(3).toString('hex')}`,
  SNAPCHAT_HMAC_SECRET: SECRET,
  SIMULATOR_API_URL: `http://127.0.0.1:${PORT}`,
  ...(LIMITS === 'lifted' ? { ACTION_LIMITS: JSON.stringify(LIFTED) } : {}),
};
const simulator = await startProcess('simulators', 'packages/simulators/dist/simulator.cli.js', env, async (out) => out().includes('SMTP simulator'));
// --profile: CPU profiles of the API and the worker (where a lead's time goes), written when they stop.
// The service runs with the flags it is deployed with (scripts/node-flags.mjs).
const nodeArgs = [...SERVICE_NODE_FLAGS, ...(process.argv.includes('--profile') ? ['--cpu-prof', '--cpu-prof-dir=.tmp/profiles'] : [])];
const api = await startProcess('api', 'apps/api/dist/main.js', env, httpReady(`http://127.0.0.1:${PORT}/health/ready`), nodeArgs);
const workers = [];
for (let i = 0; i < WORKERS; i++) workers.push(await startProcess(`worker ${i + 1}`, 'apps/worker/dist/main.js', { ...env, LOG_LEVEL: 'info' }, async (out) => out().includes('worker started'), nodeArgs));
const worker = { rssMb: () => workers.map((w) => w.rssMb()).join('+'), stop: () => Promise.all(workers.map((w) => w.stop())) };

// CPU spent by each part of the system while the leads go through (where a lead's cost lies).
const cpuParts = () => ({ worker: workers.reduce((sum, w) => sum + w.cpuSeconds(), 0), api: api.cpuSeconds(), simulators: simulator.cpuSeconds(), postgres: cpuSecondsOf('postgres'), redis: cpuSecondsOf('redis-server') });
const cpuAtStart = cpuParts();

// A production Postgres vacuums and analyzes as tables churn. Where autovacuum is off (as on CI
// machines), the planner keeps the statistics of empty tables and dead rows pile up, and a long
// run measures that instead: the bench then vacuums its own database every 30 s, as autovacuum would.
const autovacuum = (await db.query('SHOW autovacuum')).rows[0].autovacuum;
let vacuums = 0;
const vacuuming = autovacuum === 'on' ? undefined : setInterval(() => void db.query('VACUUM (ANALYZE)').then(() => vacuums++, () => undefined), 30_000);
console.log(autovacuum === 'on' ? '  autovacuum is on' : "  autovacuum is off on this server: the bench vacuums and analyzes its database every 30 s");

const samples = [];
const sample = (label) => samples.push({ label, api: api.rssMb(), worker: worker.rssMb() });
sample('start');

const sentAt = new Map();
let next = 0;
const started = Date.now();
async function sender() {
  for (;;) {
    const n = next++;
    if (n >= LEADS) return;
    if (RATE > 0) await sleep(Math.max(0, started + (n * 1000) / RATE - Date.now()));
    const lead = { ...fakeSnapchatLead(), phone_number: `+9665${String(10_000_000 + n).slice(-8)}`, email: `bench${n}@example.com` };
    const raw = JSON.stringify(lead);
    sentAt.set(lead.lead_id, Date.now());
    const res = await fetch(`http://127.0.0.1:${PORT}/webhooks/snapchat`, { method: 'POST', headers: { 'content-type': 'application/json', ...snapchatSignatureHeaders(raw, SECRET, Date.now()) }, body: raw });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
    if (SAMPLES > 0 && (n + 1) % Math.ceil(LEADS / SAMPLES) === 0) sample(`${fmt(n + 1)} sent`);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, sender));
const sentSeconds = (Date.now() - started) / 1000;

// Wait for every lead's five fan-out actions to be done (or dead).
const expected = LEADS * FAN_OUT.length;
let progress;
let nextSample = 1;
for (;;) {
  progress = (await db.query(`SELECT count(*) FILTER (WHERE status IN ('done', 'dead'))::int AS finished, count(*) FILTER (WHERE status = 'dead')::int AS dead, count(*)::int AS total FROM action_run WHERE action_key = ANY($1)`, [FAN_OUT])).rows[0];
  if (progress.finished >= expected) break;
  // RSS as the work gets done too (sending is quick; processing is where memory could creep).
  while (SAMPLES > 0 && progress.finished >= (nextSample * expected) / SAMPLES) sample(`${fmt(Math.floor((nextSample++ * LEADS) / SAMPLES))} done`);
  // The count reads every run: twice a second it took most of a core from Postgres 400,000 runs into a long run.
  await sleep(Math.max(500, LEADS / 20));
}
sample('all done');
const cpuAtEnd = cpuParts();
const rows = (await db.query(`SELECT l.platform_lead_id AS id, extract(epoch FROM max(r.finished_at)) * 1000 AS done FROM lead l JOIN action_run r ON r.lead_id = l.id WHERE r.action_key = ANY($1) GROUP BY 1`, [FAN_OUT])).rows;
const latencies = rows.map((r) => Number(r.done) - sentAt.get(r.id));
// Where a lead's latency goes: each action's finish, from its webhook.
const byAction = new Map();
for (const r of (await db.query(`SELECT l.platform_lead_id AS id, r.action_key, extract(epoch FROM r.finished_at) * 1000 AS done FROM lead l JOIN action_run r ON r.lead_id = l.id`)).rows) {
  if (!byAction.has(r.action_key)) byAction.set(r.action_key, []);
  byAction.get(r.action_key).push(Number(r.done) - sentAt.get(r.id));
}
const lastDone = Math.max(...rows.map((r) => Number(r.done)));
const leadsPerSecond = LEADS / ((lastDone - started) / 1000);
// Runs given a new dispatch: by a lapsed lease or the lost-job sweep. A burst leaves runs waiting
// in Redis longer than LOST_JOB_AFTER_SECONDS; none of them should be taken for lost.
const counts = (await db.query(`SELECT (SELECT count(*) FROM lead WHERE platform_lead_id NOT LIKE 'backlog-%')::int AS leads, (SELECT count(*) FROM action_run)::int AS runs, (SELECT count(*) FROM action_run WHERE dispatch > 1)::int AS requeued`)).rows[0];

clearInterval(vacuuming);
await worker.stop();
await api.stop();
await simulator.stop();
await db.end();
await deleteQueueKeys(REDIS_URL, env.QUEUE_PREFIX);

console.log(`  webhooks sent in ${fmt(sentSeconds, 1)} s (${fmt(LEADS / sentSeconds)} /s); ${fmt(counts.leads)} leads, ${fmt(counts.runs)} action runs, ${progress.dead} dead, ${counts.requeued} queued again${vacuums ? `; ${vacuums} vacuum passes` : ''}`);
console.log(`  throughput   ${fmt(leadsPerSecond, 1)} leads/s through routing and ${ACTIONS.length < DEMO_ACTIONS.length ? ACTIONS.join(', ') : 'all four connectors'} (target ≥ 300)`);
console.log(`  latency      webhook → all actions done: p50 ${fmt(percentile(latencies, 50))} ms, p95 ${fmt(percentile(latencies, 95))} ms, max ${fmt(Math.max(...latencies))} ms (target p95 < 1000)`);
console.log(`  by action    p50/p95 ms from the webhook: ${[...byAction].sort(([a], [b]) => a.localeCompare(b)).map(([key, ms]) => `${key} ${fmt(percentile(ms, 50))}/${fmt(percentile(ms, 95))}`).join(' · ')}`);
const cpuMs = Object.fromEntries(Object.keys(cpuAtEnd).map((part) => [part, ((cpuAtEnd[part] - cpuAtStart[part]) * 1000) / LEADS]));
const cpuTotal = Object.values(cpuMs).reduce((a, b) => a + b, 0);
// The simulators stand in for Meta, Odoo, WhatsApp, SMTP and Google: in production that CPU is theirs.
const serviceMs = cpuTotal - (cpuMs.simulators ?? 0);
const cores = os.availableParallelism();
console.log(`  CPU per lead ${Object.entries(cpuMs).map(([part, ms]) => `${part} ${fmt(ms, 1)}`).join(' · ')} · total ${fmt(cpuTotal, 1)} ms → ${cores} cores can carry at most ${fmt((cores * 1000) / cpuTotal)} leads/s at this cost (the service alone, without the simulators: ${fmt(serviceMs, 1)} ms → ${fmt((cores * 1000) / serviceMs)} leads/s)`);
console.log('  RSS (MiB)    ' + samples.map((s) => `${s.label}: api ${s.api} / worker ${s.worker}`).join(' · '));
process.exit(0);
