import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fakeSnapchatLead } from '@leadflow/simulators';
import Bull from 'bull';
import { branch, create, employee, signedIn, team } from '../support/organisation.js';
import { call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

// Salespeople work in Odoo: their stage changes, reassignments and won/lost come back through the
// Odoo sync (the real XML-RPC client against the Odoo simulator), without being written back.
let stack: Stack;
const ids: Record<string, string> = {};
let people = 0;

beforeAll(async () => {
  stack = await startStack({ env: { SCHEDULER_INTERVAL_MS: '150' } });
  const hq = await branch(stack, 'Riyadh HQ');
  const desk = await team(stack, hq.id, 'Villas', { odooTeamId: 2 });
  ids.sara = (await employee(stack, desk.id, 'Sara', { odooUserId: 5 })).id;
  ids.omar = (await employee(stack, desk.id, 'Omar', { odooUserId: 6, capacity: 0 })).id; // routing never picks him
  await create(stack, '/crm/routing/rules', { name: 'All', isDefault: true, teamId: desk.id, strategy: 'round_robin' });
  await create(stack, '/crm/automations', { name: 'To Odoo', trigger: 'lead.created', actions: [{ key: 'odoo', type: 'odoo.sync_lead', params: {} }] });
  // The usual follow-up of a won lead, which must fire for a lead won in Odoo too.
  await create(stack, '/crm/automations', { name: 'Won', trigger: 'lead.status_changed', toStatus: 'won', actions: [{ key: 'tell', type: 'notify.user', params: { to: 'assignee', title: 'Won: {{lead.fullName}}' } }] });
});
afterAll(async () => {
  await stack?.stop();
});

/** A new lead, routed to Sara and created in Odoo; returns it with its Odoo id. */
async function leadInOdoo() {
  people += 1;
  const payload = { ...fakeSnapchatLead(), phone_number: `+9665810${String(people).padStart(5, '0')}`, email: `odoo${people}@example.com` };
  expect((await stack.sender.snapchat(payload)).status).toBe(200);
  const lead = await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: payload.lead_id } }), (l) => Boolean(l?.odooLeadId), { timeoutMs: 15_000, what: 'the lead in Odoo' });
  return { id: lead!.id, odooId: lead!.odooLeadId! };
}

async function syncOdoo() {
  const res = await call(stack, 'POST', '/crm/sync-odoo', { headers: stack.auth });
  expect(res.status).toBe(202);
  const job = await waitFor(async () => (await call(stack, 'GET', `/crm/sync-jobs/${res.body.id}`, { headers: stack.auth })).body, (j) => j.status === 'succeeded' || j.status === 'failed', { what: 'the Odoo sync' });
  expect(job).toMatchObject({ kind: 'odoo', status: 'succeeded' });
  return job.result as Record<string, unknown>;
}

const odooRow = (odooId: number) => stack.odoo.records('crm.lead').find((r) => r.id === odooId)!;
const writes = () => stack.odoo.calls.get('crm.lead.write') ?? 0;
const timeline = async (leadId: string) => (await stack.prisma.leadEvent.findMany({ where: { leadId }, orderBy: { id: 'asc' } })).map((e) => ({ type: e.type, actor: e.actor, payload: e.payload as Record<string, any> }));
const setStatus = async (leadId: string, status: string, reason?: string) => expect((await call(stack, 'PATCH', `/crm/leads/${leadId}/status`, { headers: stack.auth, body: { status, reason } })).status).toBe(200);
const QUALIFIED = 2;
const WON = 4;

describe('changes made in Odoo come back', () => {
  it('applies a stage change as the actor "odoo", fires the automations, and writes nothing back to Odoo', async () => {
    const lead = await leadInOdoo();
    stack.odoo.salespersonEdit('crm.lead', lead.odooId, { stage_id: QUALIFIED });
    const before = writes();

    const result = await syncOdoo();
    expect(result).toMatchObject({ statusChanges: 1, keptOurs: 0 });
    const stored = await stack.prisma.lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect(stored).toMatchObject({ status: 'qualified' });
    expect(stored.contactedAt).not.toBeNull(); // a qualified lead was reached: the SLA clock stops
    const change = (await timeline(lead.id)).find((e) => e.type === 'status_changed')!;
    expect(change).toMatchObject({ actor: 'odoo', payload: { from: 'new', to: 'qualified', odoo: { stage: 'Qualified' } } });

    // Won in Odoo: the won automation runs like for a lead won here.
    stack.odoo.salespersonEdit('crm.lead', lead.odooId, { stage_id: WON, probability: 100 });
    await syncOdoo();
    expect(await stack.prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).toMatchObject({ status: 'won' });
    await waitFor(() => stack.prisma.notification.findFirst({ where: { employeeId: ids.sara, title: { startsWith: 'Won:' } } }), Boolean, { what: 'the won automation' });
    // Give any echo the time to happen: the sync-status job runs (for the sheet), Odoo gets no write.
    await waitFor(() => stack.prisma.outboxMessage.count({ where: { publishedAt: null } }), (n) => n === 0, { what: 'the outbox to drain' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(writes()).toBe(before);

    // Read again with nothing new: nothing changes.
    expect(await syncOdoo()).toMatchObject({ statusChanges: 0, reassignments: 0 });
  });

  it('takes a reassignment to a salesperson linked to an employee, and lost with Odoo\'s reason', async () => {
    const lead = await leadInOdoo();
    expect(odooRow(lead.odooId).user_id).toBe(5);
    stack.odoo.salespersonEdit('crm.lead', lead.odooId, { user_id: 6 });
    expect(await syncOdoo()).toMatchObject({ reassignments: 1 });
    expect(await stack.prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).toMatchObject({ assigneeId: ids.omar });
    expect((await timeline(lead.id)).filter((e) => e.type === 'assigned').at(-1)).toMatchObject({ actor: 'odoo', payload: { employeeId: ids.omar, previousEmployeeId: ids.sara } });

    stack.odoo.salespersonEdit('crm.lead', lead.odooId, { active: false, lost_reason_id: 1, probability: 0 });
    await syncOdoo();
    expect(await stack.prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).toMatchObject({ status: 'lost', lostReason: 'Too expensive' });

    // An Odoo user no employee is linked to: reported, the lead stays with its owner.
    stack.odoo.salespersonEdit('crm.lead', lead.odooId, { user_id: 12 });
    expect(await syncOdoo()).toMatchObject({ unknownUsers: [12] });
    expect(await stack.prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).toMatchObject({ assigneeId: ids.omar });
  });

  it('ignores edits in Odoo that touch neither stage nor salesperson', async () => {
    const lead = await leadInOdoo();
    await setStatus(lead.id, 'contacted');
    await setStatus(lead.id, 'qualified');
    await waitFor(async () => odooRow(lead.odooId).stage_id, (stage) => stage === QUALIFIED, { what: 'our stage in Odoo' });
    await syncOdoo();
    const seenAt = async () => ((await stack.prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).odooState as { seenAt: string }).seenAt;
    const before = await seenAt();
    stack.odoo.salespersonEdit('crm.lead', lead.odooId, { phone: '+966500000000' });
    expect(await syncOdoo()).toMatchObject({ statusChanges: 0, reassignments: 0 });
    expect(await stack.prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).toMatchObject({ status: 'qualified', odooState: { stageId: QUALIFIED, active: true } });
    // Read, so our changes from now on are the ones "since the last sync".
    expect(new Date(await seenAt()).getTime()).toBeGreaterThan(new Date(before).getTime());
  });
});

describe('when both sides changed since the last sync, the later change wins', () => {
  // Odoo's write_date has whole seconds: the two changes are a second apart.
  const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

  /** Our change cannot reach Odoo for now (the integration user lost its rights there), so both sides differ at the next sync. */
  async function whileOdooRefusesOurWrite(leadId: string, change: () => Promise<void>) {
    stack.odoo.denyAccess('crm.lead');
    await change();
    const connectors = new Bull('connectors', stack.loaded.config.redisUrl, { prefix: stack.loaded.config.queue.prefix });
    await waitFor(() => connectors.getFailed(), (jobs) => jobs.some((job) => job.data.leadId === leadId), { what: 'our write to be refused' });
    await connectors.close();
    stack.odoo.denyAccess('crm.lead', false);
  }

  it('Odoo later: its change is applied, after ours on the timeline', async () => {
    const lead = await leadInOdoo();
    await syncOdoo();
    await whileOdooRefusesOurWrite(lead.id, () => setStatus(lead.id, 'contacted'));
    await nextSecond();
    stack.odoo.salespersonEdit('crm.lead', lead.odooId, { stage_id: QUALIFIED });
    await syncOdoo();
    const changes = (await timeline(lead.id)).filter((e) => e.type === 'status_changed');
    expect(changes.map((e) => [e.actor, e.payload.to])).toEqual([['admin', 'contacted'], ['odoo', 'qualified']]);
    expect(changes[1]!.payload.odoo).toMatchObject({ stage: 'Qualified', overrode: { status: 'contacted', actor: 'admin' } });
  });

  it('ours later: ours is kept, Odoo\'s is on the timeline as overridden, and ours is written to Odoo again', async () => {
    const lead = await leadInOdoo();
    await syncOdoo();
    stack.odoo.salespersonEdit('crm.lead', lead.odooId, { stage_id: QUALIFIED });
    await nextSecond();
    await whileOdooRefusesOurWrite(lead.id, () => setStatus(lead.id, 'lost', 'Bought elsewhere'));
    await syncOdoo();

    expect(await stack.prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).toMatchObject({ status: 'lost', lostReason: 'Bought elsewhere' });
    const overridden = (await timeline(lead.id)).find((e) => e.type === 'odoo_change_overridden');
    expect(overridden).toMatchObject({ actor: 'odoo', payload: { field: 'status', odoo: { stage: 'Qualified', status: 'qualified' }, kept: { status: 'lost', actor: 'admin' } } });
    await waitFor(async () => odooRow(lead.odooId).active, (active) => active === false, { what: 'our lost written to Odoo again' });
  });
});

describe('GET /crm/stats', () => {
  it('counts leads by current status and source, with conversion and today/this week, as Odoo left them after a sync', async () => {
    const before = (await call(stack, 'GET', '/crm/stats', { headers: stack.auth })).body;
    const lead = await leadInOdoo();
    const mid = (await call(stack, 'GET', '/crm/stats', { headers: stack.auth })).body;
    expect(mid).toMatchObject({ total: before.total + 1, today: before.today + 1, thisWeek: before.thisWeek + 1, timezone: 'Asia/Riyadh' });
    expect(mid.byStatus.new).toBe(before.byStatus.new + 1);
    expect(mid.bySource.snapchat).toBe(before.bySource.snapchat + 1);

    stack.odoo.salespersonEdit('crm.lead', lead.odooId, { stage_id: WON });
    await syncOdoo();
    const after = (await call(stack, 'GET', '/crm/stats', { headers: stack.auth })).body;
    expect(after.byStatus).toMatchObject({ new: mid.byStatus.new - 1, won: mid.byStatus.won + 1 });
    expect(after.conversionRate).toBeCloseTo(after.byStatus.won / after.total, 4);
    expect(after.winRate).toBeCloseTo(after.byStatus.won / (after.byStatus.won + after.byStatus.lost), 4);
    expect(after.open).toBe(after.total - after.byStatus.won - after.byStatus.lost);

    // An agent sees only their own leads.
    const omar = await signedIn(stack, { role: 'agent', employeeId: ids.omar });
    const mine = (await call(stack, 'GET', '/crm/stats', { headers: omar })).body;
    expect(mine.total).toBe(await stack.prisma.lead.count({ where: { assigneeId: ids.omar } }));
    expect(mine.total).toBeLessThan(after.total);
  });
});
