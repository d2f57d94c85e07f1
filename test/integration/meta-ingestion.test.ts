import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { metaSignatureHeader } from '@leadflow/integration-meta';
import { fakeMetaLead, metaDelivery } from '@leadflow/simulators';
import { TEST_SECRETS, call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const counts = async () => ({
  deliveries: await stack.prisma.webhookDelivery.count(),
  events: await stack.prisma.inboundEvent.count(),
  leads: await stack.prisma.lead.count(),
});

async function postRaw(raw: string, headers: Record<string, string>) {
  const res = await fetch(`${stack.apiUrl}/webhooks/meta`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, body: (await res.json()) as { message?: string } };
}

describe('Meta subscription handshake', () => {
  it('echoes the challenge as text when the verify token matches', async () => {
    const res = await call(stack, 'GET', `/webhooks/meta?hub.mode=subscribe&hub.verify_token=${TEST_SECRETS.META_VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(res.status).toBe(200);
    expect(res.body).toBe(1158201444);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('refuses a wrong verify token with 403', async () => {
    const res = await call(stack, 'GET', '/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42');
    expect(res.status).toBe(403);
  });
});

describe('Meta lead webhook', () => {
  it('stores the delivery, fetches the lead from the Graph API and maps every field', async () => {
    const sim = fakeMetaLead();
    sim.lead.platform = 'ig';
    sim.lead.field_data = [
      { name: 'full_name', values: ['  سارة   الحربي '] },
      { name: 'email', values: [' Sara.AlHarbi@Example.COM '] },
      { name: 'phone_number', values: ['0551234567'] },
      { name: 'city', values: ['الرياض'] },
      { name: 'which_unit_type?', values: ['Villa'] },
      { name: 'budget', values: ['2M', '3M'] },
    ];
    stack.simulator.addMetaLead(sim.lead, sim.form);

    const body = metaDelivery([sim.change]);
    const res = await stack.sender.meta(body);
    expect(res).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });

    const lead = await waitFor(() => stack.prisma.lead.findUnique({ where: { platform_platformLeadId: { platform: 'meta', platformLeadId: sim.lead.id } } }), Boolean, { what: 'the Meta lead' });
    const detail = await call(stack, 'GET', `/crm/leads/${lead!.id}`, { headers: stack.auth });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      platform: 'meta',
      platformLeadId: sim.lead.id,
      status: 'new',
      contact: { fullName: 'سارة الحربي', firstName: 'سارة', lastName: 'الحربي', phone: '+966551234567', email: 'sara.alharbi@example.com', city: 'الرياض', country: 'SA' },
      source: {
        campaignId: sim.lead.campaign_id,
        campaignName: sim.lead.campaign_name,
        adsetId: sim.lead.adset_id,
        adsetName: sim.lead.adset_name,
        adId: sim.lead.ad_id,
        adName: sim.lead.ad_name,
        formId: sim.form.id,
        formName: 'Villa enquiry',
        pageId: sim.change.page_id,
        channel: 'instagram',
        isOrganic: false,
      },
    });
    expect(detail.body.answers).toEqual([
      { key: 'full_name', label: 'Full name', value: 'سارة   الحربي' },
      { key: 'email', label: 'Email', value: 'Sara.AlHarbi@Example.COM' },
      { key: 'phone_number', label: 'Phone number', value: '0551234567' },
      { key: 'city', label: 'City', value: 'الرياض' },
      { key: 'which_unit_type?', label: 'Which unit type?', value: 'Villa' },
      { key: 'budget', value: '2M, 3M' },
    ]);
    expect(detail.body.submittedAt).toBe(new Date(sim.change.created_time * 1000).toISOString());
    expect(detail.body.timeline.map((e: { type: string }) => e.type).slice(0, 2)).toEqual(['received', 'normalized']);

    const delivery = await stack.prisma.webhookDelivery.findFirstOrThrow({ where: { events: { some: { externalId: sim.lead.id } } } });
    expect(delivery.rawBody).toBe(JSON.stringify(body)); // the exact bytes Meta signed
    expect(delivery.headers).toMatchObject({ 'x-hub-signature-256': expect.stringMatching(/^sha256=/) });
  });

  it('turns each leadgen change of a batched delivery into one lead and ignores other fields', async () => {
    const leads = [fakeMetaLead(), fakeMetaLead(), fakeMetaLead()];
    for (const l of leads) stack.simulator.addMetaLead(l.lead, l.form);
    const body = {
      object: 'page',
      entry: [
        { id: '1', time: 1717000000, changes: [{ field: 'leadgen', value: leads[0]!.change }, { field: 'feed', value: { item: 'status' } }] },
        { id: '2', time: 1717000001, changes: [{ field: 'leadgen', value: leads[1]!.change }, { field: 'leadgen', value: { ...leads[2]!.change, leadgen_id: Number(leads[2]!.change.leadgen_id.slice(0, 15)) } }] },
      ],
    };
    stack.simulator.addMetaLead({ ...leads[2]!.lead, id: leads[2]!.change.leadgen_id.slice(0, 15) }, leads[2]!.form);

    const res = await stack.sender.meta(body);
    expect(res).toEqual({ status: 200, body: { accepted: 3, duplicates: 0 } });
    const ids = [leads[0]!.lead.id, leads[1]!.lead.id, leads[2]!.change.leadgen_id.slice(0, 15)];
    await waitFor(() => stack.prisma.lead.count({ where: { platformLeadId: { in: ids } } }), (n) => n === 3, { what: 'three batched leads' });
  });

  it('answers a redelivery 200 and still keeps one delivery, one event and one lead', async () => {
    const sim = fakeMetaLead();
    stack.simulator.addMetaLead(sim.lead, sim.form);
    const body = metaDelivery([sim.change]);
    expect((await stack.sender.meta(body)).body).toEqual({ accepted: 1, duplicates: 0 });
    await waitFor(() => stack.prisma.lead.count({ where: { platformLeadId: sim.lead.id } }), (n) => n === 1, { what: 'the lead' });
    const before = await counts();

    // Meta retries the same bytes for up to 36 h, and may re-batch the same change elsewhere.
    expect(await stack.sender.meta(body)).toEqual({ status: 200, body: { accepted: 0, duplicates: 1 } });
    expect(await stack.sender.meta(body)).toEqual({ status: 200, body: { accepted: 0, duplicates: 1 } });
    const rebatched = metaDelivery([sim.change, sim.change]);
    expect(await stack.sender.meta(rebatched)).toEqual({ status: 200, body: { accepted: 0, duplicates: 2 } });

    const after = await counts();
    expect(after.events).toBe(before.events);
    expect(after.leads).toBe(before.leads);
    expect(after.deliveries).toBe(before.deliveries + 1); // the re-batched body is a different delivery
    const delivery = await stack.prisma.webhookDelivery.findFirstOrThrow({ where: { events: { some: { externalId: sim.lead.id } } }, orderBy: { receivedAt: 'asc' } });
    expect(delivery.redeliveryCount).toBe(2);
    expect(await stack.prisma.outboxMessage.count({ where: { jobId: { contains: (await stack.prisma.inboundEvent.findFirstOrThrow({ where: { externalId: sim.lead.id } })).id } } })).toBe(1);
    expect(stack.simulator.calls.meta).toBeGreaterThan(0);
  });

  it('keeps one of each when the same lead arrives in several deliveries at the same moment (written together)', async () => {
    const sim = fakeMetaLead();
    stack.simulator.addMetaLead(sim.lead, sim.form);
    const body = metaDelivery([sim.change]);
    const other = fakeMetaLead();
    stack.simulator.addMetaLead(other.lead, other.form);
    // Concurrent deliveries share one statement: the same bytes twice, a re-batch, and another lead.
    const answers = await Promise.all([stack.sender.meta(body), stack.sender.meta(body), stack.sender.meta(metaDelivery([sim.change, other.change])), stack.sender.meta(metaDelivery([other.change]))]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const acks = answers.map((a) => a.body as { accepted: number; duplicates: number });
    expect(acks.reduce((n, a) => n + a.accepted, 0)).toBe(2);
    expect(acks.reduce((n, a) => n + a.duplicates, 0)).toBe(3);
    expect(await stack.prisma.inboundEvent.count({ where: { externalId: { in: [sim.lead.id, other.lead.id] } } })).toBe(2);
    await waitFor(() => stack.prisma.lead.count({ where: { platformLeadId: { in: [sim.lead.id, other.lead.id] } } }), (n) => n === 2, { what: 'the two leads' });
  });

  it('refuses a forged or missing signature and stores nothing', async () => {
    const before = await counts();
    const raw = JSON.stringify(metaDelivery([fakeMetaLead().change]));
    const forged = await postRaw(raw, { 'x-hub-signature-256': metaSignatureHeader(raw, 'not-the-app-secret') });
    expect(forged.status).toBe(403);
    expect(forged.body.message).toMatch(/X-Hub-Signature-256 does not match/);
    // Signed correctly, then altered by one byte on the way.
    const tampered = await postRaw(raw.replace('leadgen', 'leadgeN'), { 'x-hub-signature-256': metaSignatureHeader(raw, TEST_SECRETS.META_APP_SECRET) });
    expect(tampered.status).toBe(403);
    const missing = await postRaw(raw, {});
    expect(missing.status).toBe(401);
    expect(missing.body.message).toMatch(/X-Hub-Signature-256 is missing/);
    const garbage = await postRaw(raw, { 'x-hub-signature-256': 'sha1=abc' });
    expect(garbage.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('answers a malformed body with 400 naming the problem, never 500, and stores nothing', async () => {
    const before = await counts();
    const signed = (raw: string) => postRaw(raw, { 'x-hub-signature-256': metaSignatureHeader(raw, TEST_SECRETS.META_APP_SECRET) });
    const noLeadId = await signed(JSON.stringify({ object: 'page', entry: [{ id: '1', changes: [{ field: 'leadgen', value: { form_id: '1' } }] }] }));
    expect(noLeadId.status).toBe(400);
    expect(noLeadId.body.message).toBe('malformed payload: entry[0].changes[0].value.leadgen_id must be a non-empty string or integer id');
    expect((await signed(JSON.stringify({ object: 'page', entry: 'nope' }))).status).toBe(400);
    expect((await signed(JSON.stringify([1, 2]))).status).toBe(400);
    expect((await signed('null')).status).toBe(400);
    expect((await signed('{"object": "page", "entry": [')).status).toBe(400);
    expect(await counts()).toEqual(before);
  });
});
