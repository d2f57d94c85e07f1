import { Inject, Injectable } from '@nestjs/common';
import { alertAdmins, credentialsAlert, timelineInsert, WhatsAppConversations, type TimelineEntry } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import { PrismaClient, SqlPool, Statement, camelRow, sqlOf, type Contact as ContactRow, type InboundEvent, type Prisma, type SqlRunner } from '@leadflow/db';
import { normalizeLead, type NormalizedLead } from '@leadflow/domain';
import { IntegrationError } from '@leadflow/integration-common';
import type { InboundMessage } from '@leadflow/integration-whatsapp';
import { APP_CONFIG, Metrics } from '@leadflow/runtime';
import { LEAD_ADAPTERS, type LeadAdapters } from './lead-adapters.provider.js';

type Tx = Prisma.TransactionClient;

export type IntakeOutcome =
  | { kind: 'created' | 'updated'; leadId: string; platform: string; receivedAt: Date }
  /** A WhatsApp message that joined its sender's open lead. */
  | { kind: 'attached'; leadId: string }
  | { kind: 'skipped'; reason: 'missing' | 'already-processed' | 'dead-lettered' | 'processed-concurrently' };

const COLUMN_TYPES: Record<string, string> = { contact_id: 'uuid', is_organic: 'boolean', answers: 'jsonb', submitted_at: 'timestamptz' };

/** The lead's columns that come from the platform (written on create, refreshed on a replay). */
function leadColumns(lead: NormalizedLead, contactId: string): Record<string, unknown> {
  const { contact, source } = lead;
  return {
    contact_id: contactId,
    full_name: contact.fullName,
    first_name: contact.firstName ?? null,
    last_name: contact.lastName ?? null,
    phone: contact.phone ?? null,
    email: contact.email ?? null,
    city: contact.city ?? null,
    region: contact.region ?? null,
    country: contact.country ?? null,
    language: contact.language ?? null,
    channel: source.channel ?? null,
    campaign_id: source.campaignId ?? null,
    campaign_name: source.campaignName ?? null,
    adset_id: source.adsetId ?? null,
    adset_name: source.adsetName ?? null,
    ad_id: source.adId ?? null,
    ad_name: source.adName ?? null,
    form_id: source.formId ?? null,
    form_name: source.formName ?? null,
    page_id: source.pageId ?? null,
    advertiser_id: source.advertiserId ?? null,
    is_organic: source.isOrganic ?? null,
    answers: JSON.stringify(lead.answers),
    submitted_at: lead.submittedAt ?? null,
  };
}

/**
 * The advisory-lock keys of a person's phone and email, sorted: every worker takes them in this
 * order (no deadlock), one lock call per key in the array's order.
 */
function contactKeys(contact: NormalizedLead['contact']): string[] {
  return ([contact.phone && `contact:phone:${contact.phone}`, contact.email && `contact:email:${contact.email}`].filter(Boolean) as string[]).sort();
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
    private readonly sql: SqlPool,
    @Inject(LEAD_ADAPTERS) private readonly adapters: LeadAdapters,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly conversations: WhatsAppConversations,
    private readonly metrics: Metrics,
  ) {}

  async process(inboundEventId: string): Promise<IntakeOutcome> {
    const [row] = await this.sql.query<Record<string, unknown>>('SELECT * FROM inbound_event WHERE id = $1::uuid', [inboundEventId]);
    if (!row) return { kind: 'skipped', reason: 'missing' };
    const event = camelRow<InboundEvent>(row);
    if (event.status === 'processed') return { kind: 'skipped', reason: 'already-processed' };
    if (event.status === 'dead_lettered') return { kind: 'skipped', reason: 'dead-lettered' };

    const adapter = this.adapters.get(event.platform);
    if (!adapter) throw new Error(`no lead adapter for platform ${event.platform}`);
    // Meta and TikTok leads (and click-to-WhatsApp ads) are fetched from the platform; a Snapchat delivery is the lead itself.
    const toDraft = () => adapter.toDraft({ externalId: event.externalId, payload: event.payload, receivedAt: event.receivedAt });
    const draft = event.platform === 'snapchat' ? await toDraft() : await this.metrics.timeExternal(event.platform, toDraft);
    const lead = normalizeLead(draft, { defaultPhoneRegion: this.config.defaultPhoneRegion });
    // Every lead passes here: plain SQL through pg; a WhatsApp conversation keeps Prisma's transaction for its own services.
    if (event.platform === 'whatsapp') return this.prisma.$transaction((tx) => this.storeConversation(tx, event, lead));
    return this.sql.transaction((tx) => this.store(tx, event, lead));
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
    const outcome = await this.store(sqlOf(tx), event, lead);
    if (outcome.kind !== 'skipped') {
      const { contactId } = await tx.lead.findUniqueOrThrow({ where: { id: outcome.leadId }, select: { contactId: true } });
      await this.conversations.recordInbound(tx, outcome.leadId, contactId, message);
    }
    return outcome;
  }

  private async store(tx: SqlRunner, event: InboundEvent, lead: NormalizedLead): Promise<IntakeOutcome> {
    // The event claimed, then (only if it was) the person's contact keys locked — one statement:
    // the locks' subquery runs when the claim's row is read, after the claim.
    const keys = contactKeys(lead.contact);
    const claimed = await tx.query(
      `WITH claimed AS (
         UPDATE inbound_event SET status = 'processed', processed_at = now(), attempts = attempts + 1, last_error = NULL, updated_at = now()
         WHERE id = $1::uuid AND status = 'received' RETURNING id)
       SELECT c.id, (SELECT count(*) FROM unnest($2::text[]) AS k(key), pg_advisory_xact_lock(hashtextextended(k.key, 0)))::int AS locked FROM claimed c`,
      [event.id, keys],
    );
    if (claimed.length === 0) return { kind: 'skipped', reason: 'processed-concurrently' };

    const contact = await this.upsertContact(tx, lead.contact, keys);
    // The same person asking again within the window (any platform) is a duplicate of their latest lead.
    const windowStart = new Date(event.receivedAt.getTime() - this.config.duplicateWindowDays * 86_400_000);
    const [found] = await tx.query<{ existing_id: string | null; original_id: string | null; original_platform: string | null; original_received_at: Date | null }>(
      `SELECT (SELECT id FROM lead WHERE platform = $1::"Platform" AND platform_lead_id = $2) AS existing_id, o.id AS original_id, o.platform AS original_platform, o.received_at AS original_received_at
       FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT id, platform::text, received_at FROM lead WHERE $3::boolean AND contact_id = $4::uuid AND received_at >= $5::timestamptz ORDER BY received_at DESC LIMIT 1) o ON true`,
      [lead.platform, lead.platformLeadId, Boolean(contact.matchedOn), contact.id, windowStart],
    );
    const existing = found!.existing_id;
    const original = existing ? null : found!.original_id ? { id: found!.original_id, platform: found!.original_platform, receivedAt: found!.original_received_at } : null;
    const columns = leadColumns(lead, contact.id);
    const names = Object.keys(columns);
    const values = Object.values(columns);
    // Explicit types: Prisma's raw queries (the WhatsApp path) send typed parameters.
    const param = (name: string, n: number) => `$${n}${COLUMN_TYPES[name] ? `::${COLUMN_TYPES[name]}` : ''}`;
    const [{ id: leadId }] = existing
      ? await tx.query<{ id: string }>(`UPDATE lead SET ${names.map((n, i) => `${n} = ${param(n, i + 2)}`).join(', ')}, updated_at = clock_timestamp() WHERE id = $1::uuid RETURNING id`, [existing, ...values])
      : await tx.query<{ id: string }>(
          `INSERT INTO lead (${names.join(', ')}, platform, platform_lead_id, received_at, duplicate_of_id, updated_at)
           VALUES (${names.map((n, i) => param(n, i + 1)).join(', ')}, $${names.length + 1}::"Platform", $${names.length + 2}, $${names.length + 3}::timestamptz, $${names.length + 4}::uuid, clock_timestamp()) RETURNING id`,
          [...values, lead.platform, lead.platformLeadId, event.receivedAt, original?.id ?? null],
        );

    const timeline: TimelineEntry[] = [];
    if (!existing) timeline.push({ leadId, type: 'received', occurredAt: event.receivedAt, payload: { inboundEventId: event.id, platform: event.platform } });
    if (original) {
      timeline.push({
        leadId,
        type: 'duplicate_detected',
        occurredAt: event.receivedAt,
        payload: { duplicateOfId: original.id, originalPlatform: original.platform, originalReceivedAt: original.receivedAt, matchedOn: contact.matchedOn, windowDays: this.config.duplicateWindowDays },
      });
    }
    timeline.push({
      leadId,
      type: 'normalized',
      payload: { inboundEventId: event.id, replay: event.replayCount, phoneValid: Boolean(lead.contact.phone), emailValid: Boolean(lead.contact.email) },
    });
    const s = new Statement();
    s.with('linked', `UPDATE inbound_event SET lead_id = ${s.param(leadId)}::uuid WHERE id = ${s.param(event.id)}::uuid`);
    s.with('steps', timelineInsert(s, timeline));
    await s.run(tx);
    // A new lead goes on to routing right after this commits (NormalizeLeadProcessor); a replayed one keeps its place.
    return { kind: existing ? 'updated' : 'created', leadId, platform: event.platform, receivedAt: event.receivedAt };
  }

  /**
   * One contact per person across platforms: matched on E.164 phone first, then email. The caller
   * holds the advisory locks on its `keys` (contactKeys), so two workers handling the same person
   * at once agree on one contact.
   */
  private async upsertContact(tx: SqlRunner, contact: NormalizedLead['contact'], keys: string[]): Promise<{ id: string; matchedOn?: 'phone' | 'email' }> {
    // Read after the locks, in statements of their own, so a contact another worker just created is seen.
    const rows = keys.length
      ? (await tx.query<Record<string, unknown>>('SELECT * FROM contact WHERE phone = $1 OR email = $2', [contact.phone ?? null, contact.email ?? null])).map((r) => camelRow<ContactRow>(r))
      : [];
    const byPhone = contact.phone ? rows.find((r) => r.phone === contact.phone) : undefined;
    const byEmail = contact.email ? rows.find((r) => r.email === contact.email) : undefined;
    const found = byPhone ?? byEmail;
    if (!found) {
      const [created] = await tx.query<{ id: string }>(
        `INSERT INTO contact (full_name, first_name, last_name, phone, email, city, region, country, language, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now()) RETURNING id`,
        [contact.fullName, contact.firstName ?? null, contact.lastName ?? null, contact.phone ?? null, contact.email ?? null, contact.city ?? null, contact.region ?? null, contact.country ?? null, contact.language ?? null],
      );
      return { id: created!.id };
    }
    // Fill what the contact lacks; never overwrite what another lead already told us.
    const fill: Record<string, unknown> = {};
    if (!found.fullName && contact.fullName) Object.assign(fill, { full_name: contact.fullName, first_name: contact.firstName ?? null, last_name: contact.lastName ?? null });
    if (!found.phone && contact.phone) fill.phone = contact.phone;
    if (!found.email && contact.email && !byEmail) fill.email = contact.email;
    if (!found.city && contact.city) fill.city = contact.city;
    if (!found.region && contact.region) fill.region = contact.region;
    if (!found.country && contact.country) fill.country = contact.country;
    if (!found.language && contact.language) fill.language = contact.language;
    const names = Object.keys(fill);
    if (names.length) await tx.query(`UPDATE contact SET ${names.map((n, i) => `${n} = $${i + 2}`).join(', ')}, updated_at = now() WHERE id = $1::uuid`, [found.id, ...Object.values(fill)]);
    return { id: found.id, matchedOn: byPhone ? 'phone' : 'email' };
  }
}
