import { metaSignatureHeader } from '@leadflow/integration-meta';
import { snapchatSignatureHeaders } from '@leadflow/integration-snapchat';

export interface WebhookTarget {
  apiUrl: string;
  metaAppSecret: string;
  tiktokWebhookToken: string;
  snapchatHmacSecret: string;
}

export interface SentWebhook {
  status: number;
  body: unknown;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<SentWebhook> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed };
}

/** Posts a body to our webhooks exactly as each platform would: same headers, same signatures. */
export class WebhookSender {
  constructor(private readonly target: WebhookTarget) {}

  meta(body: unknown): Promise<SentWebhook> {
    const raw = JSON.stringify(body);
    return post(`${this.target.apiUrl}/webhooks/meta`, raw, { 'x-hub-signature-256': metaSignatureHeader(raw, this.target.metaAppSecret) });
  }

  tiktok(body: unknown): Promise<SentWebhook> {
    return post(`${this.target.apiUrl}/webhooks/tiktok?token=${encodeURIComponent(this.target.tiktokWebhookToken)}`, JSON.stringify(body), {});
  }

  snapchat(body: unknown, nowMs = Date.now()): Promise<SentWebhook> {
    const raw = JSON.stringify(body);
    return post(`${this.target.apiUrl}/webhooks/snapchat`, raw, snapchatSignatureHeaders(raw, this.target.snapchatHmacSecret, nowMs));
  }
}
