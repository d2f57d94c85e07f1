import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SqlPool } from '@leadflow/db';
import { metaConversionEventFor } from '@leadflow/domain';
import { MetaConversionsClient } from '@leadflow/integration-meta';
import { fakeMetaLead, fakeSnapchatLead, metaDelivery } from '@leadflow/simulators';
import { MetaConversionsForwarder } from '../../apps/worker/src/analytics/meta-conversions-forwarder.service.js';
import { branch, employee, rule, signedIn, team } from '../support/organisation.js';
import { TEST_CONNECTORS, call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { SCHEDULER_INTERVAL_MS: '100', META_CONVERSIONS_ENABLED: 'true', META_CONVERSIONS_TEST_EVENT_CODE: 'TEST4242' } });
  const hq = await branch(stack, 'HQ');
  const desk = await team(stack, hq.id, 'Desk');
  await employee(stack, desk.id, 'Sara');
  await rule(stack, { name: 'All', isDefault: true, teamId: desk.id });
});
afterAll(async () => {
  await stack?.stop();
});

/** A Meta lead through the signed webhook, once routed. */
async function newMetaLead() {
  const sim = fakeMetaLead();
  stack.simulator.addMetaLead(sim.lead, sim.form);
  await stack.sender.meta(metaDelivery([sim.change]));
  return (await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: sim.lead.id } }), (l) => l?.routingState === 'assigned', { what: 'the Meta lead' }))!;
}

const stagesOf = (leadgenId: string) => stack.conversions.received.filter((e) => e.leadId === leadgenId);

describe("CRM stages to Meta's Conversions API", () => {
  it('sends each stage of a Meta lead once, keyed by its leadgen id, oldest first', async () => {
    const lead = await newMetaLead();
    for (const status of ['contacted', 'qualified', 'proposal', 'won']) {
      expect((await call(stack, 'PATCH', `/crm/leads/${lead.id}/status`, { headers: stack.auth, body: { status } })).status).toBe(200);
    }
    const stages = await waitFor(async () => stagesOf(lead.platformLeadId), (e) => e.length === 4, { what: 'four stages' });
    expect(stages.map((e) => e.eventName)).toEqual(['Lead', 'Contacted', 'Qualified', 'Converted']);
    expect(stages.every((e) => e.datasetId === TEST_CONNECTORS.META_DATASET_ID && e.testEventCode === 'TEST4242' && e.leadEventSource === 'LeadFlow')).toBe(true);
    expect(stages[0]!.eventTime).toBe(Math.floor(lead.receivedAt.getTime() / 1000));
    expect([...stages.map((e) => e.eventTime)].sort()).toEqual(stages.map((e) => e.eventTime));

    // Meta has them before they are marked sent: wait for the marks.
    const listed = await waitFor(
      () => call(stack, 'GET', `/crm/analytics/deliveries?destination=meta_capi&leadId=${lead.id}`, { headers: stack.auth }),
      (res) => res.body.data.length === 4 && res.body.data.every((d: { status: string }) => d.status === 'sent'),
      { what: 'four deliveries marked sent' },
    );
    expect(listed.body.data.map((d: { event: string; status: string; destination: string }) => [d.destination, d.event, d.status]).sort()).toEqual(
      [['meta_capi', 'Contacted', 'sent'], ['meta_capi', 'Converted', 'sent'], ['meta_capi', 'Lead', 'sent'], ['meta_capi', 'Qualified', 'sent']],
    );

    // Re-reading the whole timeline (a cursor lost) queues and sends nothing twice.
    const requests = stack.conversions.requests;
    await stack.prisma.syncCursor.delete({ where: { key: 'meta_capi-feed' } });
    await waitFor(() => stack.prisma.syncCursor.findUnique({ where: { key: 'meta_capi-feed' } }), Boolean, { what: 'the feed to run again' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stack.conversions.requests).toBe(requests);
    expect(stagesOf(lead.platformLeadId)).toHaveLength(4);
  });

  it('sends nothing for leads that did not come from a Meta lead form (GA4 still gets them)', async () => {
    const payload = fakeSnapchatLead();
    await stack.sender.snapchat(payload);
    const lead = (await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: payload.lead_id } }), (l) => l?.routingState === 'assigned', { what: 'the Snapchat lead' }))!;
    await waitFor(() => stack.prisma.analyticsDelivery.count({ where: { leadId: lead.id, destination: 'ga4' } }), (n) => n === 1, { what: 'its GA4 event' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await stack.prisma.analyticsDelivery.count({ where: { leadId: lead.id, destination: 'meta_capi' } })).toBe(0);
  });

  it('retries through an outage and sends once it is over', async () => {
    stack.conversions.failNext('server-error', 2);
    const lead = await newMetaLead();
    const [stage] = await waitFor(async () => stagesOf(lead.platformLeadId), (e) => e.length === 1, { what: 'the Lead stage' });
    expect(stage!.eventName).toBe('Lead');
    const delivery = await waitFor(() => stack.prisma.analyticsDelivery.findFirst({ where: { leadId: lead.id, destination: 'meta_capi' } }), (d) => d?.status === 'sent', { what: 'the delivery marked sent' });
    expect(delivery!.attempts).toBe(3);
  });

  it('keeps back only the event Meta refuses in a batch, dead with Meta\'s reason, and tells the admins once', async () => {
    const admin = await signedIn(stack, { role: 'admin' });
    const [good, bad] = [await newMetaLead(), await newMetaLead()];
    await waitFor(() => stack.prisma.analyticsDelivery.count({ where: { leadId: { in: [good.id, bad.id] }, destination: 'meta_capi', status: 'sent' } }), (n) => n === 2, { what: 'their Lead stages' });
    stack.conversions.rejectLeadId(bad.platformLeadId);
    // Both stages claimed together by one forwarder, the scheduler's own stopped meanwhile.
    await stack.stopWorker();
    const sql = new SqlPool(stack.env.DATABASE_URL!, { poolSize: 2 });
    try {
      const capi = stack.loaded.config.metaConversions!;
      const capiClientConfig = () => ({ baseUrl: capi.graphApiUrl, version: capi.version, datasetId: capi.datasetId, accessToken: capi.accessToken, testEventCode: capi.testEventCode, timeoutMs: 2_000 });
      const client = new MetaConversionsClient(capiClientConfig());
      const forwarder = new MetaConversionsForwarder(sql, stack.prisma, stack.loaded.config, client);
      for (const lead of [good, bad]) {
        const payload = metaConversionEventFor('won', lead, new Date(), capi)!;
        await stack.prisma.analyticsDelivery.create({ data: { destination: 'meta_capi', leadId: lead.id, event: payload.event_name, leadEventId: 0, payload: payload as never } });
      }
      const requests = stack.conversions.requests;
      expect(await forwarder.send()).toBe(1);
      expect(stack.conversions.requests - requests).toBe(3); // the batch refused, then each alone
      expect(stagesOf(good.platformLeadId).map((e) => e.eventName)).toEqual(['Lead', 'Converted']);
      expect(stagesOf(bad.platformLeadId).map((e) => e.eventName)).toEqual(['Lead']);
      const dead = await stack.prisma.analyticsDelivery.findFirst({ where: { leadId: bad.id, event: 'Converted' } });
      expect(dead).toMatchObject({ status: 'dead', attempts: 1, lastError: `meta-conversions INVALID: Invalid parameter: Event at index 0: user_data.lead_id ${bad.platformLeadId} is not a valid lead id.` });
      const bell = await call(stack, 'GET', '/crm/notifications', { headers: admin });
      expect(bell.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ category: 'action_failed', title: "Meta's Conversions API event Converted could not be sent", leadId: bad.id })]));

      // A dataset that does not exist refuses every event alike: one request, all dead, one alert.
      const nowhere = new MetaConversionsForwarder(sql, stack.prisma, stack.loaded.config, new MetaConversionsClient({ ...capiClientConfig(), datasetId: '404' }));
      for (const lead of [good, bad]) {
        const payload = metaConversionEventFor('lost', lead, new Date(), capi)!;
        await stack.prisma.analyticsDelivery.create({ data: { destination: 'meta_capi', leadId: lead.id, event: payload.event_name, leadEventId: 0, payload: payload as never } });
      }
      const before = stack.conversions.requests;
      expect(await nowhere.send()).toBe(0);
      expect(stack.conversions.requests - before).toBe(1);
      expect(await stack.prisma.analyticsDelivery.findMany({ where: { event: 'Lost', leadId: { in: [good.id, bad.id] } }, select: { status: true, lastError: true } })).toEqual([
        { status: 'dead', lastError: expect.stringMatching(/^meta-conversions NOT_FOUND: Unsupported post request\. Object with ID '404' does not exist/) },
        { status: 'dead', lastError: expect.stringMatching(/^meta-conversions NOT_FOUND/) },
      ]);
      const alerts = (await call(stack, 'GET', '/crm/notifications', { headers: admin })).body.data.filter((n: { title: string }) => n.title.endsWith('events could not be sent'));
      expect(alerts.map((n: { title: string }) => n.title)).toEqual(["2 Meta's Conversions API events could not be sent"]);
    } finally {
      await sql.end();
      await stack.startWorker();
    }
  });
});
