import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { IntegrationError } from '@leadflow/integration-common';
import { OdooCrmClient, XmlRpcOdooTransport } from '@leadflow/integration-odoo';
import { OdooSimulator } from './odoo-simulator.js';

// The real XML-RPC client against the simulator: both speak the xmlrpc package's wire format.
const sim = new OdooSimulator({ db: 'demo', login: 'bot@x', apiKey: 'key' });
let crm: OdooCrmClient;
let transport: XmlRpcOdooTransport;

beforeAll(async () => {
  const url = await sim.start();
  transport = new XmlRpcOdooTransport({ url, db: 'demo', username: 'bot@x', apiKey: 'key', timeoutMs: 1500 });
  crm = new OdooCrmClient(transport);
});
afterAll(() => sim.stop());

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
};
const lead = { ref: 'r-1', name: 'Villas – Sara', type: 'lead' as const, contactName: 'Sara', phone: '+966551234567', countryCode: 'SA', answers: [{ label: 'Unit', value: 'Villa <3>' }], source: 'Facebook', medium: 'Paid Social', campaign: 'Spring', tags: ['meta', 'Villa'], priority: '2' as const, teamId: 2, userId: 5 };

describe('Odoo over XML-RPC', () => {
  it('creates a crm.lead with looked-up and created UTM records and tags, then finds it again by its marker', async () => {
    const first = await crm.syncLead(lead);
    expect(first.created).toBe(true);
    const [row] = sim.records('crm.lead');
    expect(row).toMatchObject({ name: 'Villas – Sara', type: 'lead', contact_name: 'Sara', phone: '+966551234567', team_id: 2, user_id: 5, priority: '2', country_id: 1 });
    expect(String(row!.description)).toContain('<b>Unit</b>: Villa &lt;3&gt;');
    expect(sim.records('utm.source').find((r) => r.id === row!.source_id)!.name).toBe('Facebook');
    expect(sim.records('crm.tag').filter((t) => (row!.tag_ids as number[]).includes(t.id)).map((t) => t.name)).toEqual(['meta', 'Villa']);
    // Our create answer was "lost": a second sync finds the lead by the marker instead of creating one.
    const second = await crm.syncLead({ ...lead, name: 'Villas – Sara Al-Harbi' });
    expect(second).toEqual({ id: first.id, created: false });
    expect(sim.records('crm.lead')).toHaveLength(1);
    expect(sim.records('crm.lead')[0]!.name).toBe('Villas – Sara Al-Harbi');
  });

  it('writes a lead it knows the id of in one call, and finds or creates it again once deleted in Odoo', async () => {
    const { id } = await crm.syncLead({ ...lead, ref: 'k-1' });
    sim.calls.clear();
    expect(await crm.syncLead({ ...lead, ref: 'k-1', name: 'Villas – Sara (2)' }, id)).toEqual({ id, created: false });
    expect(Object.fromEntries(sim.calls)).toEqual({ 'crm.lead.write': 1 });
    // Deleted by somebody in Odoo: the stored id is stale; the lead is made again, once.
    await transport.executeKw('crm.lead', 'unlink', [[id]]);
    const again = await crm.syncLead({ ...lead, ref: 'k-1' }, id);
    expect(again).toMatchObject({ created: true });
    expect(await crm.syncLead({ ...lead, ref: 'k-1' }, id)).toEqual({ id: again.id, created: false });
    // A refused reference (a salesperson deleted in Odoo) is the write's error, not a reason to make another lead.
    const before = sim.records('crm.lead').length;
    expect(await failure(crm.syncLead({ ...lead, ref: 'k-1', userId: 999 }, again.id))).toMatchObject({ code: 'NOT_FOUND' });
    expect(sim.records('crm.lead')).toHaveLength(before);
  });

  it('finds a lead by its marker from an index that follows every write, as a scan would', async () => {
    const refs = ['0b7e2d8c-1f4a-4c3e-9a51-3f0d2b6c8e01', '0b7e2d8c-1f4a-4c3e-9a51-3f0d2b6c8e02', '0b7e2d8c-1f4a-4c3e-9a51-3f0d2b6c8e03'];
    const ids = [];
    for (const ref of refs) ids.push((await crm.syncLead({ ...lead, ref })).id);
    expect(await crm.syncLead({ ...lead, ref: refs[1]! })).toEqual({ id: ids[1], created: false });
    const byMarker = (value: string) => transport.executeKw('crm.lead', 'search', [[['description', 'ilike', value]]], { context: { active_test: false } });
    expect(await byMarker(`leadflow REF ${refs[2]}`)).toEqual([ids[2]]);
    // A salesperson rewrites the description without the marker: the lead is ours no more, and a sync creates another.
    sim.salespersonEdit('crm.lead', ids[0]!, { description: 'typed by hand' });
    expect(await byMarker(`LeadFlow ref ${refs[0]}`)).toEqual([]);
    const again = await crm.syncLead({ ...lead, ref: refs[0]! });
    expect(again.created).toBe(true);
    expect(await byMarker(`LeadFlow ref ${refs[0]}`)).toEqual([again.id]);
    // A marker written into another lead is found there too.
    sim.salespersonEdit('crm.lead', ids[2]!, { description: `<p>LeadFlow ref ${refs[0]}</p>` });
    expect(await byMarker(`LeadFlow ref ${refs[0]}`)).toEqual([ids[2], again.id]);
  });

  it('creates one To Do activity per marker with res_model_id from ir.model', async () => {
    const { id } = await crm.syncLead(lead);
    const a = await crm.createActivity({ leadId: id, userId: 5, summary: 'Call Sara', note: ['Call +966551234567'], deadline: '2026-11-22', marker: 'run:1' });
    const b = await crm.createActivity({ leadId: id, userId: 5, summary: 'Call Sara', note: ['Call +966551234567'], deadline: '2026-11-22', marker: 'run:1' });
    expect(b).toEqual({ id: a.id, created: false });
    expect(sim.records('mail.activity')).toEqual([expect.objectContaining({ res_model_id: 1, res_id: id, activity_type_id: 4, user_id: 5, date_deadline: '2026-11-22' })]);
  });

  it('mirrors stage (by name), salesperson and lost (archived) in one write', async () => {
    const { id } = await crm.syncLead(lead);
    expect(await crm.mirrorLead(id, { stageName: 'qualified', userId: 7 })).toEqual({ stageId: 2, userId: 7, active: true });
    expect(sim.records('crm.lead')[0]).toMatchObject({ stage_id: 2, user_id: 7, active: true });
    await crm.mirrorLead(id, { lost: true });
    expect(sim.records('crm.lead')[0]).toMatchObject({ stage_id: 2, active: false });
    await expect(crm.mirrorLead(id, { stageName: 'Negotiation' })).rejects.toThrow('Odoo has no crm.stage named "Negotiation"');
    // Once an admin adds the stage, the next write finds it (a miss is not remembered).
    const added = (await transport.executeKw('crm.stage', 'create', [{ name: 'Negotiation' }])) as number;
    expect(await crm.mirrorLead(id, { stageName: 'Negotiation' })).toMatchObject({ stageId: added });
  });

  it('reads our changed leads in write_date order, archived ones too, from a cursor', async () => {
    // Later than anything the other tests wrote, so only these three count.
    let clock = new Date('2031-01-01T09:00:00.000Z');
    sim.now = () => clock;
    const first = (await crm.syncLead({ ...lead, ref: 'c-1' })).id;
    const second = (await crm.syncLead({ ...lead, ref: 'c-2' })).id;
    sim.salespersonEdit('crm.lead', first, { user_id: 9 }, new Date('2031-01-01T09:05:00.400Z'));
    clock = new Date('2031-01-01T09:03:00.000Z');
    sim.salespersonEdit('crm.lead', second, { active: false, lost_reason_id: 1 });
    // A lead somebody made by hand in Odoo is not ours.
    sim.salespersonEdit('crm.lead', (await crm.syncLead({ ...lead, ref: 'c-3' })).id, { description: 'typed by hand' });
    sim.now = () => new Date();

    const since = { writeDate: '2031-01-01 00:00:00', id: 0 };
    const changes = await crm.changedSince(since, 10);
    expect(changes.map((c) => [c.id, c.writeDateText])).toEqual([[second, '2031-01-01 09:03:00'], [first, '2031-01-01 09:05:00']]);
    expect(changes[0]).toMatchObject({ active: false, lostReason: 'Too expensive', stage: { id: 1, name: 'New' } });
    expect(changes[1]).toMatchObject({ active: true, userId: 9, writeDate: new Date('2031-01-01T09:05:00.000Z') });
    expect((await crm.changedSince({ writeDate: '2031-01-01 09:03:00', id: second }, 10)).map((c) => c.id)).toEqual([first]);
    expect((await crm.changedSince({ writeDate: '2031-01-01 09:03:00', id: 0 }, 1)).map((c) => c.id)).toEqual([second]);
    expect((await crm.changedSince(undefined, 100)).length).toBeGreaterThan(2);
    expect(await crm.stages()).toContainEqual({ id: 4, name: 'Won', isWon: true });
  });

  it('classifies failures: credentials and rights are permanent, outages and lock conflicts retryable', async () => {
    const wrong = new OdooCrmClient(new XmlRpcOdooTransport({ url: sim.url, db: 'demo', username: 'bot@x', apiKey: 'old-key', timeoutMs: 1500 }));
    expect(await failure(wrong.syncLead(lead))).toMatchObject({ code: 'AUTH', message: 'odoo AUTH: Odoo refused the credentials of bot@x on database demo' });
    sim.denyAccess('crm.lead');
    expect(await failure(crm.syncLead({ ...lead, ref: 'r-2' }))).toMatchObject({ code: 'AUTH', message: "odoo AUTH: You are not allowed to access 'Lead/Opportunity' (crm.lead) records." });
    sim.denyAccess('crm.lead', false);
    for (const [kind, code] of [['http-500', 'TEMPORARY'], ['timeout', 'TEMPORARY'], ['lock-conflict', 'TEMPORARY']] as const) {
      sim.failNext(kind, 1);
      expect((await failure(transport.executeKw('crm.lead', 'search', [[]]))).code).toBe(code);
    }
    expect(await failure(transport.executeKw('crm.lead', 'create', [{ name: 'x', colour: 'red' }]))).toMatchObject({ code: 'INVALID', message: "odoo INVALID: Invalid field 'colour' on model 'crm.lead'" });
    expect((await failure(transport.executeKw('crm.lead', 'write', [[999], { name: 'x' }]))).code).toBe('NOT_FOUND');
  });
});
