#!/usr/bin/env node
// Report latency on a large dataset: seeds a database of its own (default 1,000,000 leads and
// 10,000,000 timeline steps over a year, with the demo organisation and campaigns correlated to
// teams as routing would place them), builds the rollups, then calls every report endpoint of a
// real API over HTTP and prints p50 / p95 / max per report and range — and the same for the
// leads list (filters and text search) on those leads.
//
//   pnpm bench:reports [--leads 1000000] [--events-per-lead 10] [--runs 40] [--reuse]
//
// --reuse keeps an already seeded bench database (seeding takes a few minutes). Needs a build.
import { ensureDatabaseExists, applyMigrations, createPrismaClient } from '@leadflow/db';
import { ReportRollups } from '@leadflow/application';
import { deleteQueueKeys } from '@leadflow/queue';
import { seedDemoOrganisation } from '@leadflow/simulators';
import pg from 'pg';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
import { SERVICE_NODE_FLAGS } from '../scripts/node-flags.mjs';
import { REDIS_URL, arg, httpReady, percentile, startProcess } from './support.mjs';

const LEADS = Number(arg('leads', 1_000_000));
const EVENTS_PER_LEAD = Number(arg('events-per-lead', 10));
const RUNS = Number(arg('runs', 40));
const REUSE = process.argv.includes('--reuse');
const BASE = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const url = new URL(BASE);
url.pathname = '/leadflow_bench';
const DB = url.toString();

const admin = new pg.Client({ connectionString: BASE });
await admin.connect();
const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = 'leadflow_bench'")).rowCount > 0;
const step = async (what, work) => {
  const started = performance.now();
  const result = await work();
  console.log(`  ${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
};

console.log(`reports benchmark — ${LEADS.toLocaleString('en')} leads, ${(LEADS * EVENTS_PER_LEAD).toLocaleString('en')} timeline steps`);
if (!REUSE || !exists) {
  await admin.query('DROP DATABASE IF EXISTS leadflow_bench WITH (FORCE)');
  await ensureDatabaseExists(DB);
  await step('migrate', () => applyMigrations(DB, { schemaPath: resolve('prisma/schema.prisma'), migrationsDir: resolve('prisma/migrations') }));
  const seeding = createPrismaClient(DB, { poolSize: 2 });
  await seedDemoOrganisation(seeding);
  await seeding.$disconnect();
  const db = new pg.Client({ connectionString: DB });
  await db.connect();
  await db.query('SET maintenance_work_mem = \'512MB\'');
  // Bulk load without the per-row triggers; the rollups and open-lead counts are rebuilt from the rows afterwards.
  await db.query('ALTER TABLE lead DISABLE TRIGGER USER');
  await db.query('ALTER TABLE lead_event DISABLE TRIGGER USER');
  await db.query('ALTER TABLE action_run DISABLE TRIGGER USER');
  // Arabic and English names, each person's number in it: the leads list's search has real text to find.
  await step('contacts', () =>
    db.query(
      `INSERT INTO contact (full_name, phone, email)
       SELECT (ARRAY['Sara Ahmed', 'Omar Khalid', 'سارة الحربي', 'محمد العتيبي', 'Noura Saleh', 'عبدالله القحطاني'])[1 + i % 6] || ' ' || i,
              '+9665' || lpad(i::text, 8, '0'), 'person' || i || '@example.com'
       FROM generate_series(1, $1::int) i`,
      [Math.ceil(LEADS * 0.9)],
    ),
  );
  await step('leads', () =>
    db.query(
      `WITH people AS (SELECT id, full_name, phone, email, row_number() OVER (ORDER BY phone) AS n FROM contact),
       people_count AS (SELECT count(*) AS total FROM contact),
       owners AS (SELECT array_agg(e.id ORDER BY e.id) AS employees, array_agg(e.team_id ORDER BY e.id) AS teams, array_agg(t.branch_id ORDER BY e.id) AS branches,
                         array_agg(t.products[1] ORDER BY e.id) AS products FROM employee e JOIN team t ON t.id = e.team_id),
       raw AS (
         SELECT i, (ARRAY['meta','tiktok','snapchat'])[1 + i % 3]::"Platform" AS platform, (1 + (i::bigint * 7919) % 60)::int AS campaign,
                now() - (random() * interval '365 days') AS received, random() AS r, random() AS c, (1 + (i::bigint * 104729) % 11)::int AS owner
         FROM generate_series(1, $1::int) i)
       INSERT INTO lead (platform, platform_lead_id, status, contact_id, full_name, phone, email, answers, received_at, created_at, updated_at,
         campaign_id, campaign_name, adset_id, adset_name, ad_id, ad_name, form_id, form_name, routing_state, branch_id, team_id, assignee_id,
         assigned_at, sla_due_at, sla_breached_at, contacted_at, qualified_at, proposal_at, closed_at, lost_reason, duplicate_of_id)
       SELECT platform, 'bench-' || i,
         (CASE WHEN r < 0.55 THEN 'lost' WHEN r < 0.65 THEN 'won' WHEN r < 0.75 THEN 'proposal' WHEN r < 0.85 THEN 'qualified' WHEN r < 0.95 THEN 'contacted' ELSE 'new' END)::"LeadStatus",
         people.id, people.full_name, people.phone, people.email, '[]', received, received, received,
         'c' || campaign, 'Campaign ' || campaign, 'c' || campaign || '-s' || (i % 2), 'Ad set ' || (i % 2), 'c' || campaign || '-a' || (i % 4), 'Ad ' || (i % 4),
         'f' || (campaign % 20), 'Form ' || (campaign % 20), 'assigned', owners.branches[owner], owners.teams[owner], owners.employees[owner],
         received + interval '2 seconds', received + interval '15 minutes',
         CASE WHEN c > 0.8 THEN received + interval '15 minutes' END,
         CASE WHEN r < 0.95 THEN received + (interval '1 minute' * floor(-ln(greatest(c, 0.0001)) * 12)) END,
         CASE WHEN r >= 0.55 AND r < 0.85 OR (r < 0.55 AND c < 0.4) THEN received + interval '1 day' END,
         CASE WHEN r >= 0.55 AND r < 0.75 THEN received + interval '3 days' END,
         CASE WHEN r < 0.65 THEN received + interval '7 days' END,
         CASE WHEN r < 0.55 THEN 'No answer after three calls' END,
         NULL
       FROM raw CROSS JOIN people_count CROSS JOIN owners JOIN people ON people.n = 1 + raw.i % people_count.total`,
      [LEADS],
    ),
  );
  // Meta's test leads of a form's first weeks: a name 20,000 leads have, none of them recent.
  await step('test leads from a year ago', () =>
    db.query(
      `INSERT INTO lead (platform, platform_lead_id, contact_id, full_name, answers, received_at, created_at, updated_at, campaign_id, campaign_name, routing_state)
       SELECT 'meta', 'bench-test-' || i, (SELECT id FROM contact ORDER BY phone LIMIT 1), '<test lead: dummy data for full_name>', '[]', x.at, x.at, x.at, 'c1', 'Campaign 1', 'unrouted'
       FROM generate_series(1, 20000) i, LATERAL (SELECT now() - interval '330 days' - i * interval '1 minute' AS at) x`,
    ),
  );
  await step('timeline steps', () =>
    db.query(
      `INSERT INTO lead_event (lead_id, type, actor, payload, occurred_at)
       SELECT l.id, (ARRAY['received','normalized','routed','assigned','action_done','action_done','action_done','contacted','status_changed','note'])[1 + (k - 1) % 10],
              'system', '{}', l.received_at + k * interval '1 minute'
       FROM lead l CROSS JOIN generate_series(1, $1::int) k`,
      [EVENTS_PER_LEAD],
    ),
  );
  await step('action runs', async () => {
    const { rows } = await db.query("SELECT id FROM automation WHERE name LIKE 'Fan out%'");
    await db.query(
      `INSERT INTO action_run (lead_id, automation_id, action_key, action_type, status, max_attempts, attempts, created_at, updated_at)
       SELECT l.id, $1, a.key, a.type, (CASE WHEN random() < 0.03 THEN 'dead' ELSE 'done' END)::"ActionRunStatus", 5, 1, l.received_at, l.received_at
       FROM lead l CROSS JOIN (VALUES ('whatsapp-welcome', 'whatsapp.send_template'), ('odoo-lead', 'odoo.sync_lead')) AS a(key, type)`,
      [rows[0].id],
    );
  });
  await db.query('ALTER TABLE lead ENABLE TRIGGER USER');
  await db.query('ALTER TABLE lead_event ENABLE TRIGGER USER');
  await db.query('ALTER TABLE action_run ENABLE TRIGGER USER');
  await step('open leads per employee', () => db.query('SELECT employee_open_leads_recount()'));
  await step('analyze', () => db.query('ANALYZE'));
  await db.end();
  const prisma = createPrismaClient(DB, { poolSize: 2 });
  await step('rebuild rollups from every lead and run', () => new ReportRollups(prisma).rebuild());
  const [{ count }] = await prisma.$queryRawUnsafe('SELECT count(*)::int AS count FROM lead_daily_stats');
  console.log(`  rollup rows: ${count.toLocaleString('en')} (lead_daily_stats)`);
  await prisma.$disconnect();
}
await admin.end();

// The incremental path: rows written through the triggers, then folded.
{
  const prisma = createPrismaClient(DB, { poolSize: 2 });
  const db = new pg.Client({ connectionString: DB });
  await db.connect();
  await step('10,000 more leads through the triggers', () =>
    db.query(`INSERT INTO lead (platform, platform_lead_id, contact_id, full_name, answers, received_at, campaign_id, campaign_name, routing_state)
      SELECT 'meta', 'bench-live-' || i || '-' || floor(random() * 1e9), (SELECT id FROM contact LIMIT 1), 'Live', '[]', now(), 'c1', 'Campaign 1', 'unrouted' FROM generate_series(1, 10000) i`),
  );
  await step('fold their deltas into the rollups', () => new ReportRollups(prisma).fold());
  await db.end();
  await prisma.$disconnect();
}

// Reports over real HTTP, as the dashboard calls them.
// The API in its own process, as deployed: the calls below are its browsers.
const ADMIN_API_KEY = `bench-${randomBytes(12).toString('hex')}`;
const QUEUE_PREFIX = `bench-${randomBytes(3).toString('hex')}`;
const base = 'http://127.0.0.1:3196';
const api = await startProcess(
  'api',
  'apps/api/dist/main.js',
  { NODE_ENV: 'development', LOG_LEVEL: 'warn', PORT: '3196', DATABASE_URL: DB, REDIS_URL, QUEUE_PREFIX, ADMIN_API_KEY },
  httpReady(`${base}/health/ready`),
  SERVICE_NODE_FLAGS,
);
const headers = { authorization: `Bearer ${ADMIN_API_KEY}` };
const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const ranges = { '7 days': `from=${day(-6)}&to=${day(0)}`, '30 days': `from=${day(-29)}&to=${day(0)}`, '90 days': `from=${day(-89)}&to=${day(0)}`, '365 days': `from=${day(-364)}&to=${day(0)}` };
const reports = {
  overview: '/crm/reports/overview',
  'leads by day × platform': '/crm/reports/leads?groupBy=platform&interval=day',
  'leads by week × campaign': '/crm/reports/leads?groupBy=campaign&interval=week',
  'leads by month × ad': '/crm/reports/leads?groupBy=ad&interval=month',
  'leads by day × employee': '/crm/reports/leads?groupBy=employee&interval=day',
  funnel: '/crm/reports/funnel',
  'first contact by employee': '/crm/reports/first-contact?by=employee',
  actions: '/crm/reports/actions',
};
// A browser of its own (bench/timed-client.mjs): one kept-alive connection, timed to the last byte,
// in a process whose small heap does not pause it (this one's did, in the tails).
const client = fork(resolve('bench/timed-client.mjs'));
/** Three warm-up calls, then RUNS timed ones: their times sorted, and the last answer. */
async function measure(target) {
  const answer = new Promise((done) => client.once('message', done));
  client.send({ url: target, headers, warmups: 3, runs: RUNS });
  const { times, status, body, error } = await answer;
  if (error || status !== 200) throw new Error(`${target}: ${error ?? `answered ${status}`}`);
  return { times, body };
}
console.log(`\nreport latency over HTTP (${RUNS} calls each, after 3 warm-up calls), ms`);
console.log(`${'report'.padEnd(28)} ${'range'.padEnd(9)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)}`);
let worst = 0;
for (const [name, path] of Object.entries(reports)) {
  for (const [label, range] of Object.entries(ranges)) {
    const { times } = await measure(`${base}${path}${path.includes('?') ? '&' : '?'}${range}`);
    const p95 = percentile(times, 95);
    worst = Math.max(worst, p95);
    console.log(`${name.padEnd(28)} ${label.padEnd(9)} ${percentile(times, 50).toFixed(1).padStart(7)} ${p95.toFixed(1).padStart(7)} ${times[times.length - 1].toFixed(1).padStart(7)}`);
  }
}
console.log(`\nworst p95 of every report and range: ${worst.toFixed(1)} ms (target < 50 ms)`);

// The leads list on the same million leads: the screens salespeople open all day.
const someone = await (async () => {
  const db = new pg.Client({ connectionString: DB });
  await db.connect();
  const { rows } = await db.query("SELECT assignee_id FROM lead WHERE status = 'new' AND assignee_id IS NOT NULL LIMIT 1");
  await db.end();
  return rows[0].assignee_id;
})();
const person = 123_457; // a contact of the seed (Omar Khalid 123457, +966500123457, person123457@example.com)
const lists = {
  'first page': '',
  'status new': 'status=new',
  "one person's new leads": `assigneeId=${someone}&status=new`,
  'search a phone as typed (05…)': `q=05${String(person).padStart(8, '0')}`,
  'search a phone (E.164)': `q=${encodeURIComponent(`+9665${String(person).padStart(8, '0')}`)}`,
  'search a name and number': `q=${encodeURIComponent(`Omar Khalid ${person}`)}`,
  'search an Arabic name': `q=${encodeURIComponent('الحربي')}`,
  'search an email': `q=person${person}@`,
  'search what nobody has': 'q=zzqx',
  'search a name only old leads have': `q=${encodeURIComponent('test lead')}`,
};
console.log(`\nleads list over HTTP (${RUNS} calls each, after 3 warm-up calls), ms`);
console.log(`${'list'.padEnd(32)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)}  leads on the page`);
for (const [name, query] of Object.entries(lists)) {
  const { times, body } = await measure(`${base}/crm/leads${query ? `?${query}` : ''}`);
  const found = JSON.parse(body).data.length;
  console.log(`${name.padEnd(32)} ${percentile(times, 50).toFixed(1).padStart(7)} ${percentile(times, 95).toFixed(1).padStart(7)} ${times[times.length - 1].toFixed(1).padStart(7)}  ${found}`);
}
client.kill();
await api.stop();
await deleteQueueKeys(REDIS_URL, QUEUE_PREFIX);
process.exit(0);
