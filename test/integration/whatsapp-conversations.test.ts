import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { branch, create, employee, rule, signedIn, team } from '../support/organisation.js';
import { TEST_CONNECTORS, call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
let agent: Record<string, string>;
const AD = { id: '23851000000000777', name: 'Villa tour – WhatsApp', adset: { id: '23851000000000770', name: 'Riyadh 25-45' }, campaign: { id: '23851000000000700', name: 'Click to WhatsApp – villas' } };

beforeAll(async () => {
  stack = await startStack();
  const hq = await branch(stack, 'HQ');
  const desk = await team(stack, hq.id, 'Desk', { odooTeamId: 1 });
  const sara = await employee(stack, desk.id, 'Sara', { odooUserId: 3 });
  await rule(stack, { name: 'All', isDefault: true, teamId: desk.id });
  agent = await signedIn(stack, { role: 'agent', employeeId: sara.id });
  await create(stack, '/crm/automations', {
    name: 'New WhatsApp conversation into Odoo',
    trigger: 'lead.created',
    conditions: [{ field: 'platform', op: 'equals', value: 'whatsapp' }],
    actions: [{ key: 'odoo-lead', type: 'odoo.sync_lead', params: {} }],
  });
  stack.simulator.addMetaAd(AD);
});
afterAll(async () => {
  await stack?.stop();
});

const leadsFrom = (phone: string) => stack.prisma.lead.findMany({ where: { phone }, orderBy: { receivedAt: 'asc' } });
const conversation = async (leadId: string, headers = agent) => (await call(stack, 'GET', `/crm/leads/${leadId}/whatsapp`, { headers })).body;
const reply = (leadId: string, body: Record<string, unknown>, headers = agent) => call(stack, 'POST', `/crm/leads/${leadId}/whatsapp`, { headers, body });

describe('WhatsApp messages become leads', () => {
  it('turns a first message from a new number into a lead attributed to its click-to-WhatsApp ad', async () => {
    stack.odoo.failNext('http-500', 2); // Odoo is having a bad minute: the Odoo lead is retried
    const { wamid, status } = await stack.simulator.customerSends({
      from: '966501112233',
      name: 'ليلى الحربي',
      text: 'السلام عليكم، كم سعر الفيلا؟',
      referral: { source_type: 'ad', source_id: AD.id, source_url: 'https://fb.me/villa', headline: 'Villas in north Riyadh', ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ' },
    });
    expect(status).toBe(200);
    const [lead] = await waitFor(() => leadsFrom('+966501112233'), (l) => l.length === 1 && l[0]!.routingState === 'assigned', { what: 'the WhatsApp lead' });
    expect(lead).toMatchObject({ platform: 'whatsapp', platformLeadId: wamid, fullName: 'ليلى الحربي', language: 'ar', adId: AD.id, adName: AD.name, adsetName: AD.adset.name, campaignId: AD.campaign.id, campaignName: AD.campaign.name });
    expect(lead!.answers).toEqual(expect.arrayContaining([{ key: 'first_message', label: 'First message', value: 'السلام عليكم، كم سعر الفيلا؟' }, { key: 'ctwa_clid', label: 'Click id', value: 'ARAkLkA8rmlFeiCktEJQ' }]));

    const talk = await conversation(lead!.id);
    expect(talk).toMatchObject({ windowOpen: true, optedOut: false, allowed: ['text', 'template'] });
    expect(talk.messages).toEqual([expect.objectContaining({ wamid, direction: 'inbound', type: 'text', body: 'السلام عليكم، كم سعر الفيلا؟', status: 'received' })]);

    // Its Odoo lead comes through the usual action, retried with backoff.
    const run = await waitFor(() => stack.prisma.actionRun.findFirst({ where: { leadId: lead!.id, actionKey: 'odoo-lead' } }), (r) => r?.status === 'done', { what: 'the Odoo lead' });
    expect(run!.attempts).toBe(3);
    expect(stack.odoo.records('crm.lead').filter((r) => String(r.description).includes(lead!.id))).toHaveLength(1);
  });

  it('tells admins when the Odoo lead of a conversation finally fails, after every retry', async () => {
    const admin = await signedIn(stack, { role: 'admin' });
    stack.odoo.failNext('http-500', 100);
    await stack.simulator.customerSends({ from: '966502223344', name: 'Noura', text: 'Hello' });
    const [lead] = await waitFor(() => leadsFrom('+966502223344'), (l) => l.length === 1, { what: 'the WhatsApp lead' });
    const run = await waitFor(() => stack.prisma.actionRun.findFirst({ where: { leadId: lead!.id, actionKey: 'odoo-lead' } }), (r) => r?.status === 'dead', { timeoutMs: 20_000, what: 'the Odoo lead to fail for good' });
    stack.odoo.failNext('http-500', 0);
    expect(run).toMatchObject({ attempts: run!.maxAttempts });
    expect(run!.maxAttempts).toBeGreaterThanOrEqual(3);
    const { data } = (await call(stack, 'GET', '/crm/notifications', { headers: admin })).body;
    expect(data).toEqual(expect.arrayContaining([expect.objectContaining({ category: 'action_failed', title: 'odoo.sync_lead failed for Noura', leadId: lead!.id })]));
  });

  it('adds a known person\'s messages to their open lead instead of creating another, media and replies included', async () => {
    const [lead] = await leadsFrom('+966501112233');
    await stack.simulator.customerSends({ from: '966501112233', name: 'ليلى الحربي', type: 'image', media: { id: 'media-1', mime_type: 'image/jpeg', caption: 'this one', sha256: 'abc' } });
    await stack.simulator.customerSends({ from: '966501112233', location: { latitude: 24.7136, longitude: 46.6753, name: 'Riyadh Park' } });
    await stack.simulator.customerSends({ from: '966501112233', interactive: { type: 'button_reply', button_reply: { id: 'CALL_ME', title: 'Call me' } } });
    const talk = await waitFor(() => conversation(lead!.id), (c) => c.messages.length === 4, { what: 'four messages on the lead' });
    // Separate deliveries within one second: WhatsApp does not promise their order, nor do we.
    const later = talk.messages.slice(1).map((m: { type: string; body?: string; media?: object }) => [m.type, m.body ?? null, m.media ?? null]);
    expect(later).toHaveLength(3);
    expect(later).toEqual(
      expect.arrayContaining([
        ['image', 'this one', { id: 'media-1', mimeType: 'image/jpeg', caption: 'this one', sha256: 'abc' }],
        ['location', null, { location: { latitude: 24.7136, longitude: 46.6753, name: 'Riyadh Park' } }],
        ['interactive', 'Call me', null],
      ]),
    );
    expect(await leadsFrom('+966501112233')).toHaveLength(1);
    const timeline = await stack.prisma.leadEvent.findMany({ where: { leadId: lead!.id, type: 'message_received' }, orderBy: { id: 'asc' } });
    const texts = timeline.map((e) => (e.payload as { text: string }).text);
    expect(texts[0]).toBe('السلام عليكم، كم سعر الفيلا؟');
    expect([...texts.slice(1)].sort()).toEqual(['Call me', 'this one', '[location] Riyadh Park'].sort());
    expect((timeline.find((e) => (e.payload as { text: string }).text === 'Call me')!.payload as { payload: string }).payload).toBe('CALL_ME');
  });

  it('lets an agent reply with free text inside the 24-hour window', async () => {
    const [lead] = await leadsFrom('+966501112233');
    const sent = await reply(lead!.id, { text: 'أهلاً ليلى، سأتصل بك خلال دقائق' });
    expect(sent.status).toBe(201);
    expect(stack.simulator.whatsappMessages.find((m) => m.wamid === sent.body.wamid)).toMatchObject({ to: '966501112233', type: 'text', text: 'أهلاً ليلى، سأتصل بك خلال دقائق' });
    await stack.simulator.postStatuses({ url: `${stack.apiUrl}/webhooks/whatsapp`, appSecret: TEST_CONNECTORS.WHATSAPP_APP_SECRET }, { wamid: sent.body.wamid, to: '966501112233' }, ['sent', 'delivered']);
    const talk = await waitFor(() => conversation(lead!.id), (c) => c.messages.at(-1).status === 'delivered', { what: 'the delivery status' });
    expect(talk.messages.at(-1)).toMatchObject({ direction: 'outbound', type: 'text', status: 'delivered' });
    expect(await stack.prisma.leadEvent.count({ where: { leadId: lead!.id, type: 'message_sent' } })).toBe(1);
    expect((await reply(lead!.id, {})).status).toBe(400);
  });

  it('allows only a template outside the window, and says so', async () => {
    const dayAndAHourAgo = Math.floor(Date.now() / 1000) - 25 * 3600;
    await stack.simulator.customerSends({ from: '971501234567', name: 'Omar', text: 'Interested in the Dubai flats', timestamp: dayAndAHourAgo });
    const [lead] = await waitFor(() => leadsFrom('+971501234567'), (l) => l.length === 1 && l[0]!.routingState === 'assigned', { what: 'the older conversation' });
    const talk = await conversation(lead!.id);
    expect(talk).toMatchObject({ windowOpen: false, allowed: ['template'] });
    const refused = await reply(lead!.id, { text: 'Hello again' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe("free text is allowed only within 24 hours of the person's last message; send an approved template instead");
    const template = await reply(lead!.id, { template: 'lead_welcome', language: 'en_US', params: ['Omar', 'Dubai', 'Sara'] });
    expect(template.status).toBe(201);
    expect(stack.simulator.whatsappMessages.find((m) => m.wamid === template.body.wamid)).toMatchObject({ type: 'template', template: { name: 'lead_welcome', language: 'en_US', bodyParams: ['Omar', 'Dubai', 'Sara'] } });
  });

  it('honours an opt-out: nothing more is sent to that person, by agents or automations', async () => {
    await stack.simulator.customerSends({ from: '966507654321', name: 'Hind', text: 'Hi' });
    const [lead] = await waitFor(() => leadsFrom('+966507654321'), (l) => l.length === 1 && l[0]!.routingState === 'assigned', { what: 'the lead' });
    await stack.simulator.customerSends({ from: '966507654321', text: 'إيقاف' });
    await waitFor(() => stack.prisma.contact.findFirst({ where: { phone: '+966507654321' } }), (c) => Boolean(c?.whatsappOptedOutAt), { what: 'the opt-out' });
    expect(await stack.prisma.leadEvent.count({ where: { leadId: lead!.id, type: 'whatsapp_opt_out' } })).toBe(1);
    expect(await conversation(lead!.id)).toMatchObject({ optedOut: true, allowed: [] });
    const refused = await reply(lead!.id, { text: 'Are you sure?' });
    expect(refused).toMatchObject({ status: 409, body: { message: 'this person opted out of WhatsApp messages; nothing can be sent to them' } });

    const welcome = await create(stack, '/crm/automations', { name: 'Welcome', trigger: 'lead.status_changed', actions: [{ key: 'welcome', type: 'whatsapp.send_template', params: { template: 'lead_welcome' } }] });
    const before = stack.simulator.whatsappMessages.length;
    await call(stack, 'PATCH', `/crm/leads/${lead!.id}/status`, { headers: stack.auth, body: { status: 'contacted' } });
    const run = await waitFor(() => stack.prisma.actionRun.findFirst({ where: { leadId: lead!.id, automationId: welcome.id } }), (r) => r?.status === 'done', { what: 'the skipped run' });
    expect(run!.result).toMatchObject({ skipped: 'the person opted out of WhatsApp messages' });
    expect(stack.simulator.whatsappMessages.length).toBe(before);
  });

  it('opens a new lead when the person comes back after their leads closed', async () => {
    const [first] = await leadsFrom('+971501234567');
    await call(stack, 'PATCH', `/crm/leads/${first!.id}/status`, { headers: stack.auth, body: { status: 'lost', reason: 'Not now' } });
    await stack.simulator.customerSends({ from: '971501234567', name: 'Omar', text: 'Ready to buy now' });
    const leads = await waitFor(() => leadsFrom('+971501234567'), (l) => l.length === 2, { what: 'a second lead' });
    expect(leads[1]!.duplicateOfId).toBe(first!.id);
  });

  it('hides conversations of leads an agent may not see', async () => {
    const [lead] = await leadsFrom('+966501112233');
    const omar = await employee(stack, lead!.teamId!, 'Omar');
    const other = await signedIn(stack, { role: 'agent', employeeId: omar.id });
    expect((await call(stack, 'GET', `/crm/leads/${lead!.id}/whatsapp`, { headers: other })).status).toBe(404);
  });
});
