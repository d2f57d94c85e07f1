import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { OrganisationReader } from '@leadflow/application';
import type { PrismaClient, SqlPool } from '@leadflow/db';
import { openTestDatabase } from '../support/test-database.js';

// Routing weighs candidates by their open leads (assigned, status new, not contacted). The number is
// kept on the employee by a trigger on lead; every kind of lead write must leave it equal to a count.
let database: Awaited<ReturnType<typeof openTestDatabase>>;
let sql: SqlPool;
let prisma: PrismaClient;
const BRANCH = '00000000-0000-4000-8000-000000000001';
const TEAM = '00000000-0000-4000-8000-000000000002';
const SARA = '00000000-0000-4000-8000-0000000000a1';
const OMAR = '00000000-0000-4000-8000-0000000000a2';
let contactId: string;

beforeAll(async () => {
  database = await openTestDatabase({ poolSize: 8 });
  ({ sql, prisma } = database);
  await prisma.branch.create({ data: { id: BRANCH, name: 'Riyadh', timezone: 'Asia/Riyadh', workingHours: {}, holidays: [] } });
  await prisma.team.create({ data: { id: TEAM, branchId: BRANCH, name: 'Villas', escalation: [] } });
  await prisma.employee.createMany({ data: [{ id: SARA, teamId: TEAM, name: 'Sara', capacity: 3 }, { id: OMAR, teamId: TEAM, name: 'Omar' }] });
  contactId = (await prisma.contact.create({ data: { fullName: 'Lead Person' } })).id;
});

beforeEach(async () => {
  await sql.query('DELETE FROM lead');
});

afterAll(() => database.close());

/** Inserts leads in one statement; each is [assignee or null, status, contacted]. */
async function insertLeads(leads: [string | null, string, boolean][]): Promise<string[]> {
  const inserted = await sql.query<{ id: string }>(
    `INSERT INTO lead (platform, platform_lead_id, contact_id, full_name, answers, received_at, assignee_id, status, contacted_at)
     SELECT 'meta', gen_random_uuid()::text, $1::uuid, 'Lead Person', '{}', now(), l.assignee, l.status::"LeadStatus", CASE WHEN l.contacted THEN now() END
     FROM jsonb_to_recordset($2::jsonb) AS l(assignee uuid, status text, contacted boolean)
     RETURNING id`,
    [contactId, JSON.stringify(leads.map(([assignee, status, contacted]) => ({ assignee, status, contacted })))],
  );
  return inserted.map((row) => row.id);
}

const kept = async () => Object.fromEntries((await sql.query<{ id: string; open_leads: number }>('SELECT id, open_leads FROM employee ORDER BY id')).map((e) => [e.id, e.open_leads]));
const counted = async () =>
  Object.fromEntries(
    (
      await sql.query<{ id: string; n: number }>(
        `SELECT e.id, count(l.id)::int AS n FROM employee e LEFT JOIN lead l ON l.assignee_id = e.id AND l.status = 'new' AND l.contacted_at IS NULL GROUP BY e.id ORDER BY e.id`,
      )
    ).map((e) => [e.id, e.n]),
  );

describe('employee.open_leads', () => {
  it('follows every kind of lead write', async () => {
    const [a, b, c] = await insertLeads([
      [SARA, 'new', false],
      [SARA, 'new', false],
      [OMAR, 'new', false],
    ]);
    await insertLeads([
      [SARA, 'new', true],
      [SARA, 'qualified', false],
      [null, 'new', false],
    ]);
    expect(await kept()).toEqual({ [SARA]: 2, [OMAR]: 1 });

    await sql.query('UPDATE lead SET contacted_at = now() WHERE id = $1::uuid', [a]);
    expect(await kept()).toEqual({ [SARA]: 1, [OMAR]: 1 });
    await sql.query('UPDATE lead SET assignee_id = $2::uuid WHERE id = $1::uuid', [b, OMAR]);
    expect(await kept()).toEqual({ [SARA]: 0, [OMAR]: 2 });
    await sql.query(`UPDATE lead SET status = 'lost' WHERE id = $1::uuid`, [c]);
    expect(await kept()).toEqual({ [SARA]: 0, [OMAR]: 1 });
    await sql.query(`UPDATE lead SET status = 'new', assignee_id = $2::uuid WHERE id = $1::uuid`, [c, SARA]);
    expect(await kept()).toEqual({ [SARA]: 1, [OMAR]: 1 });
    await sql.query('UPDATE lead SET assignee_id = NULL WHERE id = $1::uuid', [b]);
    expect(await kept()).toEqual({ [SARA]: 1, [OMAR]: 0 });
    // A write that leaves the three columns as they were, and one to the rest of the row.
    await sql.query('UPDATE lead SET assignee_id = assignee_id, status = status');
    await sql.query(`UPDATE lead SET tags = '{vip}'`);
    expect(await kept()).toEqual({ [SARA]: 1, [OMAR]: 0 });
    // Many rows in one statement (a bulk reassignment), then deletes.
    await sql.query(`UPDATE lead SET assignee_id = $1::uuid WHERE assignee_id IS NOT NULL OR status = 'new'`, [OMAR]);
    expect(await kept()).toEqual(await counted());
    expect((await kept())[OMAR]).toBe(3);
    await sql.query('DELETE FROM lead WHERE id = $1::uuid', [c]);
    expect(await kept()).toEqual({ [SARA]: 0, [OMAR]: 2 });
    await sql.query('TRUNCATE lead CASCADE');
    expect(await kept()).toEqual({ [SARA]: 0, [OMAR]: 0 });
  });

  it('stays equal to a count under concurrent assignments, reassignments both ways and contacts', async () => {
    const ids = await insertLeads(Array.from({ length: 40 }, (_, i) => [i % 2 ? SARA : OMAR, 'new', false] as [string, string, boolean]));
    // One lead per transaction, as every writer of the service does; each holds its locks a moment,
    // so the opposite reassignments (Sara → Omar and Omar → Sara) really wait on each other.
    const writes = Array.from({ length: 160 }, (_, i) =>
      sql.transaction(async (tx) => {
        const lead = ids[(i * 7) % 40]!;
        await tx.query('UPDATE lead SET assignee_id = $2::uuid WHERE id = $1::uuid', [lead, i % 2 ? SARA : OMAR]);
        await tx.query('SELECT pg_sleep(0.002)');
        if (i % 10 === 0) await tx.query('UPDATE lead SET contacted_at = now() WHERE id = $1::uuid', [lead]);
        if (i % 15 === 0) await tx.query(`UPDATE lead SET status = 'qualified' WHERE id = $1::uuid`, [lead]);
      }),
    );
    const results = await Promise.allSettled(writes);
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    expect(await kept()).toEqual(await counted());
    expect(Object.values(await kept()).reduce((a, b) => a + b)).toBeGreaterThan(10);
  });

  it('is recounted from the leads when it was bypassed', async () => {
    await insertLeads([
      [SARA, 'new', false],
      [OMAR, 'new', false],
    ]);
    await sql.query('UPDATE employee SET open_leads = 99');
    await sql.query('SELECT employee_open_leads_recount()');
    expect(await kept()).toEqual({ [SARA]: 1, [OMAR]: 1 });
  });

  it('is what routing reads for each candidate', async () => {
    await insertLeads([
      [SARA, 'new', false],
      [SARA, 'new', false],
      [SARA, 'new', false],
      [OMAR, 'new', true],
    ]);
    const reader = new OrganisationReader();
    const candidates = await reader.candidates(sql, await reader.load(sql), [TEAM]);
    expect(Object.fromEntries(candidates.map((c) => [c.name, `${c.openLeads}/${c.capacity}`]))).toEqual({ Sara: '3/3', Omar: '0/20' });
  });
});
