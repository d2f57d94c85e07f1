import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { fakeSnapchatLead } from '@leadflow/simulators';
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../../apps/api/src/bootstrap/create-api-app.js';
import { TokenService } from '../../apps/api/src/auth/token.service.js';
import { branch, create, employee, signedIn, team } from '../support/organisation.js';
import { SseReader } from '../support/sse.js';
import { call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
/** A second API instance on the same database and Redis: browsers connected to either see everything. */
let second: NestFastifyApplication;
let secondUrl: string;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};
const open: SseReader[] = [];

async function newLead(name: string) {
  const payload = { ...fakeSnapchatLead(), first_name: name, last_name: 'Test' };
  await stack.sender.snapchat(payload);
  return (await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: payload.lead_id } }), Boolean, { what: `lead ${name}` }))!;
}

async function stream(baseUrl: string, token: string, headers: Record<string, string> = {}) {
  const reader = await SseReader.open(`${baseUrl}/crm/events?access_token=${encodeURIComponent(token)}`, headers);
  open.push(reader);
  return reader;
}

const tokenOf = (header: Record<string, string>) => header.authorization!.replace('Bearer ', '');

beforeAll(async () => {
  // Streams re-check their credential on each keep-alive: every second here.
  stack = await startStack({ env: { SSE_HEARTBEAT_SECONDS: '1' } });
  second = await createApiApp(stack.loaded);
  await second.listen({ port: 0, host: '127.0.0.1' });
  secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as AddressInfo).port}`;

  const riyadh = await branch(stack, 'Riyadh');
  const villas = await team(stack, riyadh.id, 'Villas');
  ids.villas = villas.id;
  ids.sara = (await employee(stack, villas.id, 'Sara')).id;
  ids.omar = (await employee(stack, villas.id, 'Omar')).id;
  tokens.sara = tokenOf(await signedIn(stack, { role: 'agent', employeeId: ids.sara }));
  tokens.omar = tokenOf(await signedIn(stack, { role: 'agent', employeeId: ids.omar }));
  tokens.manager = tokenOf(await signedIn(stack, { role: 'manager', branchId: riyadh.id }));
  await create(stack, '/crm/automations', {
    name: 'Tell the owner',
    trigger: 'lead.assigned',
    actions: [{ key: 'tell-owner', type: 'notify.user', params: { to: 'assignee', category: 'lead_assigned', title: 'New lead: {{lead.fullName}}' } }],
  });
});
afterAll(async () => {
  for (const reader of open) reader.close();
  await second?.close();
  await stack?.stop();
});

describe('GET /crm/events', () => {
  it('needs a token', async () => {
    expect((await SseReader.open(`${stack.apiUrl}/crm/events`)).status).toBe(401);
    expect((await SseReader.open(`${stack.apiUrl}/crm/events?access_token=forged`)).status).toBe(401);
  });

  it('pushes lead changes and notifications to whoever may see them, from any API instance', async () => {
    const sara = await stream(secondUrl, tokens.sara!);
    const omar = await stream(stack.apiUrl, tokens.omar!);
    const manager = await stream(secondUrl, tokens.manager!);
    const lead = await newLead('Layla');
    // The change is made through the first instance; Sara is connected to the second.
    expect((await call(stack, 'POST', `/crm/leads/${lead.id}/assign`, { headers: stack.auth, body: { employeeId: ids.sara } })).status).toBe(200);

    const assigned = await sara.next((e) => e.event === 'lead.assigned' && e.data.leadId === lead.id, 'lead.assigned');
    expect(assigned.id).toMatch(/^\d+-\d+$/);
    expect(assigned.data).toMatchObject({ kind: 'lead.assigned', leadId: lead.id, payload: { assigneeId: ids.sara, status: 'new' } });
    const notification = await sara.next((e) => e.event === 'notification', 'notification');
    expect(notification.data.payload).toMatchObject({ category: 'lead_assigned', title: 'New lead: Layla Test', leadId: lead.id });
    await manager.next((e) => e.event === 'lead.assigned' && e.data.leadId === lead.id, "the manager's copy");

    // Omar sees his own lead's events but never Sara's lead or her notification.
    const his = await newLead('Fahad');
    await call(stack, 'POST', `/crm/leads/${his.id}/assign`, { headers: stack.auth, body: { employeeId: ids.omar } });
    await omar.next((e) => e.event === 'notification' && e.data.payload.leadId === his.id, "Omar's notification");
    expect(omar.events.filter((e) => e.data.leadId === lead.id || e.data.payload?.leadId === lead.id)).toEqual([]);

    // Every browser receives each event once, in stream order.
    const saraIds = sara.events.map((e) => e.id);
    expect(new Set(saraIds).size).toBe(saraIds.length);
  });

  it('resumes after Last-Event-ID with exactly what was missed, in order', async () => {
    const lead = await newLead('Mona');
    const first = await stream(stack.apiUrl, tokens.sara!);
    await call(stack, 'POST', `/crm/leads/${lead.id}/assign`, { headers: stack.auth, body: { employeeId: ids.sara } });
    const seen = await first.next((e) => e.event === 'lead.assigned' && e.data.leadId === lead.id, 'lead.assigned');
    first.close();

    // While the browser is away: a status change and a note.
    const auth = { authorization: `Bearer ${tokens.sara}` };
    expect((await call(stack, 'PATCH', `/crm/leads/${lead.id}/status`, { headers: auth, body: { status: 'contacted' } })).status).toBe(200);
    expect((await call(stack, 'POST', `/crm/leads/${lead.id}/notes`, { headers: auth, body: { body: 'called, will visit Sunday' } })).status).toBe(201);

    const resumed = await stream(secondUrl, tokens.sara!, { 'last-event-id': seen.id! });
    await resumed.next((e) => e.event === 'lead.note', 'the missed note');
    const kinds = resumed.events.filter((e) => e.data.leadId === lead.id).map((e) => e.event);
    expect(kinds).toEqual(expect.arrayContaining(['lead.status_changed', 'lead.note']));
    expect(kinds.indexOf('lead.status_changed')).toBeLessThan(kinds.indexOf('lead.note'));
    // Nothing at or before the resume point comes again, and nothing twice.
    expect(resumed.events.map((e) => e.id)).not.toContain(seen.id);
    const resumedIds = resumed.events.map((e) => e.id!);
    expect(new Set(resumedIds).size).toBe(resumedIds.length);
    expect(resumedIds).toEqual([...resumedIds].sort(byPosition));

    // And it stays live after the catch-up.
    await call(stack, 'PATCH', `/crm/leads/${lead.id}/status`, { headers: auth, body: { status: 'qualified' } });
    await resumed.next((e) => e.event === 'lead.status_changed' && e.data.payload.status === 'qualified', 'the live status change');
  });

  it('loses no event however the writing transactions interleave', async () => {
    const reader = await stream(stack.apiUrl, tokens.manager!);
    const leads = await Promise.all(['A', 'B', 'C', 'D', 'E', 'F'].map((n) => newLead(`Burst${n}`)));
    await Promise.all(leads.map((lead, i) => call(stack, 'POST', `/crm/leads/${lead.id}/assign`, { headers: stack.auth, body: { employeeId: i % 2 ? ids.sara : ids.omar } })));
    const expected = new Set(await stack.prisma.leadEvent.findMany({ where: { leadId: { in: leads.map((l) => l.id) }, type: 'assigned' } }).then((rows) => rows.map((r) => r.leadId)));
    expect(expected.size).toBe(6);
    await waitFor(
      async () => new Set(reader.events.filter((e) => e.event === 'lead.assigned').map((e) => e.data.leadId as string)),
      (got) => [...expected].every((id) => got.has(id)),
      { what: 'every assignment on the stream' },
    );
    const positions = reader.events.map((e) => e.id!);
    expect(positions).toEqual([...positions].sort(byPosition));
  });
});

describe('a stream outliving its credential', () => {
  it('ends when the user is deactivated, and follows a change of whose leads they see', async () => {
    const huda = (await employee(stack, ids.villas!, 'Huda')).id;
    const layla = (await employee(stack, ids.villas!, 'Layla')).id;
    const email = `stream-${Date.now()}@test.leadflow`;
    const token = tokenOf(await signedIn(stack, { role: 'agent', employeeId: huda, email }));
    const user = (await call(stack, 'GET', '/crm/users', { headers: stack.auth })).body.find((u: { email: string }) => u.email === email);
    const reader = await stream(stack.apiUrl, token);

    // Re-linked to Layla: after the next check, Layla's leads reach this stream.
    expect((await call(stack, 'PATCH', `/crm/users/${user.id}`, { headers: stack.auth, body: { employeeId: layla } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const lead = await newLead('Relinked');
    await call(stack, 'POST', `/crm/leads/${lead.id}/assign`, { headers: stack.auth, body: { employeeId: layla } });
    await reader.next((e) => e.event === 'lead.assigned' && e.data.leadId === lead.id, "Layla's lead after the re-link");

    expect((await call(stack, 'PATCH', `/crm/users/${user.id}`, { headers: stack.auth, body: { active: false } })).status).toBe(200);
    await reader.next((e) => e.event === 'unauthorized', 'the end of the stream');
    await waitFor(async () => reader.closed, Boolean, { what: 'the stream to close' });
    expect((await SseReader.open(`${stack.apiUrl}/crm/events?access_token=${encodeURIComponent(token)}`)).status).toBe(401);
  });

  it('ends when its login token expires', async () => {
    const manager = (await call(stack, 'GET', '/crm/users', { headers: stack.auth })).body.find((u: { role: string }) => u.role === 'manager');
    const config = stack.loaded.config;
    const shortLived = await new TokenService({ ...config, auth: { ...config.auth, jwtTtlMinutes: 0.05 } }).sign(manager.id, 'manager'); // 3 s
    const reader = await stream(stack.apiUrl, shortLived);
    expect(reader.status).toBe(200);
    await reader.next((e) => e.event === 'unauthorized', 'the end of the stream', 8_000);
  });
});

/** Stream order: `<tx>-<id>` compared as numbers, transaction first. */
function byPosition(a: string, b: string): number {
  const [ta, ia] = a.split('-').map(BigInt);
  const [tb, ib] = b.split('-').map(BigInt);
  return ta! !== tb! ? (ta! < tb! ? -1 : 1) : ia! < ib! ? -1 : ia! > ib! ? 1 : 0;
}
