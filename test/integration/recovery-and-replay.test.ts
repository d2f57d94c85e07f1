import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fakeMetaLead, fakeSnapchatLead, metaDelivery } from '@leadflow/simulators';
import { signedIn } from '../support/organisation.js';
import { call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(); // JOB_ATTEMPTS=4, JOB_BACKOFF_MS=50
});
afterAll(async () => {
  await stack?.stop();
});

const eventOf = (externalId: string) => stack.prisma.inboundEvent.findFirst({ where: { externalId } });

describe('Graph fetch failing', () => {
  it('retries with backoff while the Graph API errors, then stores the lead once it recovers', async () => {
    const sim = fakeMetaLead();
    stack.simulator.addMetaLead(sim.lead, sim.form);
    stack.simulator.failNext('meta', 'server-error', 2);
    await stack.sender.meta(metaDelivery([sim.change]));

    const event = await waitFor(() => eventOf(sim.lead.id), (e) => e?.status === 'processed', { what: 'the event to be processed' });
    expect(event!.attempts).toBe(3); // two failures, one success
    expect(event!.lastError).toBeNull();
    expect(await stack.prisma.lead.count({ where: { platformLeadId: sim.lead.id } })).toBe(1);
  });

  it('retries timeouts too', async () => {
    const sim = fakeMetaLead();
    stack.simulator.addMetaLead(sim.lead, sim.form);
    stack.simulator.failNext('meta', 'timeout', 1);
    await stack.sender.meta(metaDelivery([sim.change]));
    const event = await waitFor(() => eventOf(sim.lead.id), (e) => e?.status === 'processed', { what: 'the event to be processed' });
    expect(event!.attempts).toBe(2);
  });

  it('dead-letters after the last attempt with the error, and a replay after recovery stores the lead', async () => {
    const sim = fakeMetaLead();
    stack.simulator.addMetaLead(sim.lead, sim.form);
    stack.simulator.failNext('meta', 'server-error', 100);
    await stack.sender.meta(metaDelivery([sim.change]));

    const dead = await waitFor(() => eventOf(sim.lead.id), (e) => e?.status === 'dead_lettered', { what: 'a dead letter' });
    expect(dead!.attempts).toBe(4);
    expect(dead!.lastError).toMatch(/^meta-graph TEMPORARY: An unexpected error has occurred/);
    expect(await stack.prisma.lead.count({ where: { platformLeadId: sim.lead.id } })).toBe(0);

    const listed = await call(stack, 'GET', '/crm/inbound-events?status=dead_lettered', { headers: stack.auth });
    expect(listed.body.data.map((e: { id: string }) => e.id)).toContain(dead!.id);
    expect(listed.body.data.find((e: { id: string }) => e.id === dead!.id)).toMatchObject({ platform: 'meta', externalId: sim.lead.id, attempts: 4 });

    stack.simulator.failNext('meta', 'server-error', 0); // Graph is healthy again
    expect((await call(stack, 'POST', `/crm/inbound-events/${dead!.id}/replay`, { headers: stack.auth })).status).toBe(202);
    const replayed = await waitFor(() => eventOf(sim.lead.id), (e) => e?.status === 'processed', { what: 'the replayed event' });
    expect(replayed!.replayCount).toBe(1);
    expect(await stack.prisma.lead.count({ where: { platformLeadId: sim.lead.id } })).toBe(1);
  });
});

describe('admin alerts', () => {
  it('tells the admins when a lead cannot be stored, and once an hour per platform when the token is refused', async () => {
    const admin = await signedIn(stack, { role: 'admin' });
    const alerts = async () => (await call(stack, 'GET', '/crm/notifications', { headers: admin })).body.data.filter((n: { category: string }) => n.category === 'admin_alert');

    const gone = fakeMetaLead();
    stack.simulator.addMetaLead(gone.lead, gone.form);
    stack.simulator.failNext('meta', 'server-error', 100);
    await stack.sender.meta(metaDelivery([gone.change]));
    await waitFor(() => eventOf(gone.lead.id), (e) => e?.status === 'dead_lettered', { what: 'a dead letter' });
    await waitFor(alerts, (list) => list.length === 1, { what: 'the dead-letter alert' });
    expect((await alerts())[0]).toMatchObject({ title: `A meta lead could not be stored (${gone.lead.id})`, body: expect.stringMatching(/meta-graph TEMPORARY: .* — replay it from the inbound events once fixed\.$/) });

    // A refused token dead-letters every lead at once: one alert says so, not one per lead.
    stack.simulator.failNext('meta', 'auth', 100);
    const refused = [fakeMetaLead(), fakeMetaLead(), fakeMetaLead()];
    for (const sim of refused) stack.simulator.addMetaLead(sim.lead, sim.form);
    await stack.sender.meta(metaDelivery(refused.map((sim) => sim.change)));
    for (const sim of refused) await waitFor(() => eventOf(sim.lead.id), (e) => e?.status === 'dead_lettered', { what: 'the refused lead dead-lettered' });
    const list = await alerts();
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ title: 'meta-graph rejected our credentials', body: expect.stringMatching(/^meta-graph AUTH: .* — renew the token or password; then replay what failed\.$/) });
    stack.simulator.failNext('meta', 'auth', 0);
  });
});

describe('Replay', () => {
  it('re-runs a processed delivery through today\'s code, updating the lead in place', async () => {
    const payload = fakeSnapchatLead();
    await stack.sender.snapchat(payload);
    const lead = await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: payload.lead_id } }), (l) => Boolean(l && l.routingState !== 'unrouted'), { what: 'the routed lead' });
    const event = (await eventOf(payload.lead_id))!;
    // Simulate an older normalization that got the name wrong.
    await stack.prisma.lead.update({ where: { id: lead!.id }, data: { fullName: 'WRONG' } });

    const replay = await call(stack, 'POST', `/crm/inbound-events/${event.id}/replay`, { headers: stack.auth });
    expect(replay.status).toBe(202);
    await waitFor(() => stack.prisma.lead.findUnique({ where: { id: lead!.id } }), (l) => l?.fullName !== 'WRONG', { what: 'the lead to be re-normalized' });

    expect(await stack.prisma.lead.count({ where: { platformLeadId: payload.lead_id } })).toBe(1);
    const detail = await call(stack, 'GET', `/crm/leads/${lead!.id}`, { headers: stack.auth });
    const intake = detail.body.timeline.filter((e: { type: string }) => e.type === 'received' || e.type === 'normalized');
    expect(intake.map((e: { type: string }) => e.type)).toEqual(['received', 'normalized', 'normalized']);
    expect(intake[2].payload).toMatchObject({ inboundEventId: event.id, replay: 1 });
    // Re-normalizing does not route the lead a second time.
    expect(detail.body.timeline.filter((e: { type: string }) => e.type === 'routed')).toHaveLength(1);
  });

  it('answers 404 for an unknown event and 400 for a malformed id', async () => {
    expect((await call(stack, 'POST', '/crm/inbound-events/00000000-0000-4000-8000-000000000000/replay', { headers: stack.auth })).status).toBe(404);
    expect((await call(stack, 'POST', '/crm/inbound-events/not-a-uuid/replay', { headers: stack.auth })).status).toBe(400);
  });
});

describe('Worker down', () => {
  it('keeps stored leads waiting until a worker starts', async () => {
    await stack.stopWorker();
    const payload = fakeSnapchatLead();
    expect((await stack.sender.snapchat(payload)).status).toBe(200);
    const event = await waitFor(() => eventOf(payload.lead_id), Boolean, { what: 'the stored event' });
    // The API only stores: the job waits in the outbox (Postgres) until a worker publishes and runs it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const job = await stack.prisma.outboxMessage.findFirst({ where: { jobId: { contains: event!.id } } });
    expect(job?.publishedAt).toBeNull();
    expect(await stack.prisma.lead.count({ where: { platformLeadId: payload.lead_id } })).toBe(0);
    await stack.startWorker();
    await waitFor(() => stack.prisma.lead.count({ where: { platformLeadId: payload.lead_id } }), (n) => n === 1, { what: 'the lead after the worker started' });
    expect((await stack.prisma.outboxMessage.findUnique({ where: { id: job!.id } }))?.publishedAt).not.toBeNull();
  });

  it('a job for a queue this worker does not have (another version mid-deploy) waits without holding up the others', async () => {
    await stack.stopWorker();
    const foreign = await stack.prisma.outboxMessage.create({ data: { queue: 'from-a-newer-version', jobName: 'something-new', jobId: `foreign-${Date.now()}`, payload: {} } });
    const payload = fakeSnapchatLead();
    expect((await stack.sender.snapchat(payload)).status).toBe(200);
    await stack.startWorker();
    await waitFor(() => stack.prisma.lead.count({ where: { platformLeadId: payload.lead_id } }), (n) => n === 1, { what: 'the lead behind the foreign job' });
    expect((await stack.prisma.outboxMessage.findUnique({ where: { id: foreign.id } }))?.publishedAt).toBeNull();
    await stack.prisma.outboxMessage.delete({ where: { id: foreign.id } });
  });
});
