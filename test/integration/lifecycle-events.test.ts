import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { lifecycleNameOf } from '@leadflow/domain';
import { fakeSnapchatLead } from '@leadflow/simulators';
import { branch, employee, rule, team } from '../support/organisation.js';
import { call, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  const hq = await branch(stack, 'HQ');
  const desk = await team(stack, hq.id, 'Desk', { slaMinutes: 30 });
  await employee(stack, desk.id, 'Sara');
  await rule(stack, { name: 'All', isDefault: true, teamId: desk.id });
});
afterAll(async () => {
  await stack?.stop();
});

async function deliver(payload: ReturnType<typeof fakeSnapchatLead>) {
  expect((await stack.sender.snapchat(payload)).status).toBe(200);
  return (await waitFor(() => stack.prisma.lead.findFirst({ where: { platformLeadId: payload.lead_id } }), (l) => l?.routingState === 'assigned', { what: 'an assigned lead' }))!;
}

/** The lead's lifecycle, in order, as names (timeline steps that are not lifecycle events left out). */
async function lifecycle(leadId: string) {
  const events = await stack.prisma.leadEvent.findMany({ where: { leadId }, orderBy: { id: 'asc' } });
  return events.map((e) => ({ name: lifecycleNameOf(e.type, e.payload as Record<string, unknown>), actor: e.actor, payload: e.payload as Record<string, unknown> })).filter((e) => e.name);
}
/** A Snapchat lead from someone no earlier test used, so no duplicate_detected step creeps in. */
let strangers = 0;
const stranger = (overrides: Partial<ReturnType<typeof fakeSnapchatLead>> = {}) => {
  strangers += 1;
  return { ...fakeSnapchatLead(), phone_number: `+9665800${String(strangers).padStart(5, '0')}`, email: `stranger${strangers}@example.com`, ...overrides };
};
const names = async (leadId: string) => (await lifecycle(leadId)).map((e) => e.name);

const move = async (leadId: string, status: string, reason?: string) => {
  const res = await call(stack, 'PATCH', `/crm/leads/${leadId}/status`, { headers: stack.auth, body: { status, reason } });
  expect(res.status).toBe(200);
};

describe('lifecycle events', () => {
  it('fires received, normalized, routed and assigned once for a lead, however often it is delivered', async () => {
    const payload = stranger({ phone_number: '+966501112233' });
    const lead = await deliver(payload);
    await stack.sender.snapchat(payload); // the platform's redelivery
    await waitFor(() => stack.prisma.webhookDelivery.findFirst({ where: { redeliveryCount: { gt: 0 } } }), Boolean, { what: 'the redelivery' });
    expect(await names(lead.id)).toEqual(['received', 'normalized', 'routed', 'assigned']);
    expect((await lifecycle(lead.id))[0]).toMatchObject({ actor: 'system', payload: { platform: 'snapchat' } });
  });

  it('flags the same person coming back as duplicate_detected, once, pointing at their earlier lead', async () => {
    const first = await deliver(stranger({ phone_number: '+966507778899' }));
    const again = await deliver(stranger({ phone_number: '0507778899' }));
    expect(await names(again.id)).toEqual(['received', 'duplicate_detected', 'normalized', 'routed', 'assigned']);
    expect((await lifecycle(again.id))[1]!.payload).toMatchObject({ duplicateOfId: first.id, matchedOn: 'phone', windowDays: 30 });
    expect(again.duplicateOfId).toBe(first.id);
    expect(await names(first.id)).not.toContain('duplicate_detected');
  });

  it('names the pipeline: contacted and qualified once, won once, with the stage milestones kept', async () => {
    const lead = await deliver(stranger());
    for (const status of ['contacted', 'qualified', 'proposal', 'won']) await move(lead.id, status);
    expect((await names(lead.id)).slice(4)).toEqual(['status_changed', 'contacted', 'qualified', 'status_changed', 'won']);
    const stored = await stack.prisma.lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect(stored.qualifiedAt).not.toBeNull();
    expect(stored.proposalAt).not.toBeNull();
    expect(stored.closedAt).not.toBeNull();
    // Closed: nothing more can fire.
    expect((await call(stack, 'PATCH', `/crm/leads/${lead.id}/status`, { headers: stack.auth, body: { status: 'lost', reason: 'x' } })).status).toBe(400);
  });

  it('records lost with its reason', async () => {
    const lead = await deliver(stranger());
    await move(lead.id, 'lost', 'Wrong number');
    const events = await lifecycle(lead.id);
    expect(events.filter((e) => e.name === 'lost')).toEqual([{ name: 'lost', actor: 'admin', payload: { from: 'new', to: 'lost', reason: 'Wrong number' } }]);
    expect(events.map((e) => e.name)).not.toContain('contacted'); // never reached
    expect(await stack.prisma.lead.findUniqueOrThrow({ where: { id: lead.id } })).toMatchObject({ lostReason: 'Wrong number', status: 'lost' });
  });
});
