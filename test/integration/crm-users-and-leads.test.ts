import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLeadflowClient, type Schema } from '@leadflow/api-client';
import { fakeSnapchatLead } from '@leadflow/simulators';
import { branch, create, employee, signedIn, team } from '../support/organisation.js';
import { call, startStack, TEST_SECRETS, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
const ids: Record<string, string> = {};
const as: Record<'sara' | 'omar' | 'riyadhManager' | 'jeddahAgent', Record<string, string>> = {} as never;

/** A Snapchat lead through the real webhook; resolves to the stored lead. */
async function newLead(person: Record<string, unknown> = {}) {
  const payload = { ...fakeSnapchatLead(), ...person };
  await stack.sender.snapchat(payload);
  return (await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: payload.lead_id } }), Boolean, { what: `lead ${payload.lead_id}` }))!;
}

async function assign(leadId: string, employeeId: string) {
  const res = await call(stack, 'POST', `/crm/leads/${leadId}/assign`, { headers: stack.auth, body: { employeeId } });
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  stack = await startStack();
  const riyadh = await branch(stack, 'Riyadh');
  const jeddah = await branch(stack, 'Jeddah');
  const villas = await team(stack, riyadh.id, 'Villas');
  const flats = await team(stack, jeddah.id, 'Flats');
  Object.assign(ids, { riyadh: riyadh.id, jeddah: jeddah.id });
  ids.sara = (await employee(stack, villas.id, 'سارة القحطاني')).id;
  ids.omar = (await employee(stack, villas.id, 'Omar Haddad')).id;
  ids.faisal = (await employee(stack, flats.id, 'فيصل الزهراني')).id;
  as.sara = await signedIn(stack, { role: 'agent', employeeId: ids.sara, email: 'sara@test.leadflow' });
  as.omar = await signedIn(stack, { role: 'agent', employeeId: ids.omar });
  as.riyadhManager = await signedIn(stack, { role: 'manager', branchId: ids.riyadh });
  as.jeddahAgent = await signedIn(stack, { role: 'agent', employeeId: ids.faisal });
  await create(stack, '/crm/automations', {
    name: 'Tell the owner',
    trigger: 'lead.assigned',
    actions: [{ key: 'tell-owner', type: 'notify.user', params: { to: 'assignee', category: 'lead_assigned', title: 'New lead: {{lead.fullName}}' } }],
  });

  ids.saraLead = (await newLead({ first_name: 'نورة', last_name: 'العتيبي', email: 'noura@example.sa' })).id;
  ids.omarLead = (await newLead({ first_name: 'Khalid', last_name: 'Saeed' })).id;
  ids.jeddahLead = (await newLead({ first_name: 'ريم', last_name: 'الشهري' })).id;
  await assign(ids.saraLead, ids.sara);
  await assign(ids.omarLead, ids.omar);
  await assign(ids.jeddahLead, ids.faisal);
});
afterAll(async () => {
  await stack?.stop();
});

const leadIds = async (headers: Record<string, string>, query = '') => {
  const res = await call(stack, 'GET', `/crm/leads${query}`, { headers });
  expect(res.status).toBe(200);
  return (res.body.data as { id: string }[]).map((l) => l.id).sort();
};

describe('sign-in and API keys', () => {
  it('signs in, answers who I am, and refuses wrong passwords then too many attempts with 429', async () => {
    const me = await call(stack, 'GET', '/crm/auth/me', { headers: as.sara });
    expect(me.body).toMatchObject({ email: 'sara@test.leadflow', role: 'agent', employeeId: ids.sara });
    expect(me.body.passwordHash).toBeUndefined();

    const attempt = (password: string) => call(stack, 'POST', '/crm/auth/login', { body: { email: 'Sara@test.leadflow', password } });
    for (let i = 0; i < 5; i++) expect((await attempt('not-it')).status).toBe(401);
    const limited = await attempt('a-test-password-123'); // even the right one, until the window passes
    expect(limited.status).toBe(429);
    expect(limited.body.message).toMatch(/too many failed sign-ins; try again in \d+ seconds/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(stack, 'POST', '/crm/auth/login', { body: { email: 'sara@test.leadflow' } })).status).toBe(400);
  });

  it('creates an API key shown once, stores only its hash, and revokes it', async () => {
    const created = await call(stack, 'POST', '/crm/api-keys', { headers: as.riyadhManager, body: { name: 'ops script' } });
    expect(created.status).toBe(201);
    const { key, id } = created.body;
    expect(key).toMatch(/^lfk_/);
    const stored = await stack.prisma.apiKey.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(stored)).not.toContain(key);

    const withKey = { authorization: `Bearer ${key}` };
    expect((await call(stack, 'GET', '/crm/auth/me', { headers: withKey })).body.role).toBe('manager');
    const listed = await call(stack, 'GET', '/crm/api-keys', { headers: as.riyadhManager });
    expect(listed.body.map((k: { id: string }) => k.id)).toContain(id);
    expect(JSON.stringify(listed.body)).not.toContain(key);

    expect((await call(stack, 'DELETE', `/crm/api-keys/${id}`, { headers: as.sara })).status).toBe(404); // not hers
    expect((await call(stack, 'DELETE', `/crm/api-keys/${id}`, { headers: as.riyadhManager })).status).toBe(204);
    expect((await call(stack, 'GET', '/crm/auth/me', { headers: withKey })).status).toBe(401);
  });

  it('keeps user management to admins', async () => {
    expect((await call(stack, 'GET', '/crm/users', { headers: as.riyadhManager })).status).toBe(403);
    const res = await call(stack, 'POST', '/crm/users', { headers: stack.auth, body: { email: 'x@test.leadflow', name: 'X', password: 'long-enough-pass', role: 'agent' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('an agent must be linked to an employee (employeeId)');
  });
});

describe('who sees which lead', () => {
  it('shows an agent only their own leads, a manager their branch, an admin everything', async () => {
    expect(await leadIds(as.sara)).toEqual([ids.saraLead]);
    expect(await leadIds(as.riyadhManager)).toEqual([ids.saraLead, ids.omarLead].sort());
    expect(await leadIds(stack.auth)).toEqual([ids.saraLead, ids.omarLead, ids.jeddahLead].sort());
    // A filter cannot widen the scope.
    expect(await leadIds(as.sara, `?assigneeId=${ids.omar}`)).toEqual([]);
    expect(await leadIds(as.riyadhManager, `?branchId=${ids.jeddah}`)).toEqual([]);
  });

  it("answers 404, not 403, for another agent's lead, and changes nothing", async () => {
    const before = await stack.prisma.lead.findUniqueOrThrow({ where: { id: ids.omarLead } });
    for (const [method, path, body] of [
      ['GET', `/crm/leads/${ids.omarLead}`, undefined],
      ['PATCH', `/crm/leads/${ids.omarLead}/status`, { status: 'contacted' }],
      ['POST', `/crm/leads/${ids.omarLead}/notes`, { body: 'mine now' }],
      ['PUT', `/crm/leads/${ids.omarLead}/tags`, { tags: ['stolen'] }],
    ] as const) {
      const res = await call(stack, method, path, { headers: as.sara, body });
      expect({ method, path, status: res.status, message: res.body.message }).toEqual({ method, path, status: 404, message: `lead ${ids.omarLead} does not exist` });
    }
    expect((await call(stack, 'GET', `/crm/leads/${ids.jeddahLead}`, { headers: as.riyadhManager })).status).toBe(404);
    expect((await call(stack, 'POST', `/crm/leads/${ids.omarLead}/assign`, { headers: as.sara, body: { employeeId: ids.sara } })).status).toBe(403);
    const after = await stack.prisma.lead.findUniqueOrThrow({ where: { id: ids.omarLead } });
    expect(after).toEqual(before);
    expect(await stack.prisma.leadEvent.count({ where: { leadId: ids.omarLead, type: { in: ['note', 'status_changed', 'tags_changed'] } } })).toBe(0);
  });

  it('lets a manager reassign within their branch and the lead follows the new agent', async () => {
    const lead = await call(stack, 'POST', `/crm/leads/${ids.omarLead}/assign`, { headers: as.riyadhManager, body: { employeeId: ids.sara, reason: 'Omar is on leave' } });
    expect(lead.status).toBe(200);
    expect(await leadIds(as.sara)).toEqual([ids.saraLead, ids.omarLead].sort());
    expect(await leadIds(as.omar)).toEqual([]);
    const outside = await call(stack, 'POST', `/crm/leads/${ids.omarLead}/assign`, { headers: as.riyadhManager, body: { employeeId: ids.faisal } });
    expect(outside.status).toBe(400);
    await assign(ids.omarLead, ids.omar);
  });
});

describe('status pipeline and concurrency', () => {
  it('moves along the pipeline and refuses invalid transitions naming the allowed ones', async () => {
    const skip = await call(stack, 'PATCH', `/crm/leads/${ids.saraLead}/status`, { headers: as.sara, body: { status: 'won' } });
    expect(skip.status).toBe(400);
    expect(skip.body.message).toBe('a new lead can move to contacted or lost, not won');
    const lostWithoutReason = await call(stack, 'PATCH', `/crm/leads/${ids.saraLead}/status`, { headers: as.sara, body: { status: 'lost' } });
    expect(lostWithoutReason.status).toBe(400);
    expect(lostWithoutReason.body.message).toMatch(/reason/);
    expect((await call(stack, 'PATCH', `/crm/leads/${ids.saraLead}/status`, { headers: as.sara, body: { status: 'bogus' } })).status).toBe(400);

    for (const status of ['contacted', 'qualified', 'proposal']) {
      const res = await call(stack, 'PATCH', `/crm/leads/${ids.saraLead}/status`, { headers: as.sara, body: { status } });
      expect({ status: res.status, lead: res.body.status }).toEqual({ status: 200, lead: status });
    }
    const detail = await call(stack, 'GET', `/crm/leads/${ids.saraLead}`, { headers: as.sara });
    const changes = detail.body.timeline.filter((e: { type: string }) => e.type === 'status_changed');
    expect(changes.map((e: { payload: { from: string; to: string } }) => `${e.payload.from}→${e.payload.to}`)).toEqual(['new→contacted', 'contacted→qualified', 'qualified→proposal']);
    expect(changes[0].actor).toMatch(/^user:/);
    expect(detail.body.assignment.contactedAt).toBeDefined();
  });

  it('refuses a write based on a stale version with 409 and keeps the newer one', async () => {
    const read = await call(stack, 'GET', `/crm/leads/${ids.jeddahLead}`, { headers: as.jeddahAgent });
    const etag = read.headers.get('etag')!;
    expect(etag).toBe(`"${read.body.version}"`);

    const first = await call(stack, 'PATCH', `/crm/leads/${ids.jeddahLead}/status`, { headers: { ...as.jeddahAgent, 'if-match': etag }, body: { status: 'contacted' } });
    expect(first.status).toBe(200);
    expect(first.body.version).not.toBe(read.body.version);

    const stale = await call(stack, 'PATCH', `/crm/leads/${ids.jeddahLead}/status`, { headers: { ...stack.auth, 'if-match': etag }, body: { status: 'lost', reason: 'no answer' } });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/changed since you read it/);
    const staleTags = await call(stack, 'PUT', `/crm/leads/${ids.jeddahLead}/tags`, { headers: { ...stack.auth, 'if-match': etag }, body: { tags: ['vip'] } });
    expect(staleTags.status).toBe(409);
    const now = await stack.prisma.lead.findUniqueOrThrow({ where: { id: ids.jeddahLead } });
    expect({ status: now.status, tags: now.tags }).toEqual({ status: 'contacted', tags: [] });

    const fresh = await call(stack, 'PUT', `/crm/leads/${ids.jeddahLead}/tags`, { headers: { ...as.jeddahAgent, 'if-match': `"${first.body.version}"` }, body: { tags: ['vip', 'vip', 'callback-evening'] } });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe(`"${fresh.body.version}"`);
    expect(fresh.body.tags.sort()).toEqual(['callback-evening', 'vip']);
    expect((await stack.prisma.lead.findUniqueOrThrow({ where: { id: ids.jeddahLead } })).tags.sort()).toEqual(['callback-evening', 'vip']);
  });

  it('adds notes to the timeline', async () => {
    const note = await call(stack, 'POST', `/crm/leads/${ids.jeddahLead}/notes`, { headers: as.jeddahAgent, body: { body: 'تفضل الاتصال بعد المغرب' } });
    expect(note.status).toBe(201);
    const detail = await call(stack, 'GET', `/crm/leads/${ids.jeddahLead}`, { headers: as.jeddahAgent });
    expect(detail.body.timeline.find((e: { type: string }) => e.type === 'note')).toMatchObject({ type: 'note', actor: expect.stringMatching(/^user:/), payload: { body: 'تفضل الاتصال بعد المغرب' } });
    expect((await call(stack, 'POST', `/crm/leads/${ids.jeddahLead}/notes`, { headers: as.jeddahAgent, body: { body: '' } })).status).toBe(400);
  });
});

describe('pagination', () => {
  it('keeps its place while new leads arrive between pages', async () => {
    const original = await leadIds(stack.auth);
    const first = await call(stack, 'GET', '/crm/leads?limit=2', { headers: stack.auth });
    expect(first.body.data).toHaveLength(2);
    const arrived = [(await newLead()).id, (await newLead()).id];
    const seen = first.body.data.map((l: { id: string }) => l.id);
    for (let cursor = first.body.nextCursor; cursor; ) {
      const page = await call(stack, 'GET', `/crm/leads?limit=2&cursor=${encodeURIComponent(cursor)}`, { headers: stack.auth });
      seen.push(...page.body.data.map((l: { id: string }) => l.id));
      cursor = page.body.nextCursor;
    }
    expect([...seen].sort()).toEqual(original);
    expect(seen).not.toEqual(expect.arrayContaining([arrived[0]]));
    expect(await leadIds(stack.auth)).toEqual([...original, ...arrived].sort());
    expect((await call(stack, 'GET', '/crm/leads?cursor=not-a-cursor', { headers: stack.auth })).status).toBe(400);
  });
});

describe('CSV export', () => {
  it('streams UTF-8 with a byte order mark, Arabic intact, limited to what the user may see', async () => {
    const res = await fetch(`${stack.apiUrl}/crm/leads/export.csv`, { headers: as.jeddahAgent });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename=/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('ريم الشهري');
    expect(lines[1]).toContain(ids.jeddahLead);

    const all = await (await fetch(`${stack.apiUrl}/crm/leads/export.csv?platform=snapchat&tag=vip`, { headers: stack.auth })).text();
    expect(all.trim().split('\r\n')).toHaveLength(2);
  });
});

describe('notifications', () => {
  it('lists the recipient’s notifications with an unread count and marks them read', async () => {
    const mine = await waitFor(
      () => call(stack, 'GET', '/crm/notifications', { headers: as.jeddahAgent }),
      (res) => res.body.data?.length >= 1,
      { what: "Faisal's lead_assigned notification" },
    );
    expect(mine.body.unreadCount).toBe(mine.body.data.length);
    const notification = mine.body.data[0];
    expect(notification).toMatchObject({ category: 'lead_assigned', title: 'New lead: ريم الشهري', leadId: ids.jeddahLead });
    expect(notification.readAt).toBeUndefined();

    expect((await call(stack, 'POST', `/crm/notifications/${notification.id}/read`, { headers: as.sara })).status).toBe(404);
    const read = await call(stack, 'POST', `/crm/notifications/${notification.id}/read`, { headers: as.jeddahAgent });
    expect(read.body.readAt).toBeDefined();
    expect((await call(stack, 'GET', '/crm/notifications', { headers: as.jeddahAgent })).body.unreadCount).toBe(mine.body.unreadCount - 1);
    expect((await call(stack, 'GET', '/crm/notifications?unread=true', { headers: as.jeddahAgent })).body.data.map((n: { id: string }) => n.id)).not.toContain(notification.id);

    const saraBefore = await waitFor(() => call(stack, 'GET', '/crm/notifications', { headers: as.sara }), (res) => res.body.unreadCount >= 1, { what: "Sara's notifications" });
    const all = await call(stack, 'POST', '/crm/notifications/read-all', { headers: as.sara });
    expect(all.body.marked).toBe(saraBefore.body.unreadCount);
    expect((await call(stack, 'GET', '/crm/notifications', { headers: as.sara })).body.unreadCount).toBe(0);
  });
});

describe('the generated typed client', () => {
  it('signs in, lists, reads and writes through openapi-fetch against the running API', async () => {
    const anonymous = createLeadflowClient({ baseUrl: stack.apiUrl });
    const login = await anonymous.POST('/crm/auth/login', { body: { email: 'x@nowhere.test', password: 'wrong-password' } });
    expect(login.response.status).toBe(401);

    const admin = createLeadflowClient({ baseUrl: stack.apiUrl, token: TEST_SECRETS.ADMIN_API_KEY });
    const page = await admin.GET('/crm/leads', { params: { query: { platform: 'snapchat', limit: 2 } } });
    expect(page.error).toBeUndefined();
    expect(page.data!.data).toHaveLength(2);
    expect(page.data!.data.every((lead) => lead.platform === 'snapchat')).toBe(true);

    const detail = await admin.GET('/crm/leads/{id}', { params: { path: { id: ids.jeddahLead! } } });
    const lead: Schema<'LeadDetailDto'> = detail.data!;
    expect(lead.contact.fullName).toBe('ريم الشهري');
    const stale = await admin.PATCH('/crm/leads/{id}/status', { params: { path: { id: lead.id }, header: { 'if-match': '"1"' } }, body: { status: 'qualified' } });
    expect(stale.response.status).toBe(409);
    expect(stale.error).toMatchObject({ statusCode: 409, error: 'Conflict' });
    const moved = await admin.PATCH('/crm/leads/{id}/status', { params: { path: { id: lead.id }, header: { 'if-match': `"${lead.version}"` } }, body: { status: 'qualified' } });
    expect(moved.data?.status).toBe('qualified');
  });
});
