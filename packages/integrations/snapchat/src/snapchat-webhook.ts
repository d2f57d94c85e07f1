import { InvalidPayloadError, isObject, requireId, type JsonObject } from '@leadflow/integration-common';

/** Snapchat posts each lead whole, as one flat JSON object; we store it as it came. */
export type SnapchatLeadPayload = JsonObject & { lead_id: string };

export function parseSnapchatDelivery(body: unknown): SnapchatLeadPayload {
  if (!isObject(body)) throw new InvalidPayloadError('body must be a JSON object (one lead)');
  return { ...body, lead_id: requireId(body.lead_id, 'lead_id') };
}

/** The form whose per-form hmac_secret may have signed the delivery. */
export function snapchatFormId(body: unknown): string | undefined {
  return isObject(body) && typeof body.form_id === 'string' && body.form_id !== '' ? body.form_id : undefined;
}
