import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fakeMetaLead, fakeSnapchatLead, fakeTikTokLead, metaDelivery } from '@leadflow/simulators';
import { startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('one person, several platforms', () => {
  it('is one contact with one lead per platform, matched on the normalized phone or email', async () => {
    const meta = fakeMetaLead();
    meta.lead.field_data = [
      { name: 'full_name', values: ['Omar Farouk'] },
      { name: 'phone_number', values: ['0568887766'] },
    ];
    stack.simulator.addMetaLead(meta.lead, meta.form);
    // Same phone typed another way, and an email.
    const snap = { ...fakeSnapchatLead(), first_name: 'Omar', last_name: 'Farouk', phone_number: '+966 56 888 7766', email: 'OMAR.F@example.com' };
    // Another phone, but the same email.
    const tiktok = fakeTikTokLead();
    tiktok.lead.field_data = [
      { name: 'name', value: 'عمر فاروق' },
      { name: 'phone_number', value: '0500000001' },
      { name: 'email', value: 'omar.f@example.com' },
    ];
    stack.simulator.addTikTokLead(tiktok.advertiserId, tiktok.lead);
    // Somebody else.
    const other = { ...fakeSnapchatLead(), phone_number: '0599999999', email: 'someone.else@example.com' };

    await stack.sender.meta(metaDelivery([meta.change]));
    await waitFor(() => stack.prisma.lead.count(), (n) => n === 1, { what: 'the Meta lead' });
    await stack.sender.snapchat(snap);
    await waitFor(() => stack.prisma.lead.count(), (n) => n === 2, { what: 'the Snapchat lead' });
    await stack.sender.tiktok(tiktok.notification);
    await stack.sender.snapchat(other);
    await waitFor(() => stack.prisma.lead.count(), (n) => n === 4, { what: 'all four leads' });

    const leads = await stack.prisma.lead.findMany({ include: { contact: true } });
    const omar = leads.filter((l) => l.email !== 'someone.else@example.com');
    expect(new Set(omar.map((l) => l.platform))).toEqual(new Set(['meta', 'snapchat', 'tiktok']));
    expect(new Set(omar.map((l) => l.contactId)).size).toBe(1);
    expect(await stack.prisma.contact.count()).toBe(2);
    // The contact learned the email from the second platform; the first name it had is kept.
    expect(omar[0]!.contact).toMatchObject({ fullName: 'Omar Farouk', phone: '+966568887766', email: 'omar.f@example.com' });
    // Each lead keeps what that platform said.
    expect(omar.find((l) => l.platform === 'tiktok')).toMatchObject({ fullName: 'عمر فاروق', phone: '+966500000001' });
  });

  it('agrees on one contact when two workers handle the same new person at the same time', async () => {
    const phone = '0577777777';
    const metas = Array.from({ length: 4 }, () => fakeMetaLead());
    for (const m of metas) {
      m.lead.field_data = [{ name: 'full_name', values: ['Concurrent Person'] }, { name: 'phone_number', values: [phone] }];
      stack.simulator.addMetaLead(m.lead, m.form);
    }
    const snaps = Array.from({ length: 4 }, () => ({ ...fakeSnapchatLead(), phone_number: '+966577777777', email: undefined }));
    await Promise.all([...metas.map((m) => stack.sender.meta(metaDelivery([m.change]))), ...snaps.map((s) => stack.sender.snapchat(s))]);
    await waitFor(() => stack.prisma.lead.count({ where: { phone: '+966577777777' } }), (n) => n === 8, { what: 'eight leads' });
    expect(await stack.prisma.contact.count({ where: { phone: '+966577777777' } })).toBe(1);
    const contactIds = await stack.prisma.lead.findMany({ where: { phone: '+966577777777' }, select: { contactId: true }, distinct: ['contactId'] });
    expect(contactIds).toHaveLength(1);
    // The advisory locks made them agree at once: no attempt failed on the unique phone.
    const events = await stack.prisma.inboundEvent.findMany({ where: { lead: { phone: '+966577777777' } } });
    expect(events.map((e) => e.attempts)).toEqual(Array(8).fill(1));
  });
});
