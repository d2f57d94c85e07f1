import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ORGANISATION_STAMP, OrganisationReader } from '@leadflow/application';
import type { PrismaClient, SqlPool } from '@leadflow/db';
import { openTestDatabase } from '../support/test-database.js';

// Routing reads the organisation for every lead; the reader keeps it until a write moves its stamp.
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let sql: SqlPool;
let prisma: PrismaClient;
const BRANCH = '00000000-0000-4000-8000-000000000001';
const TEAM = '00000000-0000-4000-8000-000000000002';

beforeAll(async () => {
  database = await openTestDatabase();
  ({ sql, prisma } = database);
  await prisma.branch.create({ data: { id: BRANCH, name: 'Riyadh', timezone: 'Asia/Riyadh', workingHours: {}, holidays: [] } });
  await prisma.team.create({ data: { id: TEAM, branchId: BRANCH, name: 'Villas', escalation: [] } });
  await prisma.routingRule.create({ data: { name: 'Everything', position: 0, conditions: [], teamId: TEAM, strategy: 'round_robin', isDefault: true } });
});

afterAll(() => database.close());

describe('OrganisationReader', () => {
  it('keeps what it read until a branch, team, rule or automation changes', async () => {
    const reader = new OrganisationReader();
    const first = await reader.load(sql);
    expect(first.teams.get(TEAM)?.name).toBe('Villas');
    expect(await reader.load(sql)).toBe(first);

    await prisma.team.update({ where: { id: TEAM }, data: { slaMinutes: 15 } });
    const afterTeam = await reader.load(sql);
    expect(afterTeam).not.toBe(first);
    expect(afterTeam.teams.get(TEAM)?.slaMinutes).toBe(15);

    await prisma.routingRule.updateMany({ data: { strategy: 'least_loaded' } });
    expect((await reader.load(sql)).rules[0]!.strategy).toBe('least_loaded');

    await prisma.automation.create({ data: { name: 'Welcome', trigger: 'lead.created', actions: [{ key: 'hi', type: 'notify.user', params: { to: 'assignee' } }] } });
    expect((await reader.load(sql)).automations.map((a) => a.name)).toEqual(['Welcome']);
    await prisma.automation.updateMany({ data: { enabled: false } });
    expect((await reader.load(sql)).automations).toEqual([]);

    await prisma.branch.update({ where: { id: BRANCH }, data: { timezone: 'Asia/Dubai' } });
    expect((await reader.load(prisma)).branches.get(BRANCH)?.timezone).toBe('Asia/Dubai');
  });

  it('reads again after a change that was rolled back, so it never keeps what did not commit', async () => {
    const reader = new OrganisationReader();
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(`UPDATE team SET name = 'Renamed' WHERE id = $1::uuid`, [TEAM]);
        expect((await reader.load(tx)).teams.get(TEAM)?.name).toBe('Renamed');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await reader.load(sql)).teams.get(TEAM)?.name).toBe('Villas');
  });

  it('loads at a stamp read along with another statement: kept while it matches, read again when it moves', async () => {
    const reader = new OrganisationReader();
    const stampNow = async () => (await sql.query<{ stamp: string }>(`SELECT id, ${ORGANISATION_STAMP} AS stamp FROM team WHERE id = $1::uuid`, [TEAM]))[0]!.stamp;
    const before = await stampNow();
    const first = await reader.loadAt(sql, before);
    expect(await reader.loadAt(sql, before)).toBe(first);

    await prisma.team.update({ where: { id: TEAM }, data: { name: 'Villas North' } });
    const after = await stampNow();
    expect(after).not.toBe(before);
    const moved = await reader.loadAt(sql, after);
    expect(moved).not.toBe(first);
    expect(moved.teams.get(TEAM)?.name).toBe('Villas North');
    expect(await reader.loadAt(sql, after)).toBe(moved);
    // No stamp (nothing to compare with): read, and not kept.
    expect(await reader.loadAt(sql, null)).not.toBe(moved);
    expect(await reader.loadAt(sql, after)).toBe(moved);
  });
});
