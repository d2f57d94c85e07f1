import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fakeMetaLead, metaDelivery } from '@leadflow/simulators';
import Bull from 'bull';
import pg from 'pg';
import { simpleParser } from 'mailparser';
import { SqlPool } from '@leadflow/db';
import { OdooCrmClient, XmlRpcOdooTransport } from '@leadflow/integration-odoo';
import { syncToOdoo } from '../../apps/worker/src/connectors/odoo.executors.js';
import { branch, create, employee, signedIn, team } from '../support/organisation.js';
import { TEST_CONNECTORS, call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
const ids: Record<string, string> = {};
const statusWebhook = () => ({ url: `${stack.apiUrl}/webhooks/whatsapp`, appSecret: TEST_CONNECTORS.WHATSAPP_APP_SECRET });

beforeAll(async () => {
  stack = await startStack({ env: { SCHEDULER_INTERVAL_MS: '150', LOST_JOB_AFTER_SECONDS: '1' } });
  const riyadh = await branch(stack, 'Riyadh HQ');
  const villas = await team(stack, riyadh.id, 'Villas', { products: ['Villa'], odooTeamId: 2, slaMinutes: 15 });
  ids.sara = (await employee(stack, villas.id, 'Sara Al-Harbi', { odooUserId: 5 })).id;
  await create(stack, '/crm/routing/rules', { name: 'All', isDefault: true, teamId: villas.id, strategy: 'round_robin' });
  ids.fanout = (await create(stack, '/crm/automations', {
    name: 'Fan out',
    trigger: 'lead.created',
    actions: [
      { key: 'odoo-lead', type: 'odoo.sync_lead', params: { priority: '2' } },
      { key: 'odoo-todo', type: 'odoo.create_activity', params: { summary: 'Call the new lead' } },
      { key: 'whatsapp', type: 'whatsapp.send_template', params: { template: 'lead_welcome' } },
      { key: 'email', type: 'email.send', params: { template: 'welcome' } },
      { key: 'sheet', type: 'sheets.append_row', params: {} },
    ],
  })).id;
});
afterAll(async () => {
  await stack?.stop();
});

function arabicVillaLead() {
  const sim = fakeMetaLead();
  sim.lead.campaign_name = 'Riyadh villas – spring';
  sim.lead.field_data = [
    { name: 'full_name', values: ['سارة الحربي'] },
    { name: 'email', values: ['sara.h@example.com'] },
    { name: 'phone_number', values: ['0551234567'] },
    { name: 'which_unit_type?', values: ['Villa'] },
  ];
  return sim;
}

const runsDone = (leadId: string, count: number) =>
  waitFor(() => stack.prisma.actionRun.findMany({ where: { leadId } }), (runs) => runs.length === count && runs.every((r) => r.status === 'done' || r.status === 'dead'), { timeoutMs: 20_000, what: `${count} finished runs` });

describe('the whole fan-out for one lead', () => {
  it('creates one Odoo lead and To Do, one WhatsApp template, one email and one row — and a redelivery or a repeated job adds none', async () => {
    const sim = arabicVillaLead();
    stack.simulator.addMetaLead(sim.lead, sim.form);
    const body = metaDelivery([sim.change]);
    await stack.sender.meta(body);
    const lead = await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: sim.lead.id } }), (l) => l?.routingState === 'assigned', { what: 'the routed lead' });
    const runs = await runsDone(lead!.id, 5);
    expect(runs.map((r) => [r.actionKey, r.status, r.lastError])).toEqual(expect.arrayContaining([['odoo-lead', 'done', null], ['odoo-todo', 'done', null], ['whatsapp', 'done', null], ['email', 'done', null], ['sheet', 'done', null]]));

    // Odoo: the lead with team, user, UTM, tags; one To Do for the assignee. Created without a
    // search by our marker (a real Odoo reads every lead's description for one): nothing could have
    // created it before, and the To Do's run waited for the record rather than looking for it.
    const [odooLead] = stack.odoo.records('crm.lead');
    expect(stack.odoo.records('crm.lead')).toHaveLength(1);
    expect(stack.odoo.markerSearches).toBe(0);
    expect(await stack.prisma.odooLeadClaim.count()).toBe(0);
    expect(odooLead).toMatchObject({ name: 'Riyadh villas – spring – سارة الحربي', type: 'lead', contact_name: 'سارة الحربي', email_from: 'sara.h@example.com', phone: '+966551234567', team_id: 2, user_id: 5, priority: '2', country_id: 1 });
    const nameOf = (model: string, id: unknown) => stack.odoo.records(model).find((r) => r.id === id)?.name;
    expect(nameOf('utm.source', odooLead!.source_id)).toBe(lead!.channel === 'instagram' ? 'Instagram' : 'Facebook');
    expect(nameOf('utm.medium', odooLead!.medium_id)).toBe('Paid Social');
    expect(nameOf('utm.campaign', odooLead!.campaign_id)).toBe('Riyadh villas – spring');
    expect((odooLead!.tag_ids as number[]).map((id) => nameOf('crm.tag', id))).toEqual([lead!.channel === 'instagram' ? 'Instagram' : 'Facebook', 'Villa']);
    expect((await stack.prisma.lead.findUnique({ where: { id: lead!.id } }))!.odooLeadId).toBe(odooLead!.id);
    const activities = stack.odoo.records('mail.activity');
    expect(activities).toEqual([expect.objectContaining({ res_id: odooLead!.id, res_model_id: 1, activity_type_id: 4, user_id: 5, summary: 'Call the new lead' })]);
    expect(String(activities[0]!.note)).toContain('https://wa.me/966551234567');

    // WhatsApp: the Arabic template with the lead's first name, branch and assignee.
    expect(stack.simulator.whatsappMessages).toEqual([
      { wamid: expect.stringMatching(/^wamid\./), to: '966551234567', type: 'template', template: { name: 'lead_welcome', language: 'ar', bodyParams: ['سارة', 'Riyadh HQ', 'Sara Al-Harbi'] } },
    ]);

    // Email: one, in Arabic, right to left, with its Message-ID stored.
    expect(stack.smtp.received).toHaveLength(1);
    const mail = await simpleParser(stack.smtp.received[0]!.raw);
    expect(mail.to).toMatchObject({ text: 'sara.h@example.com' });
    expect(mail.subject).toBe('شكراً لاهتمامك يا سارة');
    expect(mail.html).toContain('<html lang="ar" dir="rtl">');
    expect(mail.text).toContain('سيتصل بك Sara Al-Harbi من فرع Riyadh HQ');
    expect(runs.find((r) => r.actionKey === 'email')!.externalId).toBe(mail.messageId);

    // Sheets: one row, the phone kept with its +.
    const rows = stack.simulator.sheetRows(TEST_CONNECTORS.SHEETS_SPREADSHEET_ID, 'Leads');
    expect(rows).toEqual([[lead!.id, lead!.receivedAt.toISOString(), 'meta', 'سارة الحربي', '+966551234567', 'sara.h@example.com', 'Riyadh villas – spring', 'Villa enquiry', 'Villas', 'Sara Al-Harbi', 'new']]);

    // The platform redelivers, and a job is delivered again: nothing more anywhere.
    expect((await stack.sender.meta(body)).body).toEqual({ accepted: 0, duplicates: 1 });
    const { loaded } = stack;
    const again = await Promise.all(
      runs.map(async (run) => {
        const queue = new Bull(`action:${run.actionType}`, loaded.config.redisUrl, { prefix: loaded.config.queue.prefix });
        const job = await queue.add(`execute-action:${run.actionType}`, { actionRunId: run.id, dispatch: run.dispatch }, { jobId: `again-${run.id}` });
        const result = await job.finished();
        await queue.close();
        return result;
      }),
    );
    expect(again).toEqual(['skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(stack.odoo.records('crm.lead')).toHaveLength(1);
    expect(stack.odoo.records('mail.activity')).toHaveLength(1);
    expect(stack.simulator.whatsappMessages).toHaveLength(1);
    expect(stack.smtp.received).toHaveLength(1);
    expect(stack.simulator.sheetRows(TEST_CONNECTORS.SHEETS_SPREADSHEET_ID, 'Leads')).toHaveLength(1);

    // A status change reaches Odoo's stage and the sheet row.
    await call(stack, 'PATCH', `/crm/leads/${lead!.id}/status`, { headers: stack.auth, body: { status: 'contacted' } });
    await call(stack, 'PATCH', `/crm/leads/${lead!.id}/status`, { headers: stack.auth, body: { status: 'qualified' } });
    await waitFor(async () => stack.odoo.records('crm.lead')[0]!.stage_id, (stage) => stage === 2, { what: 'the Qualified stage in Odoo' });
    await waitFor(async () => stack.simulator.sheetRows(TEST_CONNECTORS.SHEETS_SPREADSHEET_ID, 'Leads')[0]![10], (status) => status === 'qualified', { what: 'the sheet row update' });
    // Each mirror job records itself done: the lost-job sweep publishes only one whose job vanished.
    const mirrors = () => stack.prisma.outboxMessage.findMany({ where: { jobName: 'sync-status', jobId: { startsWith: `sync-status:${lead!.id}:` } } });
    await waitFor(mirrors, (rows) => rows.length === 2 && rows.every((r) => r.finishedAt !== null && r.attempts === 1), { what: 'both status mirrors recorded done' });
  });
});

describe('connector failures', () => {
  it("reads the Odoo id a concurrent sync committed while it waited for the lead's lock", async () => {
    const contact = await stack.prisma.contact.create({ data: { fullName: 'Lock test' } });
    // Placed already (`assigned`): an unrouted lead would be routed by the scheduler 10 s later and
    // fan out to every connector in the middle of a later test.
    const lead = await stack.prisma.lead.create({ data: { platform: 'meta', platformLeadId: `lock-${contact.id}`, contactId: contact.id, fullName: 'Lock test', answers: [], receivedAt: new Date(), routingState: 'assigned' } });
    const holder = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    const waiter = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await Promise.all([holder.connect(), waiter.connect()]);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM odoo_sync_lock($1::uuid)', [lead!.id]);
      await waiter.query('BEGIN');
      const waiting = waiter.query<{ odoo_lead_id: number | null }>('SELECT odoo_lead_id FROM odoo_sync_lock($1::uuid)', [lead!.id]);
      await holder.query('UPDATE lead SET odoo_lead_id = 4242 WHERE id = $1::uuid', [lead!.id]);
      await holder.query('COMMIT');
      expect((await waiting).rows).toEqual([{ odoo_lead_id: 4242 }]);
      await waiter.query('ROLLBACK');
      // A lead that does not exist: no row.
      expect((await waiter.query('SELECT * FROM odoo_sync_lock($1::uuid)', ['00000000-0000-4000-8000-000000000000'])).rows).toEqual([]);
    } finally {
      await Promise.all([holder.end(), waiter.end()]);
    }
  });

  it('retries while Odoo is down, then syncs once it is back, without a duplicate', async () => {
    stack.odoo.failNext('http-500', 3);
    const sim = arabicVillaLead();
    stack.simulator.addMetaLead(sim.lead, sim.form);
    const before = stack.odoo.records('crm.lead').length;
    await stack.sender.meta(metaDelivery([sim.change]));
    const lead = await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: sim.lead.id } }), (l) => l?.routingState === 'assigned', { what: 'the lead' });
    const runs = await runsDone(lead!.id, 5);
    const synced = runs.filter((r) => r.actionKey.startsWith('odoo'));
    expect(synced.every((r) => r.status === 'done')).toBe(true);
    expect(synced.reduce((n, r) => n + r.attempts, 0)).toBeGreaterThan(2);
    expect(stack.odoo.records('crm.lead')).toHaveLength(before + 1);
  });

  it('finds, not creates again, the Odoo lead whose create answer was lost', async () => {
    const before = stack.odoo.records('crm.lead').length;
    const searches = stack.odoo.markerSearches;
    stack.odoo.failNext('lost-answer', 1, 'crm.lead.create');
    const sim = arabicVillaLead();
    stack.simulator.addMetaLead(sim.lead, sim.form);
    await stack.sender.meta(metaDelivery([sim.change]));
    const lead = await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: sim.lead.id } }), (l) => l?.routingState === 'assigned', { what: 'the lead' });
    const runs = await runsDone(lead!.id, 5);
    expect(runs.filter((r) => r.actionKey.startsWith('odoo')).map((r) => r.status)).toEqual(['done', 'done']);
    const created = stack.odoo.records('crm.lead').slice(before);
    expect(created).toHaveLength(1);
    expect((await stack.prisma.lead.findUnique({ where: { id: lead!.id } }))!.odooLeadId).toBe(created[0]!.id);
    expect(stack.odoo.records('mail.activity').filter((a) => a.res_id === created[0]!.id)).toHaveLength(1);
    // The claimant's create was done but unanswered: whoever created next looked first.
    expect(stack.odoo.markerSearches).toBeGreaterThan(searches);
    expect(await stack.prisma.odooLeadClaim.count({ where: { leadId: lead!.id } })).toBe(0);
  });

  it('leaves no claim behind when a run read its lead before the Odoo id was stored', async () => {
    const crm = new OdooCrmClient(new XmlRpcOdooTransport({ ...stack.loaded.config.odoo!, timeoutMs: 5_000 }));
    const sql = new SqlPool(stack.env.DATABASE_URL!, { poolSize: 2 });
    try {
      const contact = await stack.prisma.contact.create({ data: { fullName: 'Read early' } });
      const stored = await stack.prisma.lead.create({ data: { platform: 'meta', platformLeadId: `early-${contact.id}`, contactId: contact.id, fullName: 'Read early', answers: [], receivedAt: new Date(), routingState: 'assigned' } });
      const values = { ref: stored.id, name: 'Read early', type: 'lead' as const, answers: [], source: 'Facebook', medium: 'Paid Social', tags: [], priority: '1' as const };
      const { id } = await crm.syncLead(values);
      await stack.prisma.lead.update({ where: { id: stored.id }, data: { odooLeadId: id } });
      // The run's copy of the lead predates the stored id: it claims, then finds the id under the lock.
      const early = { ...stored, odooLeadId: null, assignee: null, team: null, branch: null };
      expect(await syncToOdoo(crm, stack.loaded.config.odoo!, early, sql, { onlyIfMissing: true })).toEqual({ id, created: false });
      expect(await stack.prisma.odooLeadClaim.count({ where: { leadId: stored.id } })).toBe(0);
      expect(stack.odoo.records('crm.lead').filter((r) => String(r.description).includes(stored.id))).toHaveLength(1);
    } finally {
      await sql.end();
    }
  });

  it('dead-letters on an Odoo access fault with Odoo\'s message, alerts the admins, and a replay works once rights are fixed', async () => {
    const admin = await signedIn(stack, { role: 'admin' });
    stack.odoo.denyAccess('crm.lead');
    const sim = arabicVillaLead();
    stack.simulator.addMetaLead(sim.lead, sim.form);
    await stack.sender.meta(metaDelivery([sim.change]));
    const lead = await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: sim.lead.id } }), (l) => l?.routingState === 'assigned', { what: 'the lead' });
    const runs = await runsDone(lead!.id, 5);
    const dead = runs.find((r) => r.actionKey === 'odoo-lead')!;
    expect(dead).toMatchObject({ status: 'dead', attempts: 1, lastError: "odoo AUTH: You are not allowed to access 'Lead/Opportunity' (crm.lead) records." });
    const bell = await call(stack, 'GET', '/crm/notifications', { headers: admin });
    expect(bell.body.data.map((n: { category: string; title: string }) => [n.category, n.title])).toEqual(
      expect.arrayContaining([
        ['action_failed', 'odoo.sync_lead failed for سارة الحربي'],
        ['admin_alert', 'odoo rejected our credentials'],
      ]),
    );

    stack.odoo.denyAccess('crm.lead', false);
    expect((await call(stack, 'POST', `/crm/action-runs/${dead.id}/retry`, { headers: stack.auth })).status).toBe(202);
    await waitFor(() => stack.prisma.actionRun.findUnique({ where: { id: dead.id } }), (r) => r?.status === 'done', { what: 'the replayed run' });
    expect(stack.odoo.records('crm.lead').filter((r) => String(r.description).includes(lead!.id))).toHaveLength(1);
  });

  it('gives up at once on a status mirror Odoo refuses, tells the admins, and sending it again writes the status once rights are back', async () => {
    const admin = await signedIn(stack, { role: 'admin' });
    const sim = arabicVillaLead();
    stack.simulator.addMetaLead(sim.lead, sim.form);
    await stack.sender.meta(metaDelivery([sim.change]));
    const lead = await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: sim.lead.id } }), (l) => l?.routingState === 'assigned', { what: 'the lead' });
    await runsDone(lead!.id, 5);
    const { odooLeadId } = (await stack.prisma.lead.findUnique({ where: { id: lead!.id } }))!;
    const mirrors = () => stack.prisma.outboxMessage.findMany({ where: { jobName: 'sync-status', jobId: { startsWith: `sync-status:${lead!.id}:` } }, orderBy: { id: 'asc' } });
    expect((await call(stack, 'PATCH', `/crm/leads/${lead!.id}/status`, { headers: stack.auth, body: { status: 'contacted' } })).status).toBe(200);
    await waitFor(mirrors, (rows) => rows.length === 1 && rows[0]!.finishedAt !== null, { what: 'the first mirror done' });

    stack.odoo.denyAccess('crm.lead');
    try {
      expect((await call(stack, 'PATCH', `/crm/leads/${lead!.id}/status`, { headers: stack.auth, body: { status: 'qualified' } })).status).toBe(200);
      const [, refused] = await waitFor(mirrors, (rows) => rows.length === 2 && rows[1]!.finishedAt !== null, { what: 'the refused mirror given up' });
      const queue = new Bull('connectors', stack.loaded.config.redisUrl, { prefix: stack.loaded.config.queue.prefix });
      try {
        const job = await waitFor(() => queue.getJob(refused!.jobId), (j) => j?.finishedOn != null, { what: 'the failed job' });
        expect(job!.attemptsMade).toBe(1); // refused for good: not retried with backoff
        expect(await job!.isFailed()).toBe(true);
        const bell = await waitFor(
          async () => (await call(stack, 'GET', '/crm/notifications', { headers: admin })).body.data as { category: string; title: string; body: string; leadId: string }[],
          (list) => list.some((n) => n.leadId === lead!.id && n.title.includes('not mirrored')),
          { what: 'the admin alert' },
        );
        const alert = bell.find((n) => n.leadId === lead!.id && n.title.includes('not mirrored'))!;
        expect(alert).toMatchObject({ category: 'action_failed', title: 'Status of سارة الحربي not mirrored to Odoo and the sheet' });
        expect(alert.body).toContain('not allowed to access');
        expect(alert.body).toContain(`POST /crm/leads/${lead!.id}/sync-status`);
        expect(stack.odoo.records('crm.lead').find((r) => r.id === odooLeadId)!.stage_id).not.toBe(2);

        expect((await call(stack, 'POST', `/crm/leads/00000000-0000-4000-8000-000000000404/sync-status`, { headers: stack.auth })).status).toBe(404);

        // Rights restored, the admin sends it again as the alert says: the lead's current status.
        stack.odoo.denyAccess('crm.lead', false);
        const again = await call(stack, 'POST', `/crm/leads/${lead!.id}/sync-status`, { headers: stack.auth });
        expect(again).toMatchObject({ status: 202, body: { status: 'qualified', jobId: expect.stringMatching(`^sync-status:${lead!.id}:resend:`) } });
        await waitFor(async () => stack.odoo.records('crm.lead').find((r) => r.id === odooLeadId)!.stage_id, (stage) => stage === 2, { what: 'the Qualified stage in Odoo' });
        await waitFor(mirrors, (rows) => rows.length === 3 && rows.every((r) => r.finishedAt !== null), { what: 'the resent mirror recorded done' });
      } finally {
        await queue.close();
      }
    } finally {
      stack.odoo.denyAccess('crm.lead', false);
    }
  });

  it('marks the WhatsApp run failed with the reason when WhatsApp reports 131047, and never moves a status backwards', async () => {
    const sim = arabicVillaLead();
    stack.simulator.addMetaLead(sim.lead, sim.form);
    await stack.sender.meta(metaDelivery([sim.change]));
    const lead = await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: sim.lead.id } }), (l) => l?.routingState === 'assigned', { what: 'the lead' });
    const runs = await runsDone(lead!.id, 5);
    const run = runs.find((r) => r.actionKey === 'whatsapp')!;
    const message = { wamid: run.externalId!, to: '966551234567' };

    expect(await stack.simulator.postStatuses(statusWebhook(), message, ['delivered', 'sent', 'delivered'])).toEqual([200, 200, 200]);
    expect((await stack.prisma.whatsAppMessage.findUnique({ where: { wamid: message.wamid } }))!.status).toBe('delivered');
    await stack.simulator.postStatuses(statusWebhook(), message, ['failed'], { code: 131047, title: 'Re-engagement message' });
    const failed = await stack.prisma.actionRun.findUnique({ where: { id: run.id } });
    expect(failed).toMatchObject({ status: 'failed', lastError: 'whatsapp 131047: Re-engagement message (Re-engagement message)' });
    // A failure reported after the run was done is for a person: it has no job, and the lost-job
    // sweep (past LOST_JOB_AFTER_SECONDS, 1 s here) does not send it again.
    const sent = stack.simulator.whatsappMessages.length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await stack.prisma.actionRun.findUnique({ where: { id: run.id } })).toMatchObject({ status: 'failed', dispatch: failed!.dispatch });
    expect(stack.simulator.whatsappMessages).toHaveLength(sent);
    const timeline = (await call(stack, 'GET', `/crm/leads/${lead!.id}`, { headers: stack.auth })).body.timeline.filter((s: { type: string }) => s.type === 'message_status');
    expect(timeline.map((s: { payload: { status: string } }) => s.payload.status)).toEqual(['delivered', 'failed']);

    const forged = await fetch(statusWebhook().url, { method: 'POST', body: '{"object":"whatsapp_business_account","entry":[]}', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) } });
    expect(forged.status).toBe(403);
  });

  /**
   * A lead's WhatsApp run, done, then put back as an attempt left it mid-send: the send marked by
   * attempt `markedBy(run.attempts)`, no message stored, the lease lapsed — the lease sweep gives
   * the run to another attempt (number `run.attempts + 1`).
   */
  async function leaveMarkedMidSend(markedBy: (attempts: number) => number) {
    const sim = arabicVillaLead();
    stack.simulator.addMetaLead(sim.lead, sim.form);
    await stack.sender.meta(metaDelivery([sim.change]));
    const lead = await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: sim.lead.id } }), (l) => l?.routingState === 'assigned', { what: 'the lead' });
    const run = (await runsDone(lead!.id, 5)).find((r) => r.actionKey === 'whatsapp')!;
    await stack.prisma.whatsAppMessage.deleteMany({ where: { actionRunId: run.id } });
    await stack.prisma.actionRun.update({
      where: { id: run.id },
      data: { status: 'running', leaseUntil: new Date(Date.now() - 1_000), result: { sending: { generation: run.generation, attempt: markedBy(run.attempts), at: new Date().toISOString() } } },
    });
    return { run, sent: stack.simulator.whatsappMessages.length };
  }

  it('stops, for a person to check, a template a worker may have sent before it died', async () => {
    // What a worker killed between the send and storing its answer leaves: its own attempt's mark.
    const { run, sent } = await leaveMarkedMidSend((attempts) => attempts);
    const stopped = await waitFor(() => stack.prisma.actionRun.findUnique({ where: { id: run.id } }), (r) => r?.status === 'dead', { what: 'the run stopped' });
    expect(stopped!.lastError).toMatch(/^whatsapp UNCERTAIN: the worker stopped while this message was being sent/);
    expect(stack.simulator.whatsappMessages).toHaveLength(sent);
  });

  it('sends once when an attempt finds its own mark: committed, its answer lost, the statement retried through an outage', async () => {
    // The next attempt finds a mark naming itself: what its retried mark statement sees after the
    // first try committed and the connection dropped before the answer.
    const { run, sent } = await leaveMarkedMidSend((attempts) => attempts + 1);
    const done = await waitFor(() => stack.prisma.actionRun.findUnique({ where: { id: run.id } }), (r) => r?.status === 'done' && r.attempts === run.attempts + 1, { what: 'the run done again' });
    expect(done!.lastError).toBeNull();
    expect(stack.simulator.whatsappMessages).toHaveLength(sent + 1);
    expect(await stack.prisma.whatsAppMessage.count({ where: { actionRunId: run.id } })).toBe(1);
  });

  it('fails a template send fast when the lead has no valid number', async () => {
    const sim = arabicVillaLead();
    sim.lead.field_data = sim.lead.field_data!.filter((f) => f.name !== 'phone_number');
    stack.simulator.addMetaLead(sim.lead, sim.form);
    await stack.sender.meta(metaDelivery([sim.change]));
    const lead = await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: sim.lead.id } }), (l) => l?.routingState === 'assigned', { what: 'the lead' });
    const runs = await runsDone(lead!.id, 5);
    expect(runs.find((r) => r.actionKey === 'whatsapp')).toMatchObject({ status: 'dead', attempts: 1, lastError: 'whatsapp INVALID: recipient (none) is not an E.164 phone number' });
  });

  it('waits out Sheets 429s and keeps every row', async () => {
    stack.simulator.failNext('sheets', 'rate-limit', 2);
    const before = stack.simulator.sheetRows(TEST_CONNECTORS.SHEETS_SPREADSHEET_ID, 'Leads').length;
    const sims = Array.from({ length: 4 }, () => arabicVillaLead());
    for (const sim of sims) stack.simulator.addMetaLead(sim.lead, sim.form);
    for (const sim of sims) await stack.sender.meta(metaDelivery([sim.change]));
    const leads = await waitFor(() => stack.prisma.lead.findMany({ where: { platformLeadId: { in: sims.map((s) => s.lead.id) } } }), (l) => l.length === 4, { what: 'four leads' });
    await waitFor(() => stack.prisma.actionRun.count({ where: { leadId: { in: leads.map((l) => l.id) }, actionKey: 'sheet', status: 'done' } }), (n) => n === 4, { timeoutMs: 25_000, what: 'four rows written' });
    const rows = stack.simulator.sheetRows(TEST_CONNECTORS.SHEETS_SPREADSHEET_ID, 'Leads').slice(before);
    expect(rows.map((r) => r[0]).sort()).toEqual(leads.map((l) => l.id).sort());
    // Each run's row number is the row that holds its lead (order within the writer is unit-tested).
    const runs = await stack.prisma.actionRun.findMany({ where: { leadId: { in: leads.map((l) => l.id) }, actionKey: 'sheet' } });
    for (const run of runs) expect(rows[Number(run.externalId!.split('!')[1]) - before - 1]![0]).toBe(run.leadId);
  });
});
