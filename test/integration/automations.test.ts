import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ACTION_EXECUTORS, NotifyUserExecutor, actionRunJobId, type ActionExecutor } from '@leadflow/application';
import { IntegrationError } from '@leadflow/integration-common';
import { fakeSnapchatLead } from '@leadflow/simulators';
import Bull from 'bull';
import { branch, create, employee, signedIn, team } from '../support/organisation.js';
import { call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

/** An email connector stand-in that fails with a temporary error until told to recover. */
class FlakyEmail implements ActionExecutor {
  readonly type = 'email.send' as const;
  failing = true;
  calls = 0;
  async execute() {
    this.calls += 1;
    if (this.failing) throw new IntegrationError('email', 'TEMPORARY', 'SMTP server said 421 try again later');
    return { externalId: `<mail-${this.calls}@test>` };
  }
}

const flaky = new FlakyEmail();
let stack: Stack;
const ids: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack({
    env: { SCHEDULER_INTERVAL_MS: '150', LOST_JOB_AFTER_SECONDS: '1' },
    overrideWorker: (builder) => builder.overrideProvider(ACTION_EXECUTORS).useFactory({ factory: (notify: NotifyUserExecutor) => [notify, flaky], inject: [NotifyUserExecutor] }),
  });
  const hq = await branch(stack, 'HQ');
  const desk = await team(stack, hq.id, 'Desk');
  ids.owner = (await employee(stack, desk.id, 'Owner')).id;
  ids.manager = (await employee(stack, desk.id, 'Manager', { active: false })).id;
  await call(stack, 'PATCH', `/crm/teams/${desk.id}`, { headers: stack.auth, body: { managerId: ids.manager } });
  await create(stack, '/crm/routing/rules', { name: 'All', isDefault: true, teamId: desk.id, strategy: 'round_robin' });

  ids.tellOwner = (await create(stack, '/crm/automations', {
    name: 'Tell the owner',
    trigger: 'lead.assigned',
    actions: [{ key: 'tell-owner', type: 'notify.user', params: { to: 'assignee', title: 'New lead: {{lead.fullName}}', body: 'Call {{lead.phone}}' } }],
  })).id;
  ids.qualified = (await create(stack, '/crm/automations', {
    name: 'Qualified → manager',
    trigger: 'lead.status_changed',
    toStatus: 'qualified',
    actions: [{ key: 'tell-manager', type: 'notify.user', params: { to: 'manager', title: '{{lead.fullName}} is qualified' } }],
  })).id;
  ids.email = (await create(stack, '/crm/automations', {
    name: 'Email flaky campaign',
    trigger: 'lead.created',
    conditions: [{ field: 'campaign.name', op: 'equals', value: 'flaky' }],
    actions: [{ key: 'mail', type: 'email.send', params: { template: 'welcome' } }],
  })).id;
  ids.odoo = (await create(stack, '/crm/automations', {
    name: 'Odoo',
    trigger: 'lead.created',
    conditions: [{ field: 'campaign.name', op: 'equals', value: 'odoo' }],
    actions: [{ key: 'odoo', type: 'odoo.sync_lead', params: {} }],
  })).id;
});
afterAll(async () => {
  await stack?.stop();
});

async function newLead(over: Record<string, unknown> = {}) {
  const payload = { ...fakeSnapchatLead(), campaign_name: 'plain', ...over };
  await stack.sender.snapchat(payload);
  return waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: payload.lead_id } }), (l) => l?.routingState === 'assigned', { what: 'an assigned lead' });
}
const runOf = (leadId: string, automationId: string) =>
  waitFor(() => stack.prisma.actionRun.findFirst({ where: { leadId, automationId } }), Boolean, { what: 'the action run' });
const runDone = (id: string, check: (r: any) => boolean = (r) => r?.status === 'done') => waitFor(() => stack.prisma.actionRun.findUnique({ where: { id } }), check, { what: `run ${id}` });

describe('automations', () => {
  it('runs the actions of a fired trigger: one notification to the new owner, on the timeline', async () => {
    const lead = await newLead({ first_name: 'Sara', last_name: 'Al-Harbi', phone_number: '0551234567' });
    const run = await runOf(lead!.id, ids.tellOwner);
    const done = await runDone(run!.id);
    expect(done).toMatchObject({ status: 'done', attempts: 1, dispatch: 1, actionType: 'notify.user' });
    const notes = await stack.prisma.notification.findMany({ where: { leadId: lead!.id } });
    expect(notes).toEqual([expect.objectContaining({ employeeId: ids.owner, title: 'New lead: Sara Al-Harbi', body: 'Call +966551234567', actionRunId: run!.id })]);
    expect(done!.externalId).toBe(notes[0]!.id);
    const timeline = (await call(stack, 'GET', `/crm/leads/${lead!.id}`, { headers: stack.auth })).body.timeline;
    expect(timeline.find((s: { type: string }) => s.type === 'action_done').payload).toMatchObject({ actionKey: 'tell-owner', externalId: notes[0]!.id });
    const owner = await signedIn(stack, { role: 'agent', employeeId: ids.owner });
    const listed = await call(stack, 'GET', '/crm/notifications?unread=true', { headers: owner });
    expect(listed.body.data.map((n: { id: string }) => n.id)).toContain(notes[0]!.id);
  });

  it('starts the runs in the transaction that fired the trigger, each queued under its dispatch job id', async () => {
    const lead = await newLead();
    // Committed with the assignment: the run is there as soon as the lead is assigned, with no job in between.
    const runs = await stack.prisma.actionRun.findMany({ where: { leadId: lead!.id } });
    expect(runs.map((r) => r.actionKey)).toEqual(['tell-owner']);
    const jobs = await stack.prisma.outboxMessage.findMany({ where: { jobId: { contains: runs[0]!.id } } });
    expect(jobs.map((j) => [j.queue, j.jobName, j.jobId, j.payload])).toEqual([
      ['action:notify.user', 'execute-action:notify.user', actionRunJobId(runs[0]!.id, runs[0]!.dispatch), { actionRunId: runs[0]!.id, dispatch: runs[0]!.dispatch }],
    ]);
    expect(await stack.prisma.outboxMessage.count({ where: { jobName: 'run-automations', jobId: { contains: lead!.id } } })).toBe(0);
    await runDone(runs[0]!.id);
  });

  it('performs an action once when its job is delivered twice or the trigger fires again', async () => {
    const lead = await newLead();
    const run = await runDone((await runOf(lead!.id, ids.tellOwner))!.id);
    const { loaded } = stack;
    const actions = new Bull('action:notify.user', loaded.config.redisUrl, { prefix: loaded.config.queue.prefix });
    const automations = new Bull('automations', loaded.config.redisUrl, { prefix: loaded.config.queue.prefix });
    try {
      const dup = await actions.add('execute-action:notify.user', { actionRunId: run!.id, dispatch: run!.dispatch }, { jobId: `duplicate-${run!.id}` });
      const refire = await automations.add('run-automations', { leadId: lead!.id, trigger: 'lead.assigned' }, { jobId: `refire-${lead!.id}` });
      await waitFor(async () => [await dup.finished(), await refire.finished()], () => true, { what: 'both jobs' });
      expect(await dup.finished()).toBe('skipped');
      expect(await refire.finished()).toBe(0); // no new runs
    } finally {
      await actions.close();
      await automations.close();
    }
    expect(await stack.prisma.notification.count({ where: { leadId: lead!.id } })).toBe(1);
    expect(await stack.prisma.actionRun.count({ where: { leadId: lead!.id } })).toBe(1);
    expect((await stack.prisma.actionRun.findUnique({ where: { id: run!.id } }))!.attempts).toBe(1);
  });

  it('attempts a run once when several jobs for it arrive together (their claims share one statement)', async () => {
    const lead = await newLead();
    const run = await runDone((await runOf(lead!.id, ids.tellOwner))!.id);
    // A failed attempt waiting for a dispatch no queued job has; then five jobs for it at once.
    await stack.prisma.actionRun.update({ where: { id: run!.id }, data: { status: 'failed', dispatch: run!.dispatch + 1, finishedAt: null } });
    const { loaded } = stack;
    const actions = new Bull('action:notify.user', loaded.config.redisUrl, { prefix: loaded.config.queue.prefix });
    try {
      const data = { actionRunId: run!.id, dispatch: run!.dispatch + 1 };
      const jobs = await actions.addBulk([1, 2, 3, 4, 5].map((n) => ({ name: 'execute-action:notify.user', data, opts: { jobId: `together-${n}-${run!.id}` } })));
      const outcomes = await Promise.all(jobs.map((job) => job.finished()));
      expect(outcomes.sort()).toEqual(['done', 'skipped', 'skipped', 'skipped', 'skipped']);
    } finally {
      await actions.close();
    }
    const after = await stack.prisma.actionRun.findUnique({ where: { id: run!.id } });
    expect(after).toMatchObject({ status: 'done', attempts: run!.attempts + 1, dispatch: run!.dispatch + 1 });
    const steps = await stack.prisma.leadEvent.count({ where: { leadId: lead!.id, type: 'action_done' } });
    expect(steps).toBe(2); // the first attempt's and this one's
  });

  it('finishes a run whose worker died mid-attempt without repeating what it already did', async () => {
    const lead = await newLead();
    const run = await runDone((await runOf(lead!.id, ids.tellOwner))!.id);
    // The worker died after the notification was written but before the run was marked done:
    // the row still says running, and its lease has lapsed.
    await stack.prisma.actionRun.update({ where: { id: run!.id }, data: { status: 'running', leaseUntil: new Date(Date.now() - 1000), finishedAt: null } });
    const recovered = await runDone(run!.id, (r) => r?.status === 'done' && r.dispatch === 2);
    expect(recovered).toMatchObject({ attempts: 2, generation: 1, externalId: run!.externalId });
    expect(await stack.prisma.notification.count({ where: { leadId: lead!.id } })).toBe(1);
  });

  it('retries a failing action with backoff, dead-letters it after the last attempt, and replays it', async () => {
    flaky.failing = true;
    const lead = await newLead({ campaign_name: 'flaky' });
    const run = await runOf(lead!.id, ids.email);
    const dead = await runDone(run!.id, (r) => r?.status === 'dead');
    expect(dead).toMatchObject({ attempts: 6, maxAttempts: 6, lastError: 'email TEMPORARY: SMTP server said 421 try again later' });
    const listed = await call(stack, 'GET', '/crm/action-runs?status=dead', { headers: stack.auth });
    expect(listed.body.data.map((r: { id: string }) => r.id)).toContain(run!.id);
    const timeline = (await call(stack, 'GET', `/crm/leads/${lead!.id}`, { headers: stack.auth })).body.timeline;
    expect(timeline.find((s: { type: string }) => s.type === 'action_dead').payload).toMatchObject({ actionKey: 'mail', attempts: 6 });

    flaky.failing = false;
    const retry = await call(stack, 'POST', `/crm/action-runs/${run!.id}/retry`, { headers: stack.auth });
    expect(retry.status).toBe(202);
    const done = await runDone(run!.id);
    expect(done).toMatchObject({ status: 'done', dispatch: 2, attempts: 1, externalId: expect.stringMatching(/^<mail-\d+@test>$/) });
    expect((await call(stack, 'POST', `/crm/action-runs/${run!.id}/retry`, { headers: stack.auth })).status).toBe(409);
  });

  it('dead-letters at once on a permanent error (no connector installed yet)', async () => {
    const lead = await newLead({ campaign_name: 'odoo' });
    const dead = await runDone((await runOf(lead!.id, ids.odoo))!.id, (r) => r?.status === 'dead');
    expect(dead).toMatchObject({ attempts: 1, lastError: 'odoo.sync_lead INVALID: no connector is installed for odoo.sync_lead; replay the run once it is' });
  });

  it('fires lead.status_changed automations only for the status they name', async () => {
    const lead = await newLead({ first_name: 'Quali', last_name: 'Fied' });
    await call(stack, 'PATCH', `/crm/leads/${lead!.id}/status`, { headers: stack.auth, body: { status: 'contacted' } });
    await call(stack, 'PATCH', `/crm/leads/${lead!.id}/status`, { headers: stack.auth, body: { status: 'qualified' } });
    const run = await runDone((await runOf(lead!.id, ids.qualified))!.id);
    expect(await stack.prisma.actionRun.count({ where: { leadId: lead!.id, automationId: ids.qualified } })).toBe(1);
    const note = await stack.prisma.notification.findFirstOrThrow({ where: { actionRunId: run!.id } });
    expect(note).toMatchObject({ employeeId: ids.manager, title: 'Quali Fied is qualified' });
  });

  it('lets ops run an automation by hand: idempotent, unless forced to send again', async () => {
    const lead = await newLead();
    await runDone((await runOf(lead!.id, ids.tellOwner))!.id);
    const path = `/crm/leads/${lead!.id}/automations/${ids.tellOwner}/run`;
    const again = await call(stack, 'POST', path, { headers: stack.auth, body: {} });
    expect(again.status).toBe(202);
    expect(again.body.runs).toEqual([{ actionKey: 'tell-owner', actionRunId: expect.any(String), queued: false }]);
    const forced = await call(stack, 'POST', path, { headers: stack.auth, body: { force: true } });
    expect(forced.body.runs[0].queued).toBe(true);
    await runDone(forced.body.runs[0].actionRunId, (r) => r?.status === 'done' && r.generation === 2);
    // A forced re-send sends again (a second notification), still as the same run.
    expect(await stack.prisma.notification.count({ where: { leadId: lead!.id } })).toBe(2);
    expect(await stack.prisma.actionRun.count({ where: { leadId: lead!.id, automationId: ids.tellOwner } })).toBe(1);
    // Never-run automation for this lead (it would not have matched): runs now by hand.
    const manual = await call(stack, 'POST', `/crm/leads/${lead!.id}/automations/${ids.odoo}/run`, { headers: stack.auth, body: { actionKey: 'odoo' } });
    expect(manual.body.runs).toEqual([{ actionKey: 'odoo', actionRunId: expect.any(String), queued: true }]);
    expect((await call(stack, 'POST', `/crm/leads/${lead!.id}/automations/${ids.odoo}/run`, { headers: stack.auth, body: { actionKey: 'nope' } })).status).toBe(404);
  });

  it('waits an action\'s delay before running it', async () => {
    const delayed = await create(stack, '/crm/automations', {
      name: 'Follow up later',
      trigger: 'lead.created',
      conditions: [{ field: 'campaign.name', op: 'equals', value: 'delayed' }],
      actions: [{ key: 'later', type: 'notify.user', params: { to: 'assignee', title: 'Follow up' }, delaySeconds: 1 }],
    });
    const lead = await newLead({ campaign_name: 'delayed' });
    const run = await runOf(lead!.id, delayed.id);
    expect(Math.abs(run!.scheduledAt.getTime() - run!.createdAt.getTime() - 1000)).toBeLessThan(50); // app and database clocks
    const done = await runDone(run!.id);
    expect(done!.startedAt!.getTime()).toBeGreaterThanOrEqual(run!.scheduledAt.getTime() - 50);
  });

  it('leaves a waiting run whose job Redis holds alone, and queues it again, delay kept, once Redis has lost the job', async () => {
    const tomorrow = await create(stack, '/crm/automations', {
      name: 'Call back tomorrow',
      trigger: 'lead.created',
      conditions: [{ field: 'campaign.name', op: 'equals', value: 'tomorrow' }],
      actions: [{ key: 'tomorrow', type: 'notify.user', params: { to: 'assignee', title: 'Call back' }, delaySeconds: 86_400 }],
    });
    const lead = await newLead({ campaign_name: 'tomorrow' });
    const run = await runOf(lead!.id, tomorrow.id);
    const queue = new Bull('action:notify.user', { redis: stack.env.REDIS_URL!, prefix: stack.env.QUEUE_PREFIX! });
    try {
      const job = await waitFor(() => queue.getJob(actionRunJobId(run!.id, 1)), Boolean, { what: 'the delayed job' });
      // Well past LOST_JOB_AFTER_SECONDS (1 here), the sweep running every 150 ms: its job is there, so nothing moves.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(await stack.prisma.actionRun.findUnique({ where: { id: run!.id } })).toMatchObject({ status: 'pending', dispatch: 1 });
      // A job for a queue a newer version introduced (a rolling deploy) waits unpublished for a
      // worker that has the queue: it must not hold this worker's sweep as if the relay were behind.
      const foreign = await stack.prisma.outboxMessage.create({ data: { queue: 'action:from.a.newer.version', jobName: 'execute-action:from.a.newer.version', jobId: `newer-${run!.id}`, payload: {}, createdAt: new Date(Date.now() - 60_000) } });
      await job!.remove(); // what Redis restarting without its data does to it
      const requeued = await waitFor(() => stack.prisma.actionRun.findUnique({ where: { id: run!.id } }), (r) => r?.dispatch === 2, { what: 'the run queued again' });
      expect(await stack.prisma.outboxMessage.findUnique({ where: { id: foreign.id } })).toMatchObject({ publishedAt: null });
      expect(requeued).toMatchObject({ status: 'pending', attempts: 0 });
      const again = await waitFor(() => queue.getJob(actionRunJobId(run!.id, 2)), Boolean, { what: 'its new job' });
      expect(await again!.isDelayed()).toBe(true);
      expect(Math.abs(again!.timestamp + again!.opts.delay! - run!.scheduledAt.getTime())).toBeLessThan(1_000);
    } finally {
      await stack.prisma.outboxMessage.deleteMany({ where: { jobId: `newer-${run!.id}` } });
      await queue.close();
    }
  });

  it('stops a notification to an employee who does not exist, saying so', async () => {
    const nobody = '00000000-0000-4000-8000-00000000abcd';
    const automation = await create(stack, '/crm/automations', {
      name: 'Tell nobody',
      trigger: 'lead.created',
      conditions: [{ field: 'campaign.name', op: 'equals', value: 'nobody' }],
      actions: [{ key: 'tell-nobody', type: 'notify.user', params: { to: nobody, title: 'New lead' } }],
    });
    const lead = await newLead({ campaign_name: 'nobody' });
    const run = await runOf(lead!.id, automation.id);
    const dead = await runDone(run!.id, (r) => r?.status === 'dead');
    expect(dead).toMatchObject({ attempts: 1, lastError: `notify.user NOT_FOUND: employee ${nobody} does not exist` });
    expect(await stack.prisma.notification.count({ where: { leadId: lead!.id, employeeId: nobody } })).toBe(0);
  });

  it('validates automations with a 400 naming each problem', async () => {
    const res = await call(stack, 'POST', '/crm/automations', {
      headers: stack.auth,
      body: { name: 'bad', trigger: 'lead.created', toStatus: 'won', actions: [{ key: 'x', type: 'notify.user', params: { to: 'assignee' } }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(['toStatus only applies to lead.status_changed', 'actions[0].params.title is required for notify.user']);
  });
});
