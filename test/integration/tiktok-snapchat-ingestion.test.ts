import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { snapchatSignatureHeaders } from '@leadflow/integration-snapchat';
import { fakeSnapchatLead, fakeTikTokLead } from '@leadflow/simulators';
import { TEST_SECRETS, call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const stored = async () => ({ deliveries: await stack.prisma.webhookDelivery.count(), events: await stack.prisma.inboundEvent.count() });
const leadOf = (platform: 'tiktok' | 'snapchat', platformLeadId: string) =>
  waitFor(() => stack.prisma.lead.findUnique({ where: { platform_platformLeadId: { platform, platformLeadId } } }), Boolean, { what: `${platform} lead ${platformLeadId}` });

describe('TikTok lead webhook', () => {
  it('re-reads the lead from the Business API and stores it normalized', async () => {
    const sim = fakeTikTokLead();
    sim.lead.field_data = [
      { name: 'name', label: 'Name', value: 'Khalid Al Shamsi' },
      { name: 'phone_number', label: 'Phone number', value: '971551112233' },
      { name: 'email', value: 'KHALID@example.ae' },
    ];
    stack.simulator.addTikTokLead(sim.advertiserId, sim.lead);
    const before = stack.simulator.calls.tiktok;
    expect(await stack.sender.tiktok(sim.notification)).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });

    const row = await leadOf('tiktok', sim.lead.lead_id);
    const lead = (await call(stack, 'GET', `/crm/leads/${row!.id}`, { headers: stack.auth })).body;
    expect(lead).toMatchObject({
      platform: 'tiktok',
      contact: { fullName: 'Khalid Al Shamsi', firstName: 'Khalid', lastName: 'Al Shamsi', phone: '+971551112233', email: 'khalid@example.ae', country: 'AE' },
      source: { campaignId: sim.lead.campaign_id, adsetId: sim.lead.adgroup_id, formId: sim.lead.page_id, formName: sim.lead.page_name, advertiserId: sim.advertiserId },
    });
    expect(stack.simulator.calls.tiktok).toBe(before + 1);
    const event = await stack.prisma.inboundEvent.findFirstOrThrow({ where: { leadId: row!.id } });
    expect(event.externalId).toBe(`${sim.advertiserId}:${sim.lead.lead_id}`);

    // TikTok redelivers: same lead, nothing new.
    expect(await stack.sender.tiktok(sim.notification)).toEqual({ status: 200, body: { accepted: 0, duplicates: 1 } });
  });

  it('needs the callback token: 401 without it, 403 when wrong, nothing stored', async () => {
    const before = await stored();
    const body = JSON.stringify(fakeTikTokLead().notification);
    const post = (query: string) => fetch(`${stack.apiUrl}/webhooks/tiktok${query}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect((await post('')).status).toBe(401);
    expect((await post('?token=guess')).status).toBe(403);
    expect((await post(`?token=${TEST_SECRETS.TIKTOK_WEBHOOK_TOKEN}x`)).status).toBe(403);
    expect(await stored()).toEqual(before);
  });

  it('answers a notification without lead_id with 400', async () => {
    const res = await stack.sender.tiktok({ advertiser_id: '7001' });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toBe('malformed payload: lead_id must be a non-empty string or integer id');
  });

  it('dead-letters a lead whose token TikTok refuses (non-zero code at HTTP 200), then a replay recovers it', async () => {
    const sim = fakeTikTokLead();
    stack.simulator.addTikTokLead(sim.advertiserId, sim.lead);
    stack.simulator.failNext('tiktok', 'auth', 1);
    await stack.sender.tiktok(sim.notification);
    const externalId = `${sim.advertiserId}:${sim.lead.lead_id}`;
    const dead = await waitFor(() => stack.prisma.inboundEvent.findFirst({ where: { externalId } }), (e) => e?.status === 'dead_lettered', { what: 'a dead letter' });
    // An auth failure needs a person (a new token), not eight more retries.
    expect(dead!.attempts).toBe(1);
    expect(dead!.lastError).toMatch(/tiktok-business AUTH: Access token is incorrect or has been revoked/);

    const replay = await call(stack, 'POST', `/crm/inbound-events/${dead!.id}/replay`, { headers: stack.auth });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ id: dead!.id, status: 'received', replayCount: 1 });
    await leadOf('tiktok', sim.lead.lead_id);
  });
});

describe('Snapchat lead webhook', () => {
  async function postSigned(body: unknown, { secret = TEST_SECRETS.SNAPCHAT_HMAC_SECRET, nowMs = Date.now(), t }: { secret?: string; nowMs?: number; t?: string } = {}) {
    const raw = JSON.stringify(body);
    const headers = snapchatSignatureHeaders(raw, secret, nowMs);
    const res = await fetch(`${stack.apiUrl}/webhooks/snapchat`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...headers, ...(t ? { t } : {}) } });
    return { status: res.status, body: (await res.json()) as { message?: string; accepted?: number } };
  }

  it('verifies the signature and stores the flat lead it carries (no fetch needed)', async () => {
    const payload = { ...fakeSnapchatLead(), first_name: 'ريم', last_name: 'الدوسري', phone_number: '00966561239876', email: 'REEM@example.com' };
    expect(await stack.sender.snapchat(payload)).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    const row = await leadOf('snapchat', payload.lead_id);
    const lead = (await call(stack, 'GET', `/crm/leads/${row!.id}`, { headers: stack.auth })).body;
    expect(lead).toMatchObject({
      contact: { fullName: 'ريم الدوسري', firstName: 'ريم', lastName: 'الدوسري', phone: '+966561239876', email: 'reem@example.com' },
      source: { campaignName: payload.campaign_name, adsetName: payload.ad_squad_name, formId: payload.form_id, formName: payload.form_name, advertiserId: payload.ad_account_id },
      submittedAt: new Date(Number(payload.create_time)).toISOString(),
    });
    expect(lead.answers).toContainEqual({ key: 'custom_field_1', value: payload.custom_field_1 });
  });

  it('accepts a millisecond timestamp', async () => {
    const payload = fakeSnapchatLead();
    const raw = JSON.stringify(payload);
    const ms = String(Date.now());
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', TEST_SECRETS.SNAPCHAT_HMAC_SECRET).update(`${ms}.${raw}`).digest('hex');
    const res = await fetch(`${stack.apiUrl}/webhooks/snapchat`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', signature, t: ms } });
    expect(res.status).toBe(200);
  });

  it('refuses forged, unsigned and stale deliveries and stores nothing', async () => {
    const before = await stored();
    const payload = fakeSnapchatLead();
    const forged = await postSigned(payload, { secret: 'guessed' });
    expect(forged.status).toBe(403);
    const stale = await postSigned(payload, { nowMs: Date.now() - 10 * 60_000 });
    expect(stale.status).toBe(401);
    expect(stale.body.message).toMatch(/timestamp is too old/);
    const unsigned = await fetch(`${stack.apiUrl}/webhooks/snapchat`, { method: 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    expect(await stored()).toEqual(before);
  });

  it('verifies with a per-form secret once one is stored', async () => {
    const payload = { ...fakeSnapchatLead(), form_id: 'form-with-own-secret' };
    expect((await postSigned(payload, { secret: 'form-own-secret-123' })).status).toBe(403);
    const put = await call(stack, 'PUT', '/crm/integrations/snapchat/forms/form-with-own-secret/secret', { headers: stack.auth, body: { hmacSecret: 'form-own-secret-123' } });
    expect(put.status).toBe(204);
    expect((await postSigned(payload, { secret: 'form-own-secret-123' })).status).toBe(200);
    const list = await call(stack, 'GET', '/crm/integrations/snapchat/forms', { headers: stack.auth });
    expect(list.body).toEqual([{ formId: 'form-with-own-secret', updatedAt: expect.any(String) }]);
    expect(JSON.stringify(list.body)).not.toContain('form-own-secret-123');
    expect((await call(stack, 'PUT', '/crm/integrations/snapchat/forms/x/secret', { headers: stack.auth, body: { hmacSecret: 1 } })).status).toBe(400);
  });

  it('stores a lead whose answers carry NUL characters (Postgres cannot), without them', async () => {
    const payload = { ...fakeSnapchatLead(), first_name: 'Sa\u0000ra', custom_field_2: 'a\u0000b' };
    expect((await postSigned(payload)).status).toBe(200);
    const row = await leadOf('snapchat', payload.lead_id);
    expect(row!.firstName).toBe('Sara');
    expect(row!.answers).toContainEqual({ key: 'custom_field_2', value: 'ab' });
    const delivery = await stack.prisma.webhookDelivery.findFirstOrThrow({ where: { events: { some: { externalId: payload.lead_id } } } });
    expect(delivery.rawBody).toBe(JSON.stringify(payload)); // still the exact bytes that were signed
  });

  it('answers a body without lead_id with 400', async () => {
    const res = await postSigned({ first_name: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('malformed payload: lead_id must be a non-empty string or integer id');
  });
});
