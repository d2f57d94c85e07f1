import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fakeSnapchatLead, validateMeasurementProtocol } from '@leadflow/simulators';
import { branch, employee, rule, signedIn, team } from '../support/organisation.js';
import { TEST_CONNECTORS, call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const FAST = { SCHEDULER_INTERVAL_MS: '100', GA4_EVENT_VALUES: '{"qualify_lead":50,"close_convert_lead":1200}' };

async function organise(stack: Stack) {
  const hq = await branch(stack, 'HQ');
  const desk = await team(stack, hq.id, 'Desk');
  await employee(stack, desk.id, 'Sara');
  await rule(stack, { name: 'All', isDefault: true, teamId: desk.id });
}

async function newLead(stack: Stack, campaign = 'Spring villas') {
  const payload = { ...fakeSnapchatLead(), campaign_name: campaign };
  await stack.sender.snapchat(payload);
  return (await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: payload.lead_id } }), (l) => l?.routingState === 'assigned', { what: 'the lead' }))!;
}

/** What GA4 recorded for a lead, in event time (hits may arrive in any order; GA4 orders by timestamp_micros). */
const eventsOf = (stack: Stack, leadId: string) =>
  stack.ga4
    .events()
    .filter((e) => e.params.crm_lead_id === leadId)
    .sort((a, b) => a.timestampMicros! - b.timestampMicros!);

describe('GA4 forwarding', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: FAST });
    await organise(stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('sends generate_lead once per lead, as a valid Measurement Protocol hit', async () => {
    const lead = await newLead(stack);
    const [event] = await waitFor(async () => eventsOf(stack, lead.id), (e) => e.length === 1, { what: 'generate_lead' });
    expect(event).toMatchObject({ name: 'generate_lead', params: { crm_lead_id: lead.id, lead_source: 'snapchat', lead_campaign: 'Spring villas' } });
    expect(event!.clientId).toMatch(/^\d+\.\d{10}$/);
    expect(Math.abs(event!.timestampMicros! / 1000 - lead.receivedAt.getTime())).toBeLessThan(1);
    const hit = stack.ga4.hits.find((h) => (h.body as { events: { params: { crm_lead_id: string } }[] }).events[0]!.params.crm_lead_id === lead.id)!;
    expect(hit).toMatchObject({ path: '/mp/collect', measurementId: TEST_CONNECTORS.GA4_MEASUREMENT_ID });
    expect(validateMeasurementProtocol(hit.measurementId, hit.body)).toEqual([]);
  });

  it('follows the pipeline with the recommended lead events, value and currency where configured, each once', async () => {
    const lead = await newLead(stack);
    for (const status of ['contacted', 'qualified', 'proposal', 'won']) {
      expect((await call(stack, 'PATCH', `/crm/leads/${lead.id}/status`, { headers: stack.auth, body: { status } })).status).toBe(200);
    }
    const events = await waitFor(async () => eventsOf(stack, lead.id), (e) => e.length === 4, { what: 'four GA4 events' });
    expect(events.map((e) => e.name)).toEqual(['generate_lead', 'working_lead', 'qualify_lead', 'close_convert_lead']);
    expect(events[2]!.params).toMatchObject({ value: 50, currency: 'SAR' });
    expect(events[3]!.params).toMatchObject({ value: 1200, currency: 'SAR' });
    expect(events[1]!.params).not.toHaveProperty('value');

    // Re-reading the whole timeline (a cursor lost) queues and sends nothing twice.
    await stack.prisma.syncCursor.delete({ where: { key: 'ga4-feed' } });
    const hits = stack.ga4.hits.length;
    await waitFor(() => stack.prisma.syncCursor.findUnique({ where: { key: 'ga4-feed' } }), Boolean, { what: 'the feed to run again' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stack.ga4.hits.length).toBe(hits);
    expect(await stack.prisma.analyticsDelivery.count({ where: { leadId: lead.id } })).toBe(4);
  });

  it('tells a disqualified lead from a lost deal', async () => {
    const early = await newLead(stack);
    await call(stack, 'PATCH', `/crm/leads/${early.id}/status`, { headers: stack.auth, body: { status: 'lost', reason: 'Wrong number' } });
    const late = await newLead(stack);
    for (const status of ['contacted', 'qualified']) await call(stack, 'PATCH', `/crm/leads/${late.id}/status`, { headers: stack.auth, body: { status } });
    await call(stack, 'PATCH', `/crm/leads/${late.id}/status`, { headers: stack.auth, body: { status: 'lost', reason: 'Bought elsewhere' } });
    const [, disqualified] = await waitFor(async () => eventsOf(stack, early.id), (e) => e.length === 2, { what: 'disqualify_lead' });
    expect(disqualified).toMatchObject({ name: 'disqualify_lead', params: { disqualified_lead_reason: 'Wrong number' } });
    const lateEvents = await waitFor(async () => eventsOf(stack, late.id), (e) => e.length === 4, { what: 'close_unconvert_lead' });
    expect(lateEvents[3]).toMatchObject({ name: 'close_unconvert_lead', params: { unconvert_lead_reason: 'Bought elsewhere' } });
  });

  it('retries through an outage and sends once it is over', async () => {
    stack.ga4.failNext(2);
    const lead = await newLead(stack);
    await waitFor(async () => eventsOf(stack, lead.id), (e) => e.length === 1, { what: 'the event after the outage' });
    // GA4 has the event before our row says so: wait for the row too.
    const delivery = await waitFor(() => stack.prisma.analyticsDelivery.findFirstOrThrow({ where: { leadId: lead.id } }), (d) => d.status !== 'sending', { what: 'the delivery to be settled' });
    expect(delivery).toMatchObject({ status: 'sent', attempts: 3 });
  });
});

describe('GA4 validation mode through a server-side GTM container', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { ...FAST, GA4_VALIDATE: 'true' }, envFor: (simulatorUrl) => ({ GTM_SERVER_URL: `${simulatorUrl}/sgtm` }) });
    await organise(stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('checks each event with the validation server, sends the valid ones to the container, keeps the rest with the messages', async () => {
    const lead = await newLead(stack);
    await waitFor(async () => eventsOf(stack, lead.id), (e) => e.length === 1, { what: 'the validated event' });
    expect(stack.ga4.validations).toBeGreaterThanOrEqual(1);
    expect(stack.ga4.hits.map((h) => h.path)).toEqual(['/sgtm/mp/collect']);

    // An event GA4 would silently drop: a value without its currency.
    const bad = await stack.prisma.analyticsDelivery.create({
      data: { leadId: lead.id, event: 'qualify_lead', leadEventId: 0n, payload: { client_id: '123.1700000000', events: [{ name: 'qualify_lead', params: { value: 50 } }] } },
    });
    const rejected = await waitFor(() => stack.prisma.analyticsDelivery.findUniqueOrThrow({ where: { id: bad.id } }), (d) => d.status === 'rejected', { what: 'the rejection' });
    expect(rejected.validationMessages).toEqual([{ fieldPath: 'events[0].params.currency', validationCode: 'VALUE_REQUIRED', description: 'Currency is required when value is set.' }]);
    expect(rejected.lastError).toBe('VALUE_REQUIRED events[0].params.currency: Currency is required when value is set.');
    expect(stack.ga4.hits).toHaveLength(1);

    const admin = await signedIn(stack, { role: 'admin' });
    const listed = await call(stack, 'GET', '/crm/analytics/deliveries?status=rejected', { headers: admin });
    expect(listed.body.data.map((d: { id: string }) => d.id)).toEqual([bad.id]);
    expect(listed.body.data[0].validationMessages[0].validationCode).toBe('VALUE_REQUIRED');
  });
});
