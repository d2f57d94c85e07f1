import { IntegrationError, isObject, requestJson, type IntegrationErrorCode } from '@leadflow/integration-common';
import { classifyGraphError } from '@leadflow/integration-meta';

export interface WhatsAppConfig {
  apiUrl: string;
  version: string;
  phoneNumberId: string;
  accessToken: string;
  timeoutMs: number;
}

export interface TemplateMessage {
  /** E.164 (`+966501234567`). */
  to: string;
  template: string;
  /** An approved translation's code (`ar`, `en_US`). */
  language: string;
  /** Body `{{1}}`, `{{2}}`… in order. */
  bodyParams: string[];
}

const SERVICE = 'whatsapp';
const E164 = /^\+[1-9]\d{7,14}$/;

// WhatsApp's own codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
const WHATSAPP_CODES: Record<number, IntegrationErrorCode> = {
  130429: 'RATE_LIMITED', // throughput
  131048: 'RATE_LIMITED', // spam rate limit
  131056: 'RATE_LIMITED', // pair rate limit
  131047: 'INVALID', // more than 24 h since the customer last replied: only templates
  131026: 'INVALID', // undeliverable (not a WhatsApp user, old app…)
  131051: 'INVALID', // unsupported message type
  132000: 'INVALID', // parameter count mismatch
  132001: 'INVALID', // template does not exist in that language
  131000: 'TEMPORARY',
  131016: 'TEMPORARY', // service unavailable
};

/** The digits WhatsApp wants in `to`; refuses anything that is not E.164 before the call. */
export function whatsappRecipient(e164: string | undefined | null): string {
  if (!e164 || !E164.test(e164)) throw new IntegrationError(SERVICE, 'INVALID', `recipient ${e164 ? `"${e164}"` : '(none)'} is not an E.164 phone number`);
  return e164.slice(1);
}

/** Sends messages through the Cloud API: `POST /{version}/{phone-number-id}/messages`. */
export class WhatsAppClient {
  constructor(private readonly config: WhatsAppConfig) {}

  sendTemplate(message: TemplateMessage): Promise<{ wamid: string }> {
    return this.send({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: whatsappRecipient(message.to),
      type: 'template',
      template: {
        name: message.template,
        language: { code: message.language },
        components: message.bodyParams.length ? [{ type: 'body', parameters: message.bodyParams.map((text) => ({ type: 'text', text })) }] : [],
      },
    });
  }

  /** Free text: only inside the 24-hour window opened by the customer's last message (else 131047). */
  sendText(to: string, body: string): Promise<{ wamid: string }> {
    return this.send({ messaging_product: 'whatsapp', recipient_type: 'individual', to: whatsappRecipient(to), type: 'text', text: { preview_url: false, body } });
  }

  private async send(payload: Record<string, unknown>): Promise<{ wamid: string }> {
    const { apiUrl, version, phoneNumberId, accessToken, timeoutMs } = this.config;
    const { status, body } = await requestJson(SERVICE, `${apiUrl}/${version}/${encodeURIComponent(phoneNumberId)}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      timeoutMs,
    });
    const wamid = isObject(body) && Array.isArray(body.messages) && isObject(body.messages[0]) ? body.messages[0].id : undefined;
    if (status >= 200 && status < 300 && typeof wamid === 'string') return { wamid };
    throw classifyGraphError(SERVICE, status, body, WHATSAPP_CODES);
  }
}
