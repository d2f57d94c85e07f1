import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { lockTeams } from '@leadflow/application';
import { fakeSnapchatLead } from '@leadflow/simulators';
import pg from 'pg';
import { branch, employee, rule, team } from '../support/organisation.js';
import { call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
const ids: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack({ env: { SCHEDULER_INTERVAL_MS: '150', WORKER_CONCURRENCY: '8' } });
  const hq = await branch(stack, 'HQ');
  const nightless = await branch(stack, 'Closed branch', { workingHours: {} });
  const desk = await team(stack, hq.id, 'Desk');
  const villas = await team(stack, hq.id, 'Villas', { slaMinutes: 15, escalation: [{ afterMinutes: 0, action: 'notify_manager' }, { afterMinutes: 10, action: 'reassign' }] });
  const fair = await team(stack, hq.id, 'Fair share');
  const closed = await team(stack, nightless.id, 'Closed team', { fallbackTeamId: desk.id });
  const waiting = await team(stack, hq.id, 'Waiting room', { queueTimeoutMinutes: 1 });
  Object.assign(ids, { hq: hq.id, closedBranch: nightless.id, desk: desk.id, villas: villas.id, fair: fair.id, closed: closed.id, waiting: waiting.id });

  ids.deskPerson = (await employee(stack, desk.id, 'Dana Desk')).id;
  ids.sara = (await employee(stack, villas.id, 'Sara', { languages: ['ar'] })).id;
  ids.omar = (await employee(stack, villas.id, 'Omar', { languages: ['en'] })).id;
  ids.manager = (await employee(stack, villas.id, 'Noura Manager', { active: false })).id;
  await call(stack, 'PATCH', `/crm/teams/${villas.id}`, { headers: stack.auth, body: { managerId: ids.manager } });
  for (const name of ['A', 'B', 'C']) ids[`fair${name}`] = (await employee(stack, fair.id, `Fair ${name}`)).id;
  await employee(stack, closed.id, 'Never working');
  ids.away = (await employee(stack, waiting.id, 'Away', { timeOff: [{ from: '2020-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }] })).id;

  await rule(stack, { name: 'Villas', conditions: [{ field: 'answer:custom_field_1', op: 'equals', value: 'Villa' }], teamId: villas.id });
  await rule(stack, { name: 'Fair', conditions: [{ field: 'campaign.name', op: 'equals', value: 'fairness' }], teamId: fair.id });
  await rule(stack, { name: 'Closed', conditions: [{ field: 'campaign.name', op: 'equals', value: 'closed' }], teamId: closed.id });
  await rule(stack, { name: 'Waiting', conditions: [{ field: 'campaign.name', op: 'equals', value: 'waiting' }], teamId: waiting.id });
  await rule(stack, { name: 'Everything else', isDefault: true, teamId: desk.id });
});
afterAll(async () => {
  await stack?.stop();
});

const snap = (over: Record<string, unknown>) => ({ ...fakeSnapchatLead(), custom_field_1: 'Apartment', ...over });
const leadRow = (platformLeadId: string) => stack.prisma.lead.findUnique({ where: { platform_platformLeadId: { platform: 'snapchat', platformLeadId } } });
const routed = (platformLeadId: string, state = 'assigned') =>
  waitFor(() => leadRow(platformLeadId), (l) => l?.routingState === state, { what: `lead ${platformLeadId} ${state}` });
/** A new lead through the webhook, once the router has placed it. */
const newRoutedLead = async () => {
  const payload = snap({ custom_field_1: 'Villa' });
  await stack.sender.snapchat(payload);
  return routed(payload.lead_id);
};
const timeline = async (leadId: string) => (await call(stack, 'GET', `/crm/leads/${leadId}`, { headers: stack.auth })).body.timeline as { type: string; actor: string; payload: any }[];

let aborts = 0;
/**
 * The first `times` updates of a lead matching `when` (SQL over OLD and NEW) fail as a transaction
 * Postgres aborted to break a deadlock (SQLSTATE 40P01); `attempts()` counts the updates it saw.
 */
async function abortLeadUpdates(when: string, times: number) {
  const name = `test_abort_${++aborts}`;
  await stack.prisma.$executeRawUnsafe(`CREATE SEQUENCE ${name}`);
  await stack.prisma.$executeRawUnsafe(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF nextval('${name}') <= ${times} THEN RAISE EXCEPTION 'deadlock detected' USING ERRCODE = 'deadlock_detected'; END IF; RETURN NEW; END $$`,
  );
  await stack.prisma.$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE UPDATE ON lead FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION ${name}()`);
  return {
    // A sequence's last_value survives the rollbacks that undo everything else.
    attempts: async () => Number((await stack.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM ${name}`))[0]!.n),
    drop: async () => {
      await stack.prisma.$executeRawUnsafe(`DROP TRIGGER ${name} ON lead`);
      await stack.prisma.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
      await stack.prisma.$executeRawUnsafe(`DROP SEQUENCE ${name}`);
    },
  };
}

describe('routing a lead from a webhook', () => {
  it('assigns it by the matching rule within a second, with the explanation on the timeline', async () => {
    const payload = snap({ custom_field_1: 'Villa', first_name: 'سارة' });
    await stack.sender.snapchat(payload);
    const lead = await routed(payload.lead_id);
    expect(lead!.teamId).toBe(ids.villas);
    expect([ids.sara, ids.omar]).toContain(lead!.assigneeId);
    expect(lead!.assignedAt!.getTime() - lead!.receivedAt.getTime()).toBeLessThan(1000);
    // Arabic name → Arabic speaker preferred.
    expect(lead!.assigneeId).toBe(ids.sara);
    expect(lead!.slaDueAt!.getTime() - lead!.assignedAt!.getTime()).toBe(15 * 60_000);

    const steps = await timeline(lead!.id);
    const decision = steps.find((s) => s.type === 'routed')!.payload;
    expect(decision).toMatchObject({ ruleName: 'Villas', outcome: 'assigned', employeeName: 'Sara', matched: [{ field: 'answer:custom_field_1', actual: 'Villa' }] });
    expect(decision.skipped).toEqual(expect.arrayContaining([{ employeeId: ids.manager, name: 'Noura Manager', reason: 'inactive' }, { employeeId: ids.omar, name: 'Omar', reason: 'does not speak ar' }]));
    expect(decision.rejected).toEqual([]);
    expect(decision.explanation).toMatch(/^Rule "Villas" matched answer:custom_field_1 equals "Villa"/);
    expect(steps.find((s) => s.type === 'assigned')!.payload).toMatchObject({ employeeId: ids.sara, teamId: ids.villas });
  });

  it('routes a lead its worker stored but never routed (it died in between) from the scheduler', async () => {
    // As a worker killed between the two leaves it: stored, unrouted, a while ago.
    const stray = await stack.prisma.lead.create({
      data: {
        platform: 'snapchat',
        platformLeadId: `stray-${Date.now()}`,
        fullName: 'Left behind',
        answers: [],
        contact: { create: { fullName: 'Left behind' } },
        receivedAt: new Date(Date.now() - 60_000),
        createdAt: new Date(Date.now() - 60_000),
      },
    });
    const lead = await waitFor(() => stack.prisma.lead.findUnique({ where: { id: stray.id } }), (l) => l?.routingState === 'assigned', { what: 'the stray lead routed' });
    expect(lead!.assigneeId).toBe(ids.deskPerson);
    expect((await timeline(stray.id)).map((s) => s.type)).toEqual(expect.arrayContaining(['routed', 'assigned']));
  });

  it('sends unmatched leads to the default rule and explains which rules were passed over', async () => {
    const payload = snap({ campaign_name: 'something else' });
    await stack.sender.snapchat(payload);
    const lead = await routed(payload.lead_id);
    expect(lead!.assigneeId).toBe(ids.deskPerson);
    const decision = (await timeline(lead!.id)).find((s) => s.type === 'routed')!.payload;
    expect(decision.rejected.map((r: { ruleName: string }) => r.ruleName)).toEqual(['Villas', 'Fair', 'Closed', 'Waiting']);
  });

  it('shares leads fairly in round robin while parallel workers assign them', async () => {
    const leads = Array.from({ length: 30 }, () => snap({ campaign_name: 'fairness' }));
    await Promise.all(leads.map((l) => stack.sender.snapchat(l)));
    await waitFor(() => stack.prisma.lead.count({ where: { teamId: ids.fair, routingState: 'assigned' } }), (n) => n === 30, { what: '30 assignments' });
    const counts = await stack.prisma.lead.groupBy({ by: ['assigneeId'], where: { teamId: ids.fair }, _count: { _all: true } });
    expect(counts.map((c) => c._count._all)).toEqual([10, 10, 10]);
    // Nobody has called them yet: each person holds ten open leads, as the API shows.
    const people = (await call(stack, 'GET', `/crm/employees?teamId=${ids.fair}`, { headers: stack.auth })).body as { openLeads: number }[];
    expect(people.map((p) => p.openLeads)).toEqual([10, 10, 10]);
  });

  it('falls back to the fallback team when nobody in the target works now', async () => {
    const payload = snap({ campaign_name: 'closed' });
    await stack.sender.snapchat(payload);
    const lead = await routed(payload.lead_id);
    expect(lead).toMatchObject({ teamId: ids.desk, assigneeId: ids.deskPerson });
    expect((await timeline(lead!.id)).find((s) => s.type === 'routed')!.payload).toMatchObject({ fellBack: true, skipped: [{ name: 'Never working', reason: 'outside working hours' }] });
  });

  it('queues a lead nobody can take and assigns it as soon as someone becomes eligible', async () => {
    const payload = snap({ campaign_name: 'waiting' });
    await stack.sender.snapchat(payload);
    const queued = await routed(payload.lead_id, 'queued');
    expect(queued).toMatchObject({ teamId: ids.waiting, assigneeId: null });
    // Time off ends (the start of a shift works the same way): the scheduler picks it up.
    expect((await call(stack, 'PATCH', `/crm/employees/${ids.away}`, { headers: stack.auth, body: { timeOff: [] } })).status).toBe(200);
    const assigned = await routed(payload.lead_id);
    expect(assigned!.assigneeId).toBe(ids.away);
    expect((await timeline(assigned!.id)).map((s) => s.type)).toEqual(expect.arrayContaining(['routed', 'queued', 'assigned']));
    await call(stack, 'PATCH', `/crm/employees/${ids.away}`, { headers: stack.auth, body: { timeOff: [{ from: '2020-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }] } });
  });

  it('fires lead.unassigned_timeout once when a lead waits longer than the team allows', async () => {
    const payload = snap({ campaign_name: 'waiting' });
    await stack.sender.snapchat(payload);
    const queued = await routed(payload.lead_id, 'queued');
    await stack.prisma.lead.update({ where: { id: queued!.id }, data: { queuedAt: new Date(Date.now() - 2 * 60_000) } });
    await waitFor(() => leadRow(payload.lead_id), (l) => Boolean(l?.queueTimedOutAt), { what: 'the queue timeout' });
    await waitFor(() => timeline(queued!.id), (t) => t.filter((s) => s.type === 'unassigned_timeout').length === 1, { what: 'one unassigned_timeout step' });
  });

  it('lets no queue hold up another: a closed branch with more leads waiting than a sweep takes', async () => {
    // 120 leads queued two minutes ago for a team whose branch never opens (more than one sweep's 100).
    const night = await team(stack, ids.closedBranch!, 'Night shift', { queueTimeoutMinutes: 1 });
    await employee(stack, night.id, 'Sleeper');
    await rule(stack, { name: 'Night', conditions: [{ field: 'campaign.name', op: 'equals', value: 'night' }], teamId: night.id });
    const contact = await stack.prisma.contact.create({ data: { fullName: 'Night owl', phone: '+966555000999' } });
    const waitingSince = new Date(Date.now() - 2 * 60_000);
    await stack.prisma.lead.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        platform: 'snapchat' as const, platformLeadId: `night-${i}`, contactId: contact.id, fullName: 'Night owl', answers: [], receivedAt: waitingSince,
        campaignName: 'night', routingState: 'queued' as const, branchId: ids.closedBranch, teamId: night.id, queuedAt: new Date(waitingSince.getTime() + i),
      })),
    });
    // A lead queued after them in another team is assigned as soon as its person is back.
    const payload = snap({ campaign_name: 'waiting' });
    await stack.sender.snapchat(payload);
    await routed(payload.lead_id, 'queued');
    expect((await call(stack, 'PATCH', `/crm/employees/${ids.away}`, { headers: stack.auth, body: { timeOff: [] } })).status).toBe(200);
    expect((await routed(payload.lead_id))!.assigneeId).toBe(ids.away);
    await call(stack, 'PATCH', `/crm/employees/${ids.away}`, { headers: stack.auth, body: { timeOff: [{ from: '2020-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }] } });
    // Every one of the 120 times out once, the 101st to the 120th included; none is assigned.
    const nightLeads = { platformLeadId: { startsWith: 'night-' } };
    await waitFor(() => stack.prisma.lead.count({ where: { ...nightLeads, queueTimedOutAt: { not: null } } }), (n) => n === 120, { what: 'all 120 queue timeouts' });
    expect(await stack.prisma.leadEvent.count({ where: { type: 'unassigned_timeout', lead: nightLeads } })).toBe(120);
    expect(await stack.prisma.lead.count({ where: { ...nightLeads, routingState: 'queued', assigneeId: null } })).toBe(120);
  });
});

describe('manual assignment', () => {
  it('reassigns by API and records who did it', async () => {
    const payload = snap({ custom_field_1: 'Villa' });
    await stack.sender.snapchat(payload);
    const lead = await routed(payload.lead_id);
    const res = await call(stack, 'POST', `/crm/leads/${lead!.id}/assign`, { headers: stack.auth, body: { employeeId: ids.deskPerson, reason: 'asked for Dana' } });
    expect(res.status).toBe(200);
    expect(res.body.assignment).toMatchObject({ state: 'assigned', employeeId: ids.deskPerson, teamId: ids.desk });
    const last = res.body.timeline.filter((s: { type: string }) => s.type === 'assigned').pop();
    expect(last).toMatchObject({ actor: 'admin', payload: { manual: true, reason: 'asked for Dana', previousEmployeeId: lead!.assigneeId, employeeId: ids.deskPerson } });
  });

  it('refuses an unknown or inactive employee and an unknown lead', async () => {
    const lead = await stack.prisma.lead.findFirstOrThrow();
    expect((await call(stack, 'POST', `/crm/leads/${lead.id}/assign`, { headers: stack.auth, body: { employeeId: ids.manager } })).body).toMatchObject({ statusCode: 400, message: 'Noura Manager is inactive and cannot take leads' });
    expect((await call(stack, 'POST', `/crm/leads/${lead.id}/assign`, { headers: stack.auth, body: { employeeId: '00000000-0000-4000-8000-000000000000' } })).status).toBe(400);
    expect((await call(stack, 'POST', '/crm/leads/00000000-0000-4000-8000-000000000000/assign', { headers: stack.auth, body: { employeeId: ids.sara } })).status).toBe(404);
  });
});

describe('POST /crm/routing/simulate', () => {
  it('answers where a lead, a stored lead, or a range of leads would go, and writes nothing', async () => {
    const before = { events: await stack.prisma.leadEvent.count(), leads: await stack.prisma.lead.findMany({ select: { id: true, assigneeId: true } }) };
    const one = await call(stack, 'POST', '/crm/routing/simulate', { headers: stack.auth, body: { lead: { platform: 'meta', fullName: 'Ana', phone: '+971501234567', answers: [{ key: 'custom_field_1', value: 'Villa' }] } } });
    expect(one.status).toBe(200);
    expect(one.body.results[0].decision).toMatchObject({ ruleName: 'Villas', outcome: 'assigned', employeeName: expect.stringMatching(/^(Sara|Omar)$/) });
    const stored = await stack.prisma.lead.findFirstOrThrow({ where: { teamId: ids.fair } });
    expect((await call(stack, 'POST', '/crm/routing/simulate', { headers: stack.auth, body: { leadId: stored.id } })).body.results[0]).toMatchObject({ leadId: stored.id, decision: { ruleName: 'Fair' } });
    const range = await call(stack, 'POST', '/crm/routing/simulate', { headers: stack.auth, body: { receivedFrom: new Date(Date.now() - 3600_000).toISOString(), receivedTo: new Date(Date.now() + 60_000).toISOString(), limit: 500 } });
    expect(range.body.results.length).toBe(before.leads.length);
    expect(await stack.prisma.leadEvent.count()).toBe(before.events);
    expect(await stack.prisma.lead.findMany({ select: { id: true, assigneeId: true } })).toEqual(expect.arrayContaining(before.leads));
    expect((await call(stack, 'POST', '/crm/routing/simulate', { headers: stack.auth, body: {} })).body).toMatchObject({ statusCode: 400, message: 'give exactly one of lead, leadId, or receivedFrom/receivedTo' });
  });
});

describe('SLA', () => {
  it('escalates an uncontacted lead along the ladder: breach, notify the manager, reassign', async () => {
    const payload = snap({ custom_field_1: 'Villa', first_name: 'Late', last_name: 'Lead' });
    await stack.sender.snapchat(payload);
    const lead = await routed(payload.lead_id);
    const first = lead!.assigneeId;
    // The controllable clock here is the data: pretend the deadline passed 11 working minutes ago.
    const due = new Date(Date.now() - 11 * 60_000);
    await stack.prisma.lead.update({ where: { id: lead!.id }, data: { slaDueAt: due, nextSlaCheckAt: due } });

    const reassigned = await waitFor(() => leadRow(payload.lead_id), (l) => Boolean(l && l.assigneeId !== first), { what: 'the reassignment' });
    expect([ids.sara, ids.omar]).toContain(reassigned!.assigneeId);
    expect(reassigned!.slaBreachedAt).toBeNull(); // a fresh clock for the new owner
    const steps = await timeline(lead!.id);
    const escalations = steps.filter((s) => s.type === 'sla_breached' || s.type === 'escalated').map((s) => s.payload.action ?? s.type);
    expect(escalations).toEqual(['sla_breached', 'notify_manager', 'reassign']);
    expect(steps.filter((s) => s.type === 'assigned').pop()!.payload).toMatchObject({ escalation: true, previousEmployeeId: first });
    const notes = await stack.prisma.notification.findMany({ where: { leadId: lead!.id, employeeId: ids.manager } });
    expect(notes).toHaveLength(1);
    expect(notes[0]!.category).toBe('sla_breached');
  });

  it('steps every due lead even while one of them cannot be written', async () => {
    const leads = [];
    for (const name of ['Poisoned', 'Healthy']) {
      const payload = snap({ custom_field_1: 'Villa', first_name: name });
      await stack.sender.snapchat(payload);
      leads.push((await routed(payload.lead_id))!);
    }
    const [poisoned, healthy] = leads as [NonNullable<(typeof leads)[number]>, NonNullable<(typeof leads)[number]>];
    // A row every write of which fails (a broken trigger stands in for any permanent fault), due first.
    await stack.prisma.$executeRawUnsafe(`CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = '${poisoned.id}' THEN RAISE EXCEPTION 'this row cannot be written'; END IF; RETURN NEW; END $$`);
    await stack.prisma.$executeRawUnsafe('CREATE TRIGGER test_poison BEFORE UPDATE ON lead FOR EACH ROW EXECUTE FUNCTION test_poison()');
    try {
      const due = new Date(Date.now() - 60_000);
      await stack.prisma.$executeRawUnsafe('ALTER TABLE lead DISABLE TRIGGER test_poison');
      await stack.prisma.lead.update({ where: { id: poisoned.id }, data: { slaDueAt: new Date(due.getTime() - 1000), nextSlaCheckAt: new Date(due.getTime() - 1000) } });
      await stack.prisma.$executeRawUnsafe('ALTER TABLE lead ENABLE TRIGGER test_poison');
      await stack.prisma.lead.update({ where: { id: healthy.id }, data: { slaDueAt: due, nextSlaCheckAt: due } });
      await waitFor(() => leadRow(healthy.platformLeadId), (l) => Boolean(l?.slaBreachedAt), { what: 'the healthy lead breached' });
      expect((await leadRow(poisoned.platformLeadId))!.slaBreachedAt).toBeNull();
    } finally {
      await stack.prisma.$executeRawUnsafe('DROP TRIGGER test_poison ON lead');
      await stack.prisma.$executeRawUnsafe('DROP FUNCTION test_poison()');
    }
    // Once it can be written again, its step is taken on the next pass.
    await waitFor(() => leadRow(poisoned.platformLeadId), (l) => Boolean(l?.slaBreachedAt), { what: 'the once-poisoned lead breached' });
  });

  it('stops the clock once contact is proven by a status change', async () => {
    const payload = snap({ custom_field_1: 'Villa' });
    await stack.sender.snapchat(payload);
    const lead = await routed(payload.lead_id);
    const res = await call(stack, 'PATCH', `/crm/leads/${lead!.id}/status`, { headers: stack.auth, body: { status: 'contacted' } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('contacted');
    expect(res.body.assignment.contactedAt).toBeDefined();
    const after = await leadRow(payload.lead_id);
    expect(after!.nextSlaCheckAt).toBeNull();
    expect(res.body.timeline.map((s: { type: string }) => s.type)).toEqual(expect.arrayContaining(['status_changed', 'contacted']));
  });

  it('changes the status even when Postgres breaks a deadlock by aborting it: the change runs again', async () => {
    const lead = await newRoutedLead();
    // Another writer holds the owner's row, then wants the lead the status change holds: two
    // writers taking the same locks in opposite orders, a cycle Postgres breaks by aborting the
    // transaction that waited first — the status change.
    const other = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("SET deadlock_timeout = '10s'"); // so the status change is the one that finds the cycle
      await other.query('BEGIN');
      await other.query('UPDATE employee SET open_leads = open_leads WHERE id = $1::uuid', [lead!.assigneeId]);
      const change = call(stack, 'PATCH', `/crm/leads/${lead!.id}/status`, { headers: stack.auth, body: { status: 'contacted' } });
      await waitFor(async () => (await other.query("SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'")).rows[0].n, (n) => n > 0, { what: 'the status change waiting' });
      await other.query('UPDATE lead SET updated_at = updated_at WHERE id = $1::uuid', [lead!.id]);
      await other.query('COMMIT');
      const res = await change;
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('contacted');
      expect((await timeline(lead!.id)).filter((s) => s.type === 'status_changed')).toHaveLength(1);
    } finally {
      await other.end();
    }
  });

  it('answers 409 saying nothing was saved when Postgres aborts all three runs of a status change, and tags run again too', async () => {
    const lead = await newRoutedLead();
    const abort = await abortLeadUpdates(`NEW.id = '${lead!.id}'`, 4);
    try {
      const res = await call(stack, 'PATCH', `/crm/leads/${lead!.id}/status`, { headers: stack.auth, body: { status: 'contacted' } });
      expect(res.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'the record was being changed by another writer at the same moment; nothing was saved — try again' });
      expect(await abort.attempts()).toBe(3);
      expect((await stack.prisma.lead.findUnique({ where: { id: lead!.id } }))!.status).toBe('new');
      expect((await timeline(lead!.id)).filter((s) => s.type === 'status_changed')).toHaveLength(0);
      // One abort left: the tags' first run meets it, the second saves.
      const tagged = await call(stack, 'PUT', `/crm/leads/${lead!.id}/tags`, { headers: stack.auth, body: { tags: ['vip'] } });
      expect(tagged.status).toBe(200);
      expect(tagged.body.tags).toEqual(['vip']);
      expect(await abort.attempts()).toBe(5);
      expect((await timeline(lead!.id)).filter((s) => s.type === 'tags_changed')).toHaveLength(1);
    } finally {
      await abort.drop();
    }
  });

  it('routes a new lead at once when Postgres aborts its routing to break a deadlock, not after the scheduler picks up strays', async () => {
    const payload = snap({ custom_field_1: 'Villa' });
    const abort = await abortLeadUpdates(`NEW.platform_lead_id = '${payload.lead_id}' AND NEW.routing_state IS DISTINCT FROM OLD.routing_state`, 1);
    try {
      await stack.sender.snapchat(payload);
      // The scheduler routes a stray only once it has waited 10 s: within 8, its own job did.
      const lead = await waitFor(() => leadRow(payload.lead_id), (l) => l?.routingState === 'assigned', { timeoutMs: 8_000, what: 'the lead routed by its own job' });
      expect(await abort.attempts()).toBe(2);
      expect((await timeline(lead!.id)).filter((s) => s.type === 'assigned')).toHaveLength(1);
    } finally {
      await abort.drop();
    }
  });

  it("changes a lead's status without waiting for a router that holds the lead's team", async () => {
    const lead = await newRoutedLead();
    // The lock a router takes on the team while it assigns (and then waits for a salesperson's row,
    // which this status change holds): the change must not need the team's lock itself.
    const router = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await router.connect();
    try {
      await router.query('BEGIN');
      await lockTeams({ query: async <T,>(text: string, values?: unknown[]) => (await router.query(text, values)).rows as T[] }, [lead!.teamId!]);
      const change = call(stack, 'PATCH', `/crm/leads/${lead!.id}/status`, { headers: stack.auth, body: { status: 'contacted' } });
      const first = await Promise.race([change, new Promise((resolve) => setTimeout(() => resolve('still waiting for the team'), 5_000))]);
      expect(first).toMatchObject({ status: 200, body: { status: 'contacted' } });
    } finally {
      await router.query('ROLLBACK');
      await router.end();
    }
  });

  it('refuses a status change the pipeline does not allow, naming the allowed ones', async () => {
    const lead = await stack.prisma.lead.findFirstOrThrow({ where: { status: 'new' } });
    const res = await call(stack, 'PATCH', `/crm/leads/${lead.id}/status`, { headers: stack.auth, body: { status: 'won' } });
    expect(res.body).toMatchObject({ statusCode: 400, message: 'a new lead can move to contacted or lost, not won' });
    expect((await call(stack, 'PATCH', `/crm/leads/${lead.id}/status`, { headers: stack.auth, body: { status: 'lost' } })).body.message).toBe('a reason is required to mark a lead lost');
  });
});

describe('rules and organisation API', () => {
  it('validates rules, keeps one default and reorders', async () => {
    const bad = await call(stack, 'POST', '/crm/routing/rules', { headers: stack.auth, body: { name: 'x', strategy: 'fixed', conditions: [{ field: 'colour', op: 'equals', value: 'red' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual([expect.stringMatching(/^conditions\[0\]\.field/), 'give exactly one target: branchId or teamId', 'strategy fixed needs employeeId']);
    const second = await call(stack, 'POST', '/crm/routing/rules', { headers: stack.auth, body: { name: 'Another default', isDefault: true, teamId: ids.desk, strategy: 'round_robin' } });
    expect(second.status).toBe(409);
    const rules = (await call(stack, 'GET', '/crm/routing/rules', { headers: stack.auth })).body as { id: string; name: string; isDefault: boolean }[];
    const order = rules.filter((r) => !r.isDefault).map((r) => r.id).reverse();
    const reordered = await call(stack, 'POST', '/crm/routing/rules/reorder', { headers: stack.auth, body: { ruleIds: order } });
    expect(reordered.body.map((r: { id: string }) => r.id)).toEqual([...order, rules.find((r) => r.isDefault)!.id]);
    await call(stack, 'POST', '/crm/routing/rules/reorder', { headers: stack.auth, body: { ruleIds: [...order].reverse() } });
    expect((await call(stack, 'POST', '/crm/routing/rules/reorder', { headers: stack.auth, body: { ruleIds: order.slice(1) } })).status).toBe(400);
    expect((await call(stack, 'DELETE', `/crm/routing/rules/${rules.find((r) => r.isDefault)!.id}`, { headers: stack.auth })).status).toBe(409);
  });

  it('validates calendars and refuses deletes that would orphan', async () => {
    const bad = await call(stack, 'POST', '/crm/branches', { headers: stack.auth, body: { name: 'Mars', timezone: 'Mars/Olympus', workingHours: { mon: [{ start: '9am', end: '5pm' }] } } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('timezone must be an IANA timezone such as Asia/Riyadh');
    expect((await call(stack, 'DELETE', `/crm/branches/${ids.hq}`, { headers: stack.auth })).status).toBe(409);
    expect((await call(stack, 'DELETE', `/crm/employees/${ids.sara}`, { headers: stack.auth })).status).toBe(409);
    expect((await call(stack, 'POST', '/crm/branches', { headers: stack.auth, body: { name: 'HQ' } })).status).toBe(409);
  });
});
