#!/usr/bin/env node
// Ingestion: signed Meta webhooks over N connections for a fixed time against (1) the real API
// (Postgres + Redis: verify, store delivery + event + outbox row; workers relay it to Bull) and (2) a bare
// Node `http` server that verifies the signature and does one idempotent insert. Prints
// requests/s, p50/p99 latency, non-2xx, the ratio, and counts the rows afterwards: every 2xx must
// have its row (a few more rows than 2xx are requests still in flight when the clock stopped).
//
//   pnpm bench:ingestion [--connections 50] [--duration 20] [--warmup 3]
import autocannon from 'autocannon';
import { createHmac, randomBytes } from 'node:crypto';
import pg from 'pg';
import { deleteQueueKeys } from '@leadflow/queue';
import { SERVICE_NODE_FLAGS } from '../scripts/node-flags.mjs';
import { arg, fmt, freshDatabase, httpReady, REDIS_URL, sleep, startProcess } from './support.mjs';

const CONNECTIONS = Number(arg('connections', 50));
const DURATION = Number(arg('duration', 20));
const WARMUP = Number(arg('warmup', 3));
const SECRET = 'bench-meta-app-secret';
const sign = (body) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

/** One new lead per request, as Meta sends it. */
function makeBody(prefix, n) {
  return JSON.stringify({
    object: 'page',
    entry: [{ id: '104233', time: Math.floor(Date.now() / 1000), changes: [{ field: 'leadgen', value: { leadgen_id: `${prefix}-${n}`, page_id: '104233', form_id: '5512', ad_id: '23851', adgroup_id: '23850', created_time: Math.floor(Date.now() / 1000) } }] }],
  });
}

async function load(url, prefix, seconds) {
  let n = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const body = makeBody(prefix, ++n);
          return { ...req, body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) } };
        },
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ok: result['2xx'], non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

const print = (name, r, rows) =>
  console.log(`  ${name.padEnd(12)} ${fmt(r.rps).padStart(7)} req/s   p50 ${fmt(r.p50, 1).padStart(6)} ms   p99 ${fmt(r.p99, 1).padStart(6)} ms   2xx ${fmt(r.ok)}   non-2xx ${r.non2xx}   errors ${r.errors}   rows ${fmt(rows)} ${rows >= r.ok ? '(≥ 2xx: none lost)' : `(${fmt(r.ok - rows)} LOST)`}`);

console.log(`ingestion benchmark — ${CONNECTIONS} connections, ${DURATION} s per target (after ${WARMUP} s warm-up), Node ${process.version}`);
const url = await freshDatabase('leadflow_bench_ingest');
const db = new pg.Client({ connectionString: url });
await db.connect();

const bare = await startProcess('bare server', 'bench/bare-meta-server.mjs', { DATABASE_URL: url, META_APP_SECRET: SECRET, PORT: '3198' }, async (out) => out().includes('bare server ready'), SERVICE_NODE_FLAGS);
await load('http://127.0.0.1:3198/webhooks/meta', 'warm-bare', WARMUP);
await db.query("DELETE FROM bare_delivery WHERE leadgen_id LIKE 'warm-%'");
const bareResult = await load('http://127.0.0.1:3198/webhooks/meta', 'bare', DURATION);
const bareRows = Number((await db.query("SELECT count(*) FROM bare_delivery WHERE leadgen_id LIKE 'bare-%'")).rows[0].count);
await bare.stop();
await sleep(1000);

const QUEUE_PREFIX = `bench-${randomBytes(3).toString('hex')}`;
const api = await startProcess(
  'api',
  'apps/api/dist/main.js',
  { NODE_ENV: 'development', LOG_LEVEL: 'warn', PORT: '3199', DATABASE_URL: url, REDIS_URL, QUEUE_PREFIX, META_APP_SECRET: SECRET },
  httpReady('http://127.0.0.1:3199/health/ready'),
  SERVICE_NODE_FLAGS,
);
await load('http://127.0.0.1:3199/webhooks/meta', 'warm-api', WARMUP);
// The API's memory through the run (it should level off, not climb).
const rss = [api.rssMb()];
const sampler = setInterval(() => rss.push(api.rssMb()), Math.max(1000, (DURATION * 1000) / 10));
const apiResult = await load('http://127.0.0.1:3199/webhooks/meta', 'api', DURATION);
clearInterval(sampler);
await sleep(500);
const apiRows = Number((await db.query("SELECT count(*) FROM inbound_event WHERE external_id LIKE 'api-%'")).rows[0].count);
// The API only stores; the workers' outbox relay (none runs here) publishes the jobs to Redis.
const waiting = Number((await db.query('SELECT count(*) FROM outbox_message WHERE published_at IS NULL')).rows[0].count);
rss.push(api.rssMb());
await api.stop();
await db.end();
await deleteQueueKeys(REDIS_URL, QUEUE_PREFIX);

print('bare http', bareResult, bareRows);
print('LeadFlow API', apiResult, apiRows);
const ratio = apiResult.rps / bareResult.rps;
console.log(`  ratio        ${fmt(ratio * 100, 1)}% of the bare server's throughput (target ≥ 70%), API p99 ${fmt(apiResult.p99, 1)} ms (target ≤ 100 ms)`);
console.log(`  API RSS      ${rss.join(' → ')} MiB over ${fmt(apiResult.ok)} webhooks`);
console.log(`  outbox       ${fmt(waiting)} jobs (with the warm-up's) stored for the workers' relay — no worker runs here`);
process.exit(0);
