import { Inject, Injectable, Optional } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { Prisma, PrismaClient } from '@leadflow/db';
import { isOptOut, messageSummary, pickTemplateLanguage, WhatsAppClient, type InboundMessage } from '@leadflow/integration-whatsapp';
import { APP_CONFIG } from '@leadflow/runtime';
import { ConflictError, InvalidRequestError, NotFoundError } from '../errors.js';
import { recordTimeline } from '../leads/timeline.js';
import type { Db, Tx } from '../prisma-tx.js';

/** Free-form messages may be sent for this long after the person's last message. */
export const WHATSAPP_WINDOW_MS = 24 * 3600_000;

export const WHATSAPP_CLIENT = Symbol('WHATSAPP_CLIENT');

export interface ConversationState {
  /** The person wrote within 24 hours: free text is allowed until `windowClosesAt`. */
  windowOpen: boolean;
  windowClosesAt?: Date;
  optedOut: boolean;
  /** What may be sent now: `text` and `template` inside the window, `template` outside, nothing when opted out. */
  allowed: ('text' | 'template')[];
}

export type OutgoingMessage = { text: string } | { template: string; language?: string; params?: string[] };

/**
 * A lead's WhatsApp conversation: messages the person sends (recorded on the lead they belong to,
 * opening the 24-hour window, honouring opt-out words) and replies an agent sends — free text only
 * inside the window, an approved template outside it, nothing to someone who opted out.
 */
@Injectable()
export class WhatsAppConversations {
  constructor(
    private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(WHATSAPP_CLIENT) private readonly client?: WhatsAppClient | null,
  ) {}

  /** The person's open lead (newest not won or lost), by their E.164 number. */
  openLeadOf(db: Db, phone: string): Promise<{ id: string; contactId: string } | null> {
    return db.lead.findFirst({ where: { contact: { phone }, status: { notIn: ['won', 'lost'] } }, orderBy: { receivedAt: 'desc' }, select: { id: true, contactId: true } });
  }

  /** Records an incoming message on the lead's timeline; opens the window; an opt-out word opts the contact out. */
  async recordInbound(tx: Tx, leadId: string, contactId: string, message: InboundMessage): Promise<void> {
    const at = message.timestamp ? new Date(message.timestamp * 1000) : new Date();
    const media = message.media ?? (message.location ? { location: message.location } : undefined);
    const inserted = await tx.whatsAppMessage.createMany({
      data: [{
        wamid: message.wamid,
        leadId,
        direction: 'inbound',
        type: message.type,
        to: message.phoneNumberId ?? '',
        from: message.from,
        body: message.text,
        payload: message.payload,
        media: media as Prisma.InputJsonValue | undefined,
        referral: message.referral as Prisma.InputJsonValue | undefined,
        replyTo: message.replyTo,
        status: 'received',
        statusAt: at,
      }],
      skipDuplicates: true,
    });
    if (!inserted.count) return; // a redelivered message
    await recordTimeline(tx, [{
      leadId,
      type: 'message_received',
      occurredAt: at,
      payload: { channel: 'whatsapp', wamid: message.wamid, messageType: message.type, text: messageSummary(message), payload: message.payload, media, referral: message.referral, replyTo: message.replyTo },
    }]);
    await tx.$executeRaw`UPDATE contact SET whatsapp_last_inbound_at = greatest(whatsapp_last_inbound_at, ${at}) WHERE id = ${contactId}::uuid`;
    if (isOptOut(message.text)) {
      const { count } = await tx.contact.updateMany({ where: { id: contactId, whatsappOptedOutAt: null }, data: { whatsappOptedOutAt: at } });
      if (count) await recordTimeline(tx, [{ leadId, type: 'whatsapp_opt_out', occurredAt: at, payload: { wamid: message.wamid, text: message.text } }]);
    }
  }

  async state(leadId: string): Promise<ConversationState> {
    const lead = await this.prisma.lead.findUnique({ where: { id: leadId }, select: { contact: { select: { whatsappLastInboundAt: true, whatsappOptedOutAt: true } } } });
    if (!lead) throw new NotFoundError(`lead ${leadId} does not exist`);
    return conversationState(lead.contact);
  }

  /** Sends an agent's message, as the window allows. */
  async send(leadId: string, message: OutgoingMessage, actor: string): Promise<{ wamid: string; state: ConversationState }> {
    if (!this.client || !this.config.whatsapp) throw new ConflictError('WhatsApp is not configured: set the WHATSAPP_* variables');
    const lead = await this.prisma.lead.findUnique({ where: { id: leadId }, include: { contact: true } });
    if (!lead) throw new NotFoundError(`lead ${leadId} does not exist`);
    const state = conversationState(lead.contact);
    if (state.optedOut) throw new ConflictError('this person opted out of WhatsApp messages; nothing can be sent to them');
    const phone = lead.phone ?? lead.contact.phone;
    if (!phone) throw new InvalidRequestError('this lead has no phone number to message');
    let sent: { wamid: string };
    let record: { type: string; body?: string; template?: string; language?: string };
    if ('text' in message) {
      if (!state.windowOpen) throw new ConflictError('free text is allowed only within 24 hours of the person\'s last message; send an approved template instead');
      sent = await this.client.sendText(phone, message.text);
      record = { type: 'text', body: message.text };
    } else {
      const definition = this.config.whatsapp.templates[message.template];
      if (!definition) throw new InvalidRequestError(`template "${message.template}" is not configured (WHATSAPP_TEMPLATES has ${Object.keys(this.config.whatsapp.templates).join(', ') || 'none'})`);
      const language = message.language && definition.languages.includes(message.language) ? message.language : pickTemplateLanguage(definition, lead.language ?? undefined);
      const params = message.params ?? [];
      if (params.length !== definition.params.length) throw new InvalidRequestError(`template "${message.template}" takes ${definition.params.length} parameter(s), ${params.length} given`);
      sent = await this.client.sendTemplate({ to: phone, template: message.template, language, bodyParams: params });
      record = { type: 'template', template: message.template, language, body: params.join(' · ') || undefined };
    }
    await this.prisma.$transaction(async (tx) => {
      await tx.whatsAppMessage.create({ data: { wamid: sent.wamid, leadId, direction: 'outbound', to: phone, ...record } });
      await recordTimeline(tx, [{ leadId, type: 'message_sent', actor, payload: { channel: 'whatsapp', wamid: sent.wamid, messageType: record.type, text: record.body, template: record.template, language: record.language } }]);
    });
    return { wamid: sent.wamid, state };
  }
}

export function conversationState(contact: { whatsappLastInboundAt: Date | null; whatsappOptedOutAt: Date | null }, now = Date.now()): ConversationState {
  const closes = contact.whatsappLastInboundAt ? new Date(contact.whatsappLastInboundAt.getTime() + WHATSAPP_WINDOW_MS) : undefined;
  const windowOpen = Boolean(closes && closes.getTime() > now);
  const optedOut = Boolean(contact.whatsappOptedOutAt);
  return { windowOpen, windowClosesAt: windowOpen ? closes : undefined, optedOut, allowed: optedOut ? [] : windowOpen ? ['text', 'template'] : ['template'] };
}
