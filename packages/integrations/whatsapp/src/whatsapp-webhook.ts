import { InvalidPayloadError, isObject } from '@leadflow/integration-common';

export const MESSAGE_STATUSES = ['sent', 'delivered', 'read', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export interface StatusUpdate {
  wamid: string;
  status: MessageStatus;
  /** Unix seconds. */
  timestamp: number;
  recipientId?: string;
  error?: { code: number; title: string; details?: string };
}

/** A message a person sent to our number. */
export interface InboundMessage {
  wamid: string;
  /** The sender's WhatsApp id: their number, digits only. */
  from: string;
  /** Their WhatsApp profile name, when the delivery names it. */
  profileName?: string;
  /** Unix seconds. */
  timestamp: number;
  /** Our number that received it. */
  phoneNumberId?: string;
  /** text, image, document, audio, video, sticker, location, button, interactive, contacts, reaction… */
  type: string;
  /** What the person wrote: text body, a caption, a button's or list reply's title. */
  text?: string;
  /** A button's payload or an interactive reply's id. */
  payload?: string;
  media?: { id?: string; mimeType?: string; caption?: string; filename?: string; sha256?: string };
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  /** Click-to-WhatsApp ad that opened the conversation. */
  referral?: { sourceId?: string; sourceType?: string; sourceUrl?: string; headline?: string; body?: string; mediaType?: string; ctwaClid?: string };
  /** The message this one replies to. */
  replyTo?: string;
}

const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

function inboundMessage(raw: Record<string, unknown>, profiles: Map<string, string>, phoneNumberId: string | undefined, at: string): InboundMessage {
  if (typeof raw.id !== 'string' || typeof raw.from !== 'string' || typeof raw.type !== 'string') throw new InvalidPayloadError(`${at} needs id, from and type`);
  const body = isObject(raw[raw.type]) ? (raw[raw.type] as Record<string, unknown>) : {};
  const interactive = raw.type === 'interactive' ? ((isObject(body.button_reply) ? body.button_reply : isObject(body.list_reply) ? body.list_reply : {}) as Record<string, unknown>) : {};
  const referral = isObject(raw.referral) ? raw.referral : undefined;
  const media = ['image', 'document', 'audio', 'video', 'sticker'].includes(raw.type)
    ? { id: str(body.id), mimeType: str(body.mime_type), caption: str(body.caption), filename: str(body.filename), sha256: str(body.sha256) }
    : undefined;
  return {
    wamid: raw.id,
    from: raw.from,
    profileName: profiles.get(raw.from),
    timestamp: Number(raw.timestamp) || 0,
    phoneNumberId,
    type: raw.type,
    text: str(raw.type === 'text' ? body.body : raw.type === 'button' ? body.text : raw.type === 'interactive' ? interactive.title : body.caption),
    payload: str(raw.type === 'button' ? body.payload : interactive.id),
    media,
    location: raw.type === 'location' ? { latitude: Number(body.latitude), longitude: Number(body.longitude), name: str(body.name), address: str(body.address) } : undefined,
    referral: referral && {
      sourceId: str(referral.source_id),
      sourceType: str(referral.source_type),
      sourceUrl: str(referral.source_url),
      headline: str(referral.headline),
      body: str(referral.body),
      mediaType: str(referral.media_type),
      ctwaClid: str(referral.ctwa_clid),
    },
    replyTo: isObject(raw.context) ? str(raw.context.id) : undefined,
  };
}

/** Order of a message's life; failed is final. A status never moves a message backwards. */
export const STATUS_RANK: Record<MessageStatus, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * `{ object: "whatsapp_business_account", entry: [{ changes: [{ field: "messages", value: { statuses: […], messages: […] } }] }] }`.
 * Returns the status updates of messages we sent and the messages people sent us.
 */
export function parseWhatsAppDelivery(body: unknown): { statuses: StatusUpdate[]; messages: InboundMessage[] } {
  if (!isObject(body) || !Array.isArray(body.entry)) throw new InvalidPayloadError('body must be { object, entry: [] }');
  const statuses: StatusUpdate[] = [];
  const messages: InboundMessage[] = [];
  body.entry.forEach((entry, i) => {
    if (!isObject(entry) || !Array.isArray(entry.changes)) throw new InvalidPayloadError(`entry[${i}].changes must be an array`);
    entry.changes.forEach((change, j) => {
      if (!isObject(change) || !isObject(change.value)) throw new InvalidPayloadError(`entry[${i}].changes[${j}].value must be an object`);
      const value = change.value;
      const profiles = new Map<string, string>();
      for (const contact of Array.isArray(value.contacts) ? value.contacts : []) {
        if (isObject(contact) && typeof contact.wa_id === 'string' && isObject(contact.profile) && typeof contact.profile.name === 'string') profiles.set(contact.wa_id, contact.profile.name);
      }
      const phoneNumberId = isObject(value.metadata) ? str(value.metadata.phone_number_id) : undefined;
      for (const [k, raw] of (Array.isArray(value.messages) ? value.messages : []).entries()) {
        const at = `entry[${i}].changes[${j}].value.messages[${k}]`;
        if (!isObject(raw)) throw new InvalidPayloadError(`${at} must be an object`);
        messages.push(inboundMessage(raw, profiles, phoneNumberId, at));
      }
      for (const [k, raw] of (Array.isArray(value.statuses) ? value.statuses : []).entries()) {
        const at = `entry[${i}].changes[${j}].value.statuses[${k}]`;
        if (!isObject(raw) || typeof raw.id !== 'string' || !(MESSAGE_STATUSES as readonly string[]).includes(raw.status as string)) {
          throw new InvalidPayloadError(`${at} needs an id and a status of ${MESSAGE_STATUSES.join(', ')}`);
        }
        const error = Array.isArray(raw.errors) && isObject(raw.errors[0]) ? raw.errors[0] : undefined;
        statuses.push({
          wamid: raw.id,
          status: raw.status as MessageStatus,
          timestamp: Number(raw.timestamp) || 0,
          recipientId: typeof raw.recipient_id === 'string' ? raw.recipient_id : undefined,
          error: error ? { code: Number(error.code), title: String(error.title ?? error.message ?? ''), details: isObject(error.error_data) ? String(error.error_data.details ?? '') : undefined } : undefined,
        });
      }
    });
  });
  return { statuses, messages };
}
