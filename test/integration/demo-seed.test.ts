import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_PASSWORD, fakeMetaLead, fakeSnapchatLead, metaDelivery, seedDemo, seedDemoOrganisation } from '@leadflow/simulators';
import { call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const decisionFor = async (platformLeadId: string) => {
  const lead = await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId } }), (l) => l !== null && l.routingState !== 'unrouted', { what: 'a routed lead' });
  const routed = await stack.prisma.leadEvent.findFirstOrThrow({ where: { leadId: lead!.id, type: 'routed' } });
  return { lead: lead!, decision: routed.payload as { ruleName: string; outcome: string } };
};

describe('demo organisation', () => {
  it('seeds once, into an empty organisation only', async () => {
    expect(await seedDemoOrganisation(stack.prisma)).toBe(true);
    expect(await seedDemoOrganisation(stack.prisma)).toBe(false);
    expect(await stack.prisma.branch.findMany({ select: { name: true }, orderBy: { name: 'asc' } })).toEqual([{ name: 'Dubai' }, { name: 'Jeddah' }, { name: 'Riyadh HQ' }]);
  });

  it('routes simulated leads by its rules and tells the owner', async () => {
    const uae = { ...fakeSnapchatLead(), phone_number: '+971 50 123 4567', custom_field_1: 'Villa' };
    const villa = fakeMetaLead();
    villa.lead.field_data = [{ name: 'full_name', values: ['Sara'] }, { name: 'phone_number', values: ['0551234567'] }, { name: 'which_unit_type?', values: ['Villa'] }];
    stack.simulator.addMetaLead(villa.lead, villa.form);
    await stack.sender.snapchat(uae);
    await stack.sender.meta(metaDelivery([villa.change]));

    const toDubai = await decisionFor(uae.lead_id);
    expect(toDubai.decision).toMatchObject({ ruleName: 'UAE leads to Dubai', outcome: 'assigned' }); // Dubai works around the clock
    const toRiyadh = await decisionFor(villa.lead.id);
    expect(toRiyadh.decision.ruleName).toBe('Villas and townhouses to Riyadh');
    // Outside Riyadh's hours the fallback desk takes it: assigned either way.
    expect(toRiyadh.decision.outcome).toBe('assigned');
    await waitFor(() => stack.prisma.notification.count({ where: { leadId: { in: [toDubai.lead.id, toRiyadh.lead.id] } } }), (n) => n === 2, { what: 'two owner notifications' });
  });
});

describe('demo users and history', () => {
  const signIn = async (email: string) => {
    const res = await call(stack, 'POST', '/crm/auth/login', { body: { email, password: DEMO_PASSWORD } });
    expect({ email, status: res.status }).toEqual({ email, status: 200 });
    return { authorization: `Bearer ${res.body.accessToken}` };
  };

  it('writes users of every role and months of leads, once', async () => {
    const before = await stack.prisma.lead.count();
    const first = await seedDemo(stack.prisma, { leads: 400 });
    expect(first.organisation).toBe(false); // seeded above
    expect(first.leads).toBe(400);
    expect(new Set(first.users.map((u) => u.role))).toEqual(new Set(['admin', 'manager', 'agent']));

    const again = await seedDemo(stack.prisma, { leads: 400 });
    expect(again.leads).toBe(0);
    expect(await stack.prisma.lead.count()).toBe(before + 400);
    expect(await stack.prisma.user.count()).toBe(first.users.length);

    const demo = await stack.prisma.lead.findMany({ where: { platformLeadId: { startsWith: 'demo-' } } });
    const days = (demo.at(-1)!.receivedAt.getTime() - demo[0]!.receivedAt.getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(60);
    expect(new Set(demo.map((l) => l.platform))).toEqual(new Set(['meta', 'tiktok', 'snapchat']));
    expect(new Set(demo.map((l) => l.status)).size).toBeGreaterThanOrEqual(5);
    expect(demo.some((l) => /[\u0600-\u06FF]/.test(l.fullName))).toBe(true);
    expect(demo.every((l) => l.receivedAt.getTime() <= Date.now())).toBe(true);
  });

  it('lets each demo role sign in and see their share through the API', async () => {
    const admin = await signIn('admin@demo.leadflow');
    const manager = await signIn('omar@demo.leadflow');
    const agent = await signIn('sara@demo.leadflow');
    const total = (await stack.prisma.lead.count());
    const jeddah = await stack.prisma.branch.findUniqueOrThrow({ where: { name: 'Jeddah' } });
    const sara = await stack.prisma.employee.findFirstOrThrow({ where: { email: 'sara@demo.leadflow' } });

    const count = async (headers: Record<string, string>) => {
      let n = 0;
      for (let cursor: string | null = ''; cursor !== null; ) {
        const page = await call(stack, 'GET', `/crm/leads?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers });
        n += page.body.data.length;
        cursor = page.body.nextCursor;
      }
      return n;
    };
    expect(await count(admin)).toBe(total);
    expect(await count(manager)).toBe(await stack.prisma.lead.count({ where: { branchId: jeddah.id } }));
    expect(await count(agent)).toBe(await stack.prisma.lead.count({ where: { assigneeId: sara.id } }));

    // A worked lead reads like the real thing: received → routed with its reason → fanned out → worked.
    const worked = await stack.prisma.lead.findFirstOrThrow({ where: { platformLeadId: { startsWith: 'demo-' }, assigneeId: sara.id, status: { in: ['won', 'proposal'] } } });
    const detail = await call(stack, 'GET', `/crm/leads/${worked.id}`, { headers: agent });
    const types = detail.body.timeline.map((e: { type: string }) => e.type);
    expect(types.filter((t: string) => t !== 'duplicate_detected').slice(0, 4)).toEqual(['received', 'normalized', 'routed', 'assigned']);
    expect(types).toEqual(expect.arrayContaining(['action_done', 'contacted', 'status_changed']));
    expect(detail.body.milestones).toMatchObject({ qualifiedAt: expect.any(String), proposalAt: expect.any(String) });
    expect(detail.body.timeline.find((e: { type: string }) => e.type === 'routed').payload.explanation).toMatch(/Rule|rule/);
    expect(detail.body.actionRuns.length).toBe(6);
    expect((await call(stack, 'GET', '/crm/notifications', { headers: agent })).body.data.length).toBeGreaterThan(0);
    // And the reports have months of history to show (the seed spreads over 90 days; a range
    // starting 92 days ago holds all of it whatever the hour and the branch's timezone).
    const overview = await call(stack, 'GET', '/crm/reports/overview?from=' + new Date(Date.now() - 92 * 86_400_000).toISOString().slice(0, 10), { headers: admin });
    expect(overview.body.totals.leads).toBeGreaterThanOrEqual(400);
    expect(overview.body.totals.won).toBeGreaterThan(0);
  });
});
