import { Inject, Injectable } from '@nestjs/common';
import { alertAdmins, credentialsAlert, WhatsAppConversations } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import { Prisma, PrismaClient, type InboundEvent } from '@leadflow/db';
import { normalizeLead, type NormalizedLead } from '@leadflow/domain';
import { IntegrationError } from '@leadflow/integration-common';
import type { InboundMessage } from '@leadflow/integration-whatsapp';
import { outboxMessage } from '@leadflow/queue';
import { APP_CONFIG, Metrics } from '@leadflow/runtime';
import { LEAD_ADAPTERS, type LeadAdapters } from './lead-adapters.provider.js';

type Tx = Prisma.TransactionClient;

export type IntakeOutcome =
  | { kind: 'created' | 'updated'; leadId: string; platform: string; receivedAt: Date }
  /** A WhatsApp message that joined its sender's open lead. */
  | { kind: 'attached'; leadId: string }
  | { kind: 'skipped'; reason: 'missing' | 'already-processed' | 'dead-lettered' | 'processed-concurrently' };

function leadColumns(lead: NormalizedLead, contactId: string) {
  const { contact, source } = lead;
  return {
    contactId,
    fullName: contact.fullName,
    firstName: contact.firstName ?? null,
    lastName: contact.lastName ?? null,
    phone: contact.phone ?? null,
    email: contact.email ?? null,
    city: contact.city ?? null,
    region: contact.region ?? null,
    country: contact.country ?? null,
    language: contact.language ?? null,
    channel: source.channel ?? null,
    campaignId: source.campaignId ?? null,
    campaignName: source.campaignName ?? null,
    adsetId: source.adsetId ?? null,
    adsetName: source.adsetName ?? null,
    adId: source.adId ?? null,
    adName: source.adName ?? null,
    formId: source.formId ?? null,
    formName: source.formName ?? null,
    pageId: source.pageId ?? null,
    advertiserId: source.advertiserId ?? null,
    isOrganic: source.isOrganic ?? null,
    answers: lead.answers as unknown as Prisma.InputJsonValue,
    submittedAt: lead.submittedAt ?? null,
  };
}

/**
 * Turns a stored notification into a stored lead. The slow part (fetching from the platform) runs
 * outside any transaction; the writes run in one, guarded by the event's status, so a job that
 * runs twice (a redelivered Bull job, a worker killed mid-way) stores the lead exactly once.
 */
@Injectable()
export class LeadIntakeService {
  constructor(
    private readonly prisma: PrismaClient,
    @Inject(LEAD_ADAPTERS) private readonly adapters: LeadAdapters,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly conversations: WhatsAppConversations,
    private readonly metrics: Metrics,
  ) {}

  async process(inboundEventId: string): Promise<IntakeOutcome> {
    const event = await this.prisma.inboundEvent.findUnique({ where: { id: inboundEventId } });
    if (!event) return { kind: 'skipped', reason: 'missing' };
    if (event.status === 'processed') return { kind: 'skipped', reason: 'already-processed' };
    if (event.status === 'dead_lettered') return { kind: 'skipped', reason: 'dead-lettered' };

    const adapter = this.adapters.get(event.platform);
    if (!adapter) throw new Error(`no lead adapter for platform ${event.platform}`);
    // Meta and TikTok leads (and click-to-WhatsApp ads) are fetched from the platform; a Snapchat delivery is the lead itself.
    const toDraft = () => adapter.toDraft({ externalId: event.externalId, payload: event.payload, receivedAt: event.receivedAt });
    const draft = event.platform === 'snapchat' ? await toDraft() : await this.metrics.timeExternal(event.platform, toDraft);
    const lead = normalizeLead(draft, { defaultPhoneRegion: this.config.defaultPhoneRegion });
    const outcome = await this.prisma.$transaction((tx) => (event.platform === 'whatsapp' ? this.storeConversation(tx, event, lead) : this.store(tx, event, lead)));
    return outcome;
  }

  /**
   * Counts a failed attempt; with `deadLetter` the event stops being retried until replayed, and
   * the admins hear of it (refused credentials: once an hour per platform, not once per lead).
   */
  async recordFailure(inboundEventId: string, error: unknown, deadLetter: boolean): Promise<void> {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.inboundEvent.updateMany({
        where: { id: inboundEventId, status: 'received' },
        data: { attempts: { increment: 1 }, lastError: message, ...(deadLetter ? { status: 'dead_lettered' } : {}) },
      });
      if (!count || !deadLetter) return;
      if (error instanceof IntegrationError && error.code === 'AUTH') await alertAdmins(tx, credentialsAlert(error.service, message, new Date()));
      else {
        const event = await tx.inboundEvent.findUniqueOrThrow({ where: { id: inboundEventId }, select: { platform: true, externalId: true } });
        await alertAdmins(tx, {
          category: 'admin_alert',
          title: `A ${event.platform} lead could not be stored (${event.externalId})`,
          body: `${message} — replay it from the inbound events once fixed.`,
          dedupeKey: `inbound-dead:${inboundEventId}`,
        });
      }
    });
  }

  /**
   * A WhatsApp message: from someone with an open lead it joins that lead's conversation; from a new
   * number (or someone whose leads are all closed) it becomes a lead. A lock on the number makes two
   * first messages arriving together agree on one lead.
   */
  private async storeConversation(tx: Tx, event: InboundEvent, lead: NormalizedLead): Promise<IntakeOutcome> {
    const message = event.payload as unknown as InboundMessage;
    const phone = lead.contact.phone;
    if (phone) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`whatsapp:${phone}`}, 0))`;
    const open = phone ? await this.conversations.openLeadOf(tx, phone) : null;
    if (open) {
      const claimed = await tx.inboundEvent.updateMany({
        where: { id: event.id, status: 'received' },
        data: { status: 'processed', processedAt: new Date(), attempts: { increment: 1 }, lastError: null, leadId: open.id },
      });
      if (claimed.count === 0) return { kind: 'skipped', reason: 'processed-concurrently' };
      await this.conversations.recordInbound(tx, open.id, open.contactId, message);
      return { kind: 'attached', leadId: open.id };
    }
    const outcome = await this.store(tx, event, lead);
    if (outcome.kind !== 'skipped') {
      const { contactId } = await tx.lead.findUniqueOrThrow({ where: { id: outcome.leadId }, select: { contactId: true } });
      await this.conversations.recordInbound(tx, outcome.leadId, contactId, message);
    }
    return outcome;
  }

  private async store(tx: Tx, event: InboundEvent, lead: NormalizedLead): Promise<IntakeOutcome> {
    const claimed = await tx.inboundEvent.updateMany({
      where: { id: event.id, status: 'received' },
      data: { status: 'processed', processedAt: new Date(), attempts: { increment: 1 }, lastError: null },
    });
    if (claimed.count === 0) return { kind: 'skipped', reason: 'processed-concurrently' };

    const contact = await this.upsertContact(tx, lead.contact);
    const existing = await tx.lead.findUnique({
      where: { platform_platformLeadId: { platform: lead.platform, platformLeadId: lead.platformLeadId } },
      select: { id: true },
    });
    // The same person asking again within the window (any platform) is a duplicate of their latest lead.
    const windowStart = new Date(event.receivedAt.getTime() - this.config.duplicateWindowDays * 86_400_000);
    const original = !existing && contact.matchedOn
      ? await tx.lead.findFirst({ where: { contactId: contact.id, receivedAt: { gte: windowStart } }, orderBy: { receivedAt: 'desc' }, select: { id: true, platform: true, receivedAt: true } })
      : null;
    const columns = leadColumns(lead, contact.id);
    const row = existing
      ? await tx.lead.update({ where: { id: existing.id }, data: columns, select: { id: true } })
      : await tx.lead.create({ data: { ...columns, platform: lead.platform, platformLeadId: lead.platformLeadId, receivedAt: event.receivedAt, duplicateOfId: original?.id }, select: { id: true } });
    await tx.inboundEvent.update({ where: { id: event.id }, data: { leadId: row.id } });

    const timeline: Prisma.LeadEventCreateManyInput[] = [];
    if (!existing) timeline.push({ leadId: row.id, type: 'received', occurredAt: event.receivedAt, payload: { inboundEventId: event.id, platform: event.platform } });
    if (original) {
      timeline.push({
        leadId: row.id,
        type: 'duplicate_detected',
        occurredAt: event.receivedAt,
        payload: { duplicateOfId: original.id, originalPlatform: original.platform, originalReceivedAt: original.receivedAt, matchedOn: contact.matchedOn, windowDays: this.config.duplicateWindowDays },
      });
    }
    timeline.push({
      leadId: row.id,
      type: 'normalized',
      payload: { inboundEventId: event.id, replay: event.replayCount, phoneValid: Boolean(lead.contact.phone), emailValid: Boolean(lead.contact.email) },
    });
    await tx.leadEvent.createMany({ data: timeline });
    // A new lead goes on to routing; a replayed one keeps its place.
    if (!existing) await tx.outboxMessage.create({ data: outboxMessage('route-lead', { leadId: row.id }, `route-lead:${row.id}`) });
    return { kind: existing ? 'updated' : 'created', leadId: row.id, platform: event.platform, receivedAt: event.receivedAt };
  }

  /**
   * One contact per person across platforms: matched on E.164 phone first, then email. Advisory
   * locks on those keys make two workers handling the same person at once agree on one contact.
   */
  private async upsertContact(tx: Tx, contact: NormalizedLead['contact']): Promise<{ id: string; matchedOn?: 'phone' | 'email' }> {
    const keys = [contact.phone && `contact:phone:${contact.phone}`, contact.email && `contact:email:${contact.email}`].filter(Boolean).sort() as string[];
    for (const key of keys) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;

    const byPhone = contact.phone ? await tx.contact.findUnique({ where: { phone: contact.phone } }) : null;
    const found = byPhone ?? (contact.email ? await tx.contact.findUnique({ where: { email: contact.email } }) : null);
    if (!found) {
      const created = await tx.contact.create({
        data: {
          fullName: contact.fullName,
          firstName: contact.firstName,
          lastName: contact.lastName,
          phone: contact.phone,
          email: contact.email,
          city: contact.city,
          region: contact.region,
          country: contact.country,
          language: contact.language,
        },
        select: { id: true },
      });
      return { id: created.id };
    }
    // Fill what the contact lacks; never overwrite what another lead already told us.
    const fill: Prisma.ContactUpdateInput = {};
    if (!found.fullName && contact.fullName) Object.assign(fill, { fullName: contact.fullName, firstName: contact.firstName, lastName: contact.lastName });
    if (!found.phone && contact.phone) fill.phone = contact.phone;
    if (!found.email && contact.email && !(await tx.contact.findUnique({ where: { email: contact.email }, select: { id: true } }))) fill.email = contact.email;
    if (!found.city && contact.city) fill.city = contact.city;
    if (!found.region && contact.region) fill.region = contact.region;
    if (!found.country && contact.country) fill.country = contact.country;
    if (!found.language && contact.language) fill.language = contact.language;
    if (Object.keys(fill).length) await tx.contact.update({ where: { id: found.id }, data: fill });
    return { id: found.id, matchedOn: byPhone ? 'phone' : 'email' };
  }
}
