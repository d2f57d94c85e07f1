import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fakeMetaLead, fakeSnapchatLead, metaDelivery } from '@leadflow/simulators';
import { signedIn } from '../support/organisation.js';
import { TEST_CONNECTORS, call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
const PROJECT = TEST_CONNECTORS.BIGQUERY_PROJECT_ID;

beforeAll(async () => {
  stack = await startStack({ env: { BIGQUERY_BATCH_ROWS: '4', BIGQUERY_DATASET: 'crm_export' } });
});
afterAll(async () => {
  await stack?.stop();
});

async function snapLeads(count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const payload = fakeSnapchatLead();
    await stack.sender.snapchat(payload);
    ids.push(payload.lead_id);
  }
  await waitFor(() => stack.prisma.lead.count({ where: { platformLeadId: { in: ids } } }), (n) => n === count, { what: `${count} leads` });
  // Let the timeline settle (routing, runs) so the export sees a stable picture.
  await new Promise((resolve) => setTimeout(resolve, 300));
}

async function sync(path: 'sync-bigquery' | 'sync-meta') {
  const res = await call(stack, 'POST', `/crm/${path}`, { headers: stack.auth });
  expect(res.status).toBe(202);
  expect(res.headers.get('location')).toBe(`/crm/sync-jobs/${res.body.id}`);
  return waitFor(async () => (await call(stack, 'GET', `/crm/sync-jobs/${res.body.id}`, { headers: stack.auth })).body, (job) => job.status === 'succeeded' || job.status === 'failed', { what: `the ${path} job` });
}

const rows = (table: string) => stack.bigquery.rows(PROJECT, 'crm_export', table);

describe('POST /crm/sync-bigquery', () => {
  it('creates the dataset and tables, streams every lead and timeline step once, and a second run sends only what is new', async () => {
    await snapLeads(3);
    const first = await sync('sync-bigquery');
    expect(first).toMatchObject({ status: 'succeeded', origin: 'manual', result: { dataset: 'created', tables: { leads: { created: true }, lead_events: { created: true } } } });
    const eventCount = await stack.prisma.leadEvent.count();
    expect(rows('lead_events')).toHaveLength(eventCount);
    const leadIds = new Set(rows('leads').map((r) => r.lead_id));
    expect(leadIds).toEqual(new Set((await stack.prisma.lead.findMany({ select: { id: true } })).map((l) => l.id)));
    const one = rows('leads')[0]!;
    expect(one).toMatchObject({ platform: 'snapchat', status: 'new', version: expect.stringMatching(/^\d+$/), tags: [] });
    expect(one).not.toHaveProperty('full_name'); // no personal details leave the CRM
    expect(rows('lead_events').find((r) => r.type === 'received')).toMatchObject({ lifecycle_event: 'received', actor: 'system' });

    const again = await sync('sync-bigquery');
    expect(again.result).toMatchObject({ dataset: 'existed', tables: { leads: { created: false, sent: 0 }, lead_events: { sent: 0 } } });
    expect(rows('lead_events')).toHaveLength(eventCount);

    // A change appends the lead's new version and its new timeline steps, nothing else.
    const lead = await stack.prisma.lead.findFirstOrThrow();
    await call(stack, 'PATCH', `/crm/leads/${lead.id}/status`, { headers: stack.auth, body: { status: 'lost', reason: 'Wrong number' } });
    const third = await sync('sync-bigquery');
    expect(third.result.tables.leads.sent).toBe(1);
    expect(rows('leads').filter((r) => r.lead_id === lead.id).map((r) => r.status)).toEqual(['new', 'lost']);
    expect(rows('lead_events')).toHaveLength(await stack.prisma.leadEvent.count());
  });

  it('fails a sync whose batch is refused, keeps what was sent, and the next sync resends from the failed batch', async () => {
    const admin = await signedIn(stack, { role: 'admin' });
    await snapLeads(5);
    const before = rows('leads').length;
    stack.bigquery.failInserts(1, 1); // the second batch fails
    const failed = await sync('sync-bigquery');
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/^bigquery TEMPORARY: /) });
    expect(failed.progress.tables.leads).toMatchObject({ sent: 4, batches: 1 });
    expect(rows('leads')).toHaveLength(before + 4);
    // The admins' alert is written once the sync has reported its failure: it may come a moment later.
    const alert = await waitFor(
      async () => (await call(stack, 'GET', '/crm/notifications', { headers: admin })).body.data.find((n: { title: string }) => n.title === 'BigQuery sync failed'),
      Boolean,
      { what: 'the admins\' alert' },
    );
    expect(alert).toMatchObject({ category: 'admin_alert', body: expect.stringMatching(/the next sync carries on from there/) });

    const resumed = await sync('sync-bigquery');
    expect(resumed.status).toBe('succeeded');
    // Every lead and every version of it exactly once, every timeline step exactly once.
    expect(new Set(rows('leads').map((r) => r.lead_id)).size).toBe(await stack.prisma.lead.count());
    const exported = rows('leads').map((r) => `${r.lead_id}:${r.version}`);
    expect(new Set(exported).size).toBe(exported.length); // every version once
    const events = rows('lead_events').map((r) => r.event_id);
    expect(new Set(events).size).toBe(events.length);
    expect(events.length).toBe(await stack.prisma.leadEvent.count());
  });

  it('answers with the sync already running instead of starting a second one', async () => {
    const a = await call(stack, 'POST', '/crm/sync-bigquery', { headers: stack.auth });
    const b = await call(stack, 'POST', '/crm/sync-bigquery', { headers: stack.auth });
    expect(b.body.id).toBe(a.body.id);
    await waitFor(async () => (await call(stack, 'GET', `/crm/sync-jobs/${a.body.id}`, { headers: stack.auth })).body.status, (s) => s === 'succeeded', { what: 'the sync' });
    const listed = await call(stack, 'GET', '/crm/sync-jobs?kind=bigquery&limit=2', { headers: stack.auth });
    expect(listed.body.data[0].id).toBe(a.body.id);
    expect((await call(stack, 'GET', '/crm/sync-jobs/00000000-0000-4000-8000-000000000000', { headers: stack.auth })).status).toBe(404);
  });
});

describe('POST /crm/sync-meta', () => {
  it('ingests only the leads Meta has that never reached us, through the webhook path, and reports how many', async () => {
    const received = fakeMetaLead();
    stack.simulator.addMetaLead(received.lead, received.form);
    await stack.sender.meta(metaDelivery([received.change]));
    await waitFor(() => stack.prisma.lead.count({ where: { platformLeadId: received.lead.id } }), (n) => n === 1, { what: 'the received lead' });
    // Two more leads of the same form whose webhooks never came.
    const lost = [fakeMetaLead(), fakeMetaLead()];
    for (const sim of lost) {
      sim.lead.form_id = received.lead.form_id;
      stack.simulator.addMetaLead(sim.lead, sim.form);
    }

    const job = await sync('sync-meta');
    expect(job).toMatchObject({ status: 'succeeded', result: { missing: 2, summary: 'Meta has 2 lead(s) we never received; they are being ingested now' } });
    expect(job.result.forms[received.lead.form_id!]).toEqual({ seen: 3, missing: 2 });
    for (const sim of lost) {
      await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: sim.lead.id } }), Boolean, { what: 'a backfilled lead' });
    }
    expect(await stack.prisma.lead.count({ where: { platformLeadId: { in: [received.lead.id, ...lost.map((s) => s.lead.id)] } } })).toBe(3);

    // Nothing is missing any more; a late webhook of a backfilled lead changes nothing either.
    const again = await sync('sync-meta');
    expect(again.result).toMatchObject({ missing: 0, summary: 'every lead Meta has was received' });
    const late = await stack.sender.meta(metaDelivery([lost[0]!.change]));
    expect(late.body).toEqual({ accepted: 0, duplicates: 1 });
  });
});

describe('syncs need an admin', () => {
  it('refuses anyone else', async () => {
    expect((await call(stack, 'POST', '/crm/sync-bigquery')).status).toBe(401);
    const hq = await stack.prisma.branch.create({ data: { name: 'HQ', workingHours: {} } });
    const manager = await signedIn(stack, { role: 'manager', branchId: hq.id });
    expect((await call(stack, 'POST', '/crm/sync-meta', { headers: manager })).status).toBe(403);
  });
});
