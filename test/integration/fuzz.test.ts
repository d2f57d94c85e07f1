import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { startStack, type Stack } from '../support/stack.js';

// Generated garbage at every door: bodies, headers and query strings nobody would send on purpose.
// The service must answer each with a 2xx or a 4xx (never a 5xx, never a dropped connection), and
// store nothing from a request whose signature it could not verify.
let stack: Stack;
const statuses: number[] = [];

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await stack?.stop();
});

const token = fc.stringMatching(/^[\w.:=+/-]{0,40}$/);
const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }));
const body = fc.oneof(
  fc.json({ maxDepth: 4 }),
  text,
  fc.constant(''),
  fc.constant('{"object":"page","entry":[{"id":"1","changes":[{"field":"leadgen","value":{"leadgen_id":"x"}}]}]}'),
  fc.constant('{"entry":null}'),
  fc.constant('[]'),
);
const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', 'application/xml');
const query = fc.dictionary(fc.stringMatching(/^[\w.[\]-]{1,12}$/), fc.oneof(text, token), { maxKeys: 4 });

async function send(method: string, path: string, init: { body?: string; headers?: Record<string, string>; query?: Record<string, string> } = {}) {
  const url = new URL(path, stack.apiUrl);
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.append(k, v);
  const res = await fetch(url, { method, headers: init.headers, body: method === 'GET' || method === 'DELETE' ? undefined : init.body });
  await res.arrayBuffer();
  statuses.push(res.status);
  return res.status;
}

const stored = async () => ({ deliveries: await stack.prisma.webhookDelivery.count(), events: await stack.prisma.inboundEvent.count(), leads: await stack.prisma.lead.count() });

describe('fuzzing the webhooks', () => {
  it('answers unsigned or forged deliveries with a 4xx and stores none of them', async () => {
    const before = await stored();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/webhooks/meta', '/webhooks/tiktok', '/webhooks/snapchat', '/webhooks/whatsapp'),
        body,
        contentType,
        fc.record({ 'x-hub-signature-256': fc.oneof(token, fc.constant('sha256=00')), 'x-snap-signature': token, 'x-snap-t': token }, { requiredKeys: [] }),
        query,
        async (path, payload, type, signature, params) => {
          const status = await send('POST', path, { body: payload, headers: { 'content-type': type, ...signature }, query: params });
          expect(status).toBeGreaterThanOrEqual(400);
          expect(status).toBeLessThan(500);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
    expect(await stored()).toEqual(before);
  }, 60_000);

  it('answers handshakes with any query string without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/webhooks/meta', '/webhooks/whatsapp', '/webhooks/tiktok'), query, async (path, params) => {
        expect(await send('GET', path, { query: params })).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });
});

describe('fuzzing the REST API', () => {
  const id = fc.oneof(fc.uuid(), token, fc.constant('00000000-0000-0000-0000-000000000000'), fc.constant('%00'), fc.constant('..'));
  const route = fc.oneof(
    fc.record({ method: fc.constant('GET'), path: fc.constantFrom('/crm/leads', '/crm/leads/export.csv', '/crm/reports/overview', '/crm/reports/leads', '/crm/reports/funnel', '/crm/reports/first-contact', '/crm/stats', '/crm/action-runs', '/crm/inbound-events', '/crm/notifications', '/crm/sync-jobs', '/crm/events') }),
    id.map((x) => ({ method: 'GET', path: `/crm/leads/${encodeURIComponent(x)}` })),
    id.map((x) => ({ method: 'PATCH', path: `/crm/leads/${encodeURIComponent(x)}/status` })),
    id.map((x) => ({ method: 'POST', path: `/crm/leads/${encodeURIComponent(x)}/whatsapp` })),
    fc.record({ method: fc.constant('POST'), path: fc.constantFrom('/crm/branches', '/crm/teams', '/crm/employees', '/crm/routing/rules', '/crm/routing/simulate', '/crm/automations', '/crm/users', '/crm/api-keys', '/crm/routing/rules/reorder', '/crm/notifications/read-all') }),
  );

  it('answers any body, query and id with a 2xx or a 4xx, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(route, body, contentType, query, async (r, payload, type, params) => {
        // /crm/events streams forever: only its refusal is tried (a stream answered 200 ends the probe).
        const headers: Record<string, string> = { 'content-type': type, ...(r.path === '/crm/events' ? {} : stack.auth) };
        const status = await send(r.method, r.path, { body: payload, headers, query: params });
        expect(status).toBeLessThan(500);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
    expect((await fetch(`${stack.apiUrl}/health/ready`)).status).toBe(200);
    expect(statuses.length).toBeGreaterThan(400);
  }, 90_000);
});
