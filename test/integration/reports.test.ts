import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import type { Prisma } from '@leadflow/db';
import { CONTACT_MINUTE_BUCKETS } from '@leadflow/domain';
import { branch, employee, signedIn, team } from '../support/organisation.js';
import { call, startStack, type Stack } from '../support/stack.js';

/**
 * A fixed dataset whose figures are computed by hand below. Riyadh is UTC+3, Dubai UTC+4: L1 and L5
 * arrive at the same instant but on different local days, and L2 crosses Riyadh's midnight.
 */
let stack: Stack;
const ids: Record<string, string> = {};
const at = (iso: string) => new Date(iso);
const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);

async function lead(name: string, data: Partial<Prisma.LeadUncheckedCreateInput> & { receivedAt: Date; platform: 'meta' | 'tiktok' | 'snapchat' }) {
  const contact = await stack.prisma.contact.create({ data: { fullName: name, phone: `+96655${String(Object.keys(ids).length).padStart(7, '0')}` } });
  const row = await stack.prisma.lead.create({
    data: { platformLeadId: `fixed-${name}`, fullName: name, contactId: contact.id, answers: [], routingState: 'assigned', ...data },
  });
  ids[name] = row.id;
  return row;
}

beforeAll(async () => {
  stack = await startStack({ worker: false });
  const riyadh = await branch(stack, 'Riyadh', { timezone: 'Asia/Riyadh' });
  const dubai = await branch(stack, 'Dubai', { timezone: 'Asia/Dubai' });
  const villas = await team(stack, riyadh.id, 'Villas');
  const desk = await team(stack, dubai.id, 'Desk');
  Object.assign(ids, { riyadh: riyadh.id, dubai: dubai.id, villas: villas.id, desk: desk.id });
  ids.sara = (await employee(stack, villas.id, 'Sara')).id;
  ids.omar = (await employee(stack, villas.id, 'Omar')).id;
  ids.lina = (await employee(stack, desk.id, 'Lina')).id;
  const inRiyadh = (assigneeId: string) => ({ branchId: riyadh.id, teamId: villas.id, assigneeId });
  const c1 = { campaignId: 'C1', campaignName: 'Spring villas' };

  const r1 = at('2026-03-01T20:30:00Z'); // Riyadh 23:30 on 1 March
  await lead('L1', { platform: 'meta', receivedAt: r1, ...c1, ...inRiyadh(ids.sara), status: 'won', contactedAt: plus(r1, 5), slaDueAt: plus(r1, 15), qualifiedAt: plus(r1, 60), proposalAt: plus(r1, 120), closedAt: plus(r1, 180) });
  const r2 = at('2026-03-01T21:30:00Z'); // Riyadh 00:30 on 2 March
  await lead('L2', { platform: 'meta', receivedAt: r2, ...c1, ...inRiyadh(ids.sara), status: 'lost', contactedAt: plus(r2, 20), slaDueAt: plus(r2, 15), qualifiedAt: plus(r2, 30), closedAt: plus(r2, 90), lostReason: 'Budget too low' });
  const r3 = at('2026-03-02T10:00:00Z');
  await lead('L3', { platform: 'tiktok', receivedAt: r3, campaignId: 'C2', campaignName: 'Land plots', ...inRiyadh(ids.omar), status: 'contacted', contactedAt: plus(r3, 3), slaDueAt: plus(r3, 15) });
  const r4 = at('2026-03-02T12:00:00Z');
  await lead('L4', { platform: 'snapchat', receivedAt: r4, ...inRiyadh(ids.omar), status: 'new', slaDueAt: plus(r4, 15), slaBreachedAt: plus(r4, 15), duplicateOfId: ids.L3 });
  const r5 = at('2026-03-01T20:30:00Z'); // Dubai 00:30 on 2 March
  await lead('L5', { platform: 'meta', receivedAt: r5, ...c1, branchId: dubai.id, teamId: desk.id, assigneeId: ids.lina, status: 'lost', contactedAt: plus(r5, 90), slaDueAt: plus(r5, 30), closedAt: plus(r5, 120), lostReason: 'Bought elsewhere' });

  const automation = await stack.prisma.automation.create({ data: { name: 'Fan out', trigger: 'lead.created', actions: [] } });
  const run = (leadId: string, actionKey: string, actionType: string, status: 'done' | 'dead') =>
    stack.prisma.actionRun.create({ data: { leadId, automationId: automation.id, actionKey, actionType, status, maxAttempts: 5, createdAt: at('2026-03-01T12:00:00Z') } });
  await run(ids.L1!, 'wa', 'whatsapp.send_template', 'done');
  await run(ids.L1!, 'odoo', 'odoo.sync_lead', 'done');
  await run(ids.L2!, 'wa', 'whatsapp.send_template', 'dead');
});
afterAll(async () => {
  await stack?.stop();
});

const report = async (path: string, headers = stack.auth) => {
  const res = await call(stack, 'GET', `/crm/reports/${path}`, { headers });
  expect({ path, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ path, status: 200, body: undefined });
  return res.body;
};
const RANGE = 'from=2026-03-01&to=2026-03-02';

describe('reports on a fixed dataset', () => {
  it('counts leads per local day of their branch, across midnight and timezones', async () => {
    const body = await report(`leads?${RANGE}&groupBy=platform&interval=day`);
    expect(body.rows.map((r: { period: string; key: string; leads: number }) => [r.period, r.key, r.leads])).toEqual([
      ['2026-03-01', 'meta', 1],
      ['2026-03-02', 'meta', 2],
      ['2026-03-02', 'snapchat', 1],
      ['2026-03-02', 'tiktok', 1],
    ]);
    expect(body.totals).toEqual({ leads: 5, contacted: 4, qualified: 2, proposal: 1, won: 1, lost: 2, duplicates: 1, contactedRate: 0.8, qualifiedRate: 0.4, wonRate: 0.2, duplicateRate: 0.2 });
    // 1 March is a Sunday: ISO weeks put it with the week of 23 February.
    const weeks = await report(`leads?${RANGE}&groupBy=branch&interval=week`);
    expect(weeks.rows.map((r: { period: string; label: string; leads: number }) => [r.period, r.label, r.leads])).toEqual([
      ['2026-02-23', 'Riyadh', 1],
      ['2026-03-02', 'Riyadh', 3],
      ['2026-03-02', 'Dubai', 1],
    ]);
    expect((await report(`leads?from=2026-03-01&to=2026-03-01`)).totals.leads).toBe(1);
  });

  it('groups by campaign with its name, and by employee', async () => {
    const campaigns = await report(`leads?${RANGE}&groupBy=campaign&interval=month`);
    expect(campaigns.rows.map((r: { key: string | null; label: string; leads: number; wonRate: number }) => [r.key, r.label, r.leads, r.wonRate])).toEqual([
      ['C1', 'Spring villas', 3, 0.3333],
      [null, '(none)', 1, 0],
      ['C2', 'Land plots', 1, 0],
    ]);
    const people = await report(`leads?${RANGE}&groupBy=employee&interval=month`);
    expect(Object.fromEntries(people.rows.map((r: { label: string; leads: number }) => [r.label, r.leads]))).toEqual({ Sara: 2, Omar: 2, Lina: 1 });
    expect((await report(`leads?${RANGE}&platform=meta`)).totals.leads).toBe(3);
  });

  it('computes the funnel', async () => {
    const funnel = await report(`funnel?${RANGE}`);
    expect(funnel.stages).toEqual([
      { stage: 'received', leads: 5, fromPrevious: null, fromReceived: 1 },
      { stage: 'contacted', leads: 4, fromPrevious: 0.8, fromReceived: 0.8 },
      { stage: 'qualified', leads: 2, fromPrevious: 0.5, fromReceived: 0.4 },
      { stage: 'proposal', leads: 1, fromPrevious: 0.5, fromReceived: 0.2 },
      { stage: 'won', leads: 1, fromPrevious: 1, fromReceived: 0.2 },
    ]);
    expect(funnel.lost).toBe(2);
  });

  it('computes time to first contact and SLA compliance per employee and overall', async () => {
    const body = await report(`first-contact?${RANGE}&by=employee`);
    const rows = Object.fromEntries(body.rows.map((r: { label: string }) => [r.label, r]));
    expect(rows.Sara).toMatchObject({ contacted: 2, medianMinutes: 5, p90Minutes: 20, slaMet: 1, slaBreached: 1, slaCompliance: 0.5 });
    expect(rows.Omar).toMatchObject({ contacted: 1, medianMinutes: 3, p90Minutes: 3, slaMet: 1, slaBreached: 1, slaCompliance: 0.5 });
    expect(rows.Lina).toMatchObject({ contacted: 1, medianMinutes: 90, p90Minutes: 90, slaMet: 0, slaBreached: 1, slaCompliance: 0 });
    expect(body.overall).toEqual({ contacted: 4, medianMinutes: 5, p90Minutes: 90, slaMet: 2, slaBreached: 3, slaCompliance: 0.4 });
  });

  it('computes action success per connector', async () => {
    const body = await report(`actions?${RANGE}`);
    expect(body.connectors).toEqual([
      { connector: 'odoo', done: 1, dead: 0, successRate: 1 },
      { connector: 'whatsapp', done: 1, dead: 1, successRate: 0.5 },
    ]);
  });

  it('gives the dashboard in one call, scoped to what each role may see', async () => {
    const overview = await report(`overview?${RANGE}`);
    expect(overview).toMatchObject({ totals: { leads: 5, open: 2, won: 1, lost: 2 }, byPlatform: { meta: 3, tiktok: 1, snapchat: 1 }, today: 0, firstContact: { medianMinutes: 5 }, actions: { done: 2, dead: 1, successRate: 0.6667 } });

    const manager = await signedIn(stack, { role: 'manager', branchId: ids.riyadh });
    expect((await report(`overview?${RANGE}`, manager)).totals.leads).toBe(4);
    // Admins read campaigns with every branch together, managers their branch's share.
    const campaigns = async (headers: Record<string, string>) =>
      Object.fromEntries((await report(`leads?${RANGE}&groupBy=campaign&interval=month`, headers)).rows.map((r: { label: string; leads: number }) => [r.label, r.leads]));
    expect(await campaigns(stack.auth)).toEqual({ 'Spring villas': 3, 'Land plots': 1, '(none)': 1 });
    expect(await campaigns(manager)).toEqual({ 'Spring villas': 2, 'Land plots': 1, '(none)': 1 });
    const sara = await signedIn(stack, { role: 'agent', employeeId: ids.sara });
    expect((await report(`leads?${RANGE}`, sara)).totals).toMatchObject({ leads: 2, won: 1, lost: 1 });
    expect((await call(stack, 'GET', `/crm/reports/actions?${RANGE}`, { headers: sara })).status).toBe(403);
  });

  it('follows changes to the leads at once', async () => {
    // Omar's new lead is finally reached, and one of Sara's moves to Omar.
    await stack.prisma.lead.update({ where: { id: ids.L4 }, data: { status: 'contacted', contactedAt: at('2026-03-02T14:00:00Z') } });
    await stack.prisma.lead.update({ where: { id: ids.L2 }, data: { assigneeId: ids.omar } });
    const people = await report(`leads?${RANGE}&groupBy=employee&interval=month`);
    expect(Object.fromEntries(people.rows.map((r: { label: string; leads: number }) => [r.label, r.leads]))).toEqual({ Sara: 1, Omar: 3, Lina: 1 });
    const omar = (await report(`first-contact?${RANGE}&by=employee`)).rows.find((r: { label: string }) => r.label === 'Omar');
    // 3, 20 and 120 minutes (two hours: still on the exact scale's boundary, counted to ten minutes).
    expect(omar).toMatchObject({ contacted: 3, medianMinutes: 20, p90Minutes: 120, slaMet: 1, slaBreached: 2 });
    expect((await report(`funnel?${RANGE}`)).stages[1]).toMatchObject({ stage: 'contacted', leads: 5 });
  });

  it('reads long ranges from week and month rows with the same figures as day by day', async () => {
    // After the changes above. Local days: L1 on 1 March (a Sunday), the rest on 2 March.
    const byDay = await report(`leads?${RANGE}&groupBy=employee&interval=day`);
    const contactByDay = await report(`first-contact?${RANGE}&by=employee`);
    // February and March as two month rows; then 2 March onwards, the week of 2 March first.
    for (const [range, leads] of [['from=2026-02-01&to=2026-03-31', 5], ['from=2026-03-02&to=2026-05-31', 4], ['from=2026-02-23&to=2026-03-01', 1], ['from=2025-12-07&to=2026-12-06', 5]] as const) {
      expect({ range, leads: (await report(`leads?${range}`)).totals.leads }).toEqual({ range, leads });
    }
    const year = 'from=2025-12-07&to=2026-12-06';
    expect((await report(`leads?${year}&groupBy=employee&interval=month`)).totals).toEqual(byDay.totals);
    const months = await report(`leads?${year}&groupBy=employee&interval=month`);
    expect(months.rows.map((r: { period: string; label: string; leads: number; contacted: number }) => [r.period, r.label, r.leads, r.contacted])).toEqual([
      ['2026-03-01', 'Omar', 3, 3],
      ['2026-03-01', 'Lina', 1, 1],
      ['2026-03-01', 'Sara', 1, 1],
    ]);
    const weeks = await report(`leads?${year}&groupBy=platform&interval=week`);
    expect(weeks.rows.map((r: { period: string; key: string; leads: number }) => [r.period, r.key, r.leads])).toEqual([
      ['2026-02-23', 'meta', 1],
      ['2026-03-02', 'meta', 2],
      ['2026-03-02', 'snapchat', 1],
      ['2026-03-02', 'tiktok', 1],
    ]);
    expect((await report(`funnel?${year}`)).stages).toEqual((await report(`funnel?${RANGE}`)).stages);
    expect(await report(`first-contact?${year}&by=employee`)).toEqual({ ...contactByDay, from: '2025-12-07', to: '2026-12-06' });
    expect((await report(`overview?${year}`)).totals).toEqual((await report(`overview?${RANGE}`)).totals);
    // Every lead counted once per span at every grain; the wider ones leave out the platform or the branch.
    const spans = await stack.prisma.$queryRawUnsafe<{ grain: string; day: number; week: number; month: number; platforms: number; branches: number }[]>(
      `SELECT grain, sum(leads) FILTER (WHERE span = 'day')::int AS day, sum(leads) FILTER (WHERE span = 'week')::int AS week, sum(leads) FILTER (WHERE span = 'month')::int AS month,
              count(DISTINCT platform)::int AS platforms, count(DISTINCT branch_id)::int AS branches
       FROM lead_daily_stats WHERE grain IN ('owner', 'people', 'campaign', 'campaign_all') GROUP BY grain ORDER BY grain`,
    );
    expect(spans).toEqual([
      { grain: 'campaign', day: 5, week: 5, month: 5, platforms: 3, branches: 2 },
      { grain: 'campaign_all', day: 5, week: 5, month: 5, platforms: 3, branches: 0 },
      { grain: 'owner', day: 5, week: 5, month: 5, platforms: 3, branches: 2 },
      { grain: 'people', day: 5, week: 5, month: 5, platforms: 0, branches: 2 },
    ]);
  });

  it('buckets time to first contact the same way in the database and in the reports', async () => {
    const probes = [0, 1, 9, 10, 14, 15, 59, 60, 119, 120, 1439, 1440, 10079, 10080, 99999];
    const rows = await stack.prisma.$queryRawUnsafe<{ m: number; b: number }[]>(`SELECT m, report_contact_bucket(m) AS b FROM unnest($1::int[]) AS m`, probes);
    for (const { m, b } of rows) {
      const expected = CONTACT_MINUTE_BUCKETS.filter((lower) => lower <= m).length;
      expect({ m, b }).toEqual({ m, b: expected });
    }
    expect(CONTACT_MINUTE_BUCKETS).toHaveLength(32);
  });

  it('refuses bad ranges with the reason', async () => {
    const bad = async (query: string) => (await call(stack, 'GET', `/crm/reports/leads?${query}`, { headers: stack.auth })).body;
    expect(await bad('from=2026-03-05&to=2026-03-01')).toMatchObject({ statusCode: 400, message: 'from must not be after to' });
    expect(await bad('from=2026-02-30')).toMatchObject({ statusCode: 400, message: ['from must be a calendar day YYYY-MM-DD'] });
    expect(await bad('from=2024-01-01&to=2026-01-01')).toMatchObject({ statusCode: 400, message: 'a report covers at most 400 days' });
    expect(await bad('groupBy=colour')).toMatchObject({ statusCode: 400 });
  });

  // Last: it moves Dubai to Riyadh's timezone.
  it("moves a branch's leads to their new local days when its timezone changes, and later changes take them off the right day", async () => {
    const perDay = async () => {
      const body = await report(`leads?${RANGE}&groupBy=branch&interval=day`);
      return body.rows.map((r: { period: string; label: string; leads: number; lost: number }) => [r.period, r.label, r.leads, r.lost]);
    };
    expect(await perDay()).toEqual([
      ['2026-03-01', 'Riyadh', 1, 0],
      ['2026-03-02', 'Riyadh', 3, 1],
      ['2026-03-02', 'Dubai', 1, 1],
    ]);
    // L5 came at 20:30 UTC: 00:30 on 2 March in Dubai, 23:30 on 1 March in Riyadh's zone.
    const moved = await call(stack, 'PATCH', `/crm/branches/${ids.dubai}`, { headers: stack.auth, body: { timezone: 'Asia/Riyadh' } });
    expect(moved.status).toBe(200);
    expect(await perDay()).toEqual([
      ['2026-03-01', 'Dubai', 1, 1],
      ['2026-03-01', 'Riyadh', 1, 0],
      ['2026-03-02', 'Riyadh', 3, 1],
    ]);
    // A later change of L5 takes it off the day it is counted on (not the one it was first counted on).
    await stack.prisma.lead.update({ where: { id: ids.L5 }, data: { status: 'won', lostReason: null } });
    expect(await perDay()).toEqual([
      ['2026-03-01', 'Dubai', 1, 0],
      ['2026-03-01', 'Riyadh', 1, 0],
      ['2026-03-02', 'Riyadh', 3, 1],
    ]);
    const [negative] = await stack.prisma.$queryRawUnsafe<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM lead_daily_stats WHERE leads < 0 OR won < 0 OR lost < 0 OR contacted < 0',
    );
    expect(negative).toEqual({ n: 0 });
    // The month and week rows followed, and every rollup equals a rebuild from the leads.
    expect((await report(`leads?from=2026-02-01&to=2026-03-31`)).totals).toMatchObject({ leads: 5, won: 2, lost: 1 });
    const snapshot = () =>
      stack.prisma.$queryRawUnsafe<unknown[]>(
        `SELECT grain, span, day::text, platform, branch_id, employee_id, campaign_id, leads, contacted, won, lost, sla_met, sla_breached
         FROM lead_daily_stats WHERE leads <> 0 OR contacted <> 0 OR won <> 0 OR lost <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7`,
      );
    const kept = await snapshot();
    // Counts damaged by hand (as a trigger-off load would leave them) come back from the leads —
    // the way ops run it, `pnpm reports:rebuild`.
    await stack.prisma.$executeRawUnsafe(`UPDATE lead_daily_stats SET leads = leads + 100 WHERE grain = 'people'`);
    expect(await snapshot()).not.toEqual(kept);
    const rebuilt = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['packages/application/dist/reports/rebuild.cli.js'], { env: { ...process.env, ...stack.env } }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout))),
    );
    expect(rebuilt).toMatch(/^report rollups rebuilt from \d+ counted changes/);
    expect(await snapshot()).toEqual(kept);
  });

  it("counts today's leads on each branch's own day", async () => {
    // 11 hours ahead of Riyadh and 14 behind: at any hour one of them is not on Riyadh's date.
    for (const timezone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const far = await branch(stack, timezone, { timezone });
      await lead(`Now in ${timezone}`, { platform: 'meta', receivedAt: new Date(), branchId: far.id });
    }
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    expect((await report(`overview?from=${day(-2)}&to=${day(2)}`)).today).toBe(2);
  });
});
