import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fakeMetaLead, fakeSnapchatLead, metaDelivery } from '@leadflow/simulators';
import { call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
const snapIds: string[] = [];
let metaLeadId: string;

beforeAll(async () => {
  stack = await startStack();
  const people = [
    { first_name: 'سارة', last_name: 'الحربي', phone_number: '0551234567', email: 'sara@example.com' },
    { first_name: 'Mohammed', last_name: 'Al-Qahtani', phone_number: '0509876543', email: 'mq@example.com' },
    { first_name: 'نورة', last_name: 'العتيبي', phone_number: '0503334455', email: 'noura@example.sa' },
  ];
  for (const person of people) {
    const lead = { ...fakeSnapchatLead(), ...person, campaign_id: 'camp-A' };
    snapIds.push(lead.lead_id);
    await stack.sender.snapchat(lead);
  }
  const meta = fakeMetaLead();
  meta.lead.campaign_id = 'camp-B';
  meta.lead.field_data = [
    { name: 'full_name', values: ['Khalid Al Shamsi'] },
    { name: 'phone_number', values: ['+971551112233'] },
  ];
  stack.simulator.addMetaLead(meta.lead, meta.form);
  await stack.sender.meta(metaDelivery([meta.change]));
  metaLeadId = meta.lead.id;
  await waitFor(() => stack.prisma.lead.count(), (n) => n === 4, { what: 'four leads' });
});
afterAll(async () => {
  await stack?.stop();
});

const leads = (query: string) => call(stack, 'GET', `/crm/leads${query}`, { headers: stack.auth });

describe('authentication', () => {
  it('requires the API key on /crm/*', async () => {
    const missing = await call(stack, 'GET', '/crm/leads');
    expect(missing.status).toBe(401);
    expect(missing.body.message).toBe('Authorization: Bearer <token or api key> is required');
    expect((await call(stack, 'GET', '/crm/leads', { headers: { authorization: 'Bearer wrong-key' } })).status).toBe(401);
    expect((await call(stack, 'GET', '/crm/inbound-events', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });
});

describe('GET /crm/leads', () => {
  it('lists leads newest first', async () => {
    const res = await leads('');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(4);
    expect(res.body.nextCursor).toBeNull();
    const received = res.body.data.map((l: { receivedAt: string }) => l.receivedAt);
    expect([...received].sort().reverse()).toEqual(received);
  });

  it('filters by platform, campaign, form and received range', async () => {
    expect((await leads('?platform=meta')).body.data.map((l: { platformLeadId: string }) => l.platformLeadId)).toEqual([metaLeadId]);
    expect((await leads('?campaignId=camp-A')).body.data).toHaveLength(3);
    expect((await leads('?status=new&platform=snapchat')).body.data).toHaveLength(3);
    expect((await leads('?status=won')).body.data).toHaveLength(0);
    expect((await leads('?formId=889912345678901')).body.data).toHaveLength(1);
    expect((await leads(`?receivedFrom=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.data).toHaveLength(0);
    expect((await leads(`?receivedTo=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.data).toHaveLength(4);
  });

  it('searches names in Arabic, emails, and phones by their digits in any form', async () => {
    const names = async (q: string) => (await leads(`?q=${encodeURIComponent(q)}`)).body.data.map((l: { contact: { fullName: string } }) => l.contact.fullName);
    expect(await names('الحربي')).toEqual(['سارة الحربي']);
    expect(await names('mohammed')).toEqual(['Mohammed Al-Qahtani']);
    expect(await names('NOURA@example')).toEqual(['نورة العتيبي']);
    expect(await names('0551234567')).toEqual(['سارة الحربي']);
    expect(await names('٠٥٠٣٣٣٤٤٥٥')).toEqual(['نورة العتيبي']);
    expect(await names('+966 50 987')).toEqual(['Mohammed Al-Qahtani']);
  });

  it('pages with a cursor without skipping or repeating', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { data: { id: string }[]; nextCursor: string | null } } = await leads(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.data.map((l) => l.id));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(4);
  });

  it('answers bad queries with 400 and the reason', async () => {
    const bad = await leads('?limit=500&platform=myspace&receivedFrom=yesterday&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(
      expect.arrayContaining([
        'property colour should not exist',
        'platform must be one of the following values: meta, tiktok, snapchat, whatsapp',
        'receivedFrom must be an ISO 8601 date',
        'limit must not be greater than 200',
      ]),
    );
    const cursor = await leads('?cursor=garbage');
    expect(cursor.status).toBe(400);
    expect(cursor.body.message).toMatch(/cursor is not valid/);
  });
});

describe('GET /crm/leads/{id}', () => {
  it('returns the lead with its timeline', async () => {
    const row = await stack.prisma.lead.findFirstOrThrow({ where: { platformLeadId: snapIds[0] } });
    const res = await call(stack, 'GET', `/crm/leads/${row.id}`, { headers: stack.auth });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: row.id, platform: 'snapchat', contact: { fullName: 'سارة الحربي', phone: '+966551234567' } });
    expect(res.body.timeline.slice(0, 2)).toEqual([
      { type: 'received', actor: 'system', occurredAt: row.receivedAt.toISOString(), payload: expect.objectContaining({ platform: 'snapchat' }) },
      { type: 'normalized', actor: 'system', occurredAt: expect.any(String), payload: expect.objectContaining({ phoneValid: true, emailValid: true }) },
    ]);
  });

  it('answers 404 for an unknown lead and 400 for a malformed id', async () => {
    const missing = await call(stack, 'GET', '/crm/leads/00000000-0000-4000-8000-000000000000', { headers: stack.auth });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('lead 00000000-0000-4000-8000-000000000000 does not exist');
    expect((await call(stack, 'GET', '/crm/leads/42', { headers: stack.auth })).status).toBe(400);
  });
});

describe('health and docs', () => {
  it('reports Postgres and Redis', async () => {
    expect(await call(stack, 'GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call(stack, 'GET', '/health/ready')).toMatchObject({ status: 200, body: { status: 'ok', postgres: 'up', redis: 'up', migrations: 'applied' } });
  });

  it('serves Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
    const ui = await fetch(`${stack.apiUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const doc = (await call(stack, 'GET', '/docs-json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/webhooks/meta',
        '/webhooks/tiktok',
        '/webhooks/snapchat',
        '/crm/leads',
        '/crm/leads/{id}',
        '/crm/inbound-events/{id}/replay',
        '/health',
      ]),
    );
    expect(Object.keys(doc.paths['/webhooks/meta'].post.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '503']));
    expect(doc.components.schemas.LeadDto.properties.contact).toBeDefined();
    expect(doc.paths['/webhooks/meta'].post.requestBody.content['application/json'].schema.example.object).toBe('page');
  });
});
