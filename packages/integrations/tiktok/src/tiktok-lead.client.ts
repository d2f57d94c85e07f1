import { IntegrationError, codeForHttpStatus, isObject, requestJson, type IntegrationErrorCode, type JsonObject } from '@leadflow/integration-common';

export interface TikTokApiConfig {
  /** `https://business-api.tiktok.com`, or the local simulator. */
  baseUrl: string;
  accessToken: string;
  timeoutMs: number;
}

/** A lead as the Business API returns it (schema not published; these are the fields integrations read). */
export interface TikTokLead {
  lead_id: string;
  create_time?: string | number;
  advertiser_id?: string;
  page_id?: string;
  page_name?: string;
  form_id?: string;
  form_name?: string;
  campaign_id?: string;
  campaign_name?: string;
  adgroup_id?: string;
  adgroup_name?: string;
  ad_id?: string;
  ad_name?: string;
  field_data?: { name: string; value?: unknown; label?: string }[];
}

const SERVICE = 'tiktok-business';

// Envelope codes: 0 = OK; 401xx token/permission problems (40100 = too many requests);
// 40002 and most 400xx = bad parameters; 5xxxx = TikTok-side errors.
function classifyEnvelopeCode(code: number): IntegrationErrorCode {
  if (code === 40100 || code === 40133) return 'RATE_LIMITED';
  if (code >= 40101 && code <= 40199) return 'AUTH';
  if (code >= 50000) return 'TEMPORARY';
  return 'INVALID';
}

function leadFrom(data: unknown): TikTokLead | undefined {
  if (!isObject(data)) return undefined;
  if (isObject(data.lead)) return data.lead as unknown as TikTokLead;
  if (Array.isArray(data.list) && isObject(data.list[0])) return data.list[0] as unknown as TikTokLead;
  if (data.lead_id !== undefined) return data as unknown as TikTokLead;
  return undefined;
}

/** Reads leads from the TikTok Business API (`Access-Token` header, `{code, message, data}` envelope). */
export class TikTokLeadClient {
  constructor(private readonly config: TikTokApiConfig) {}

  async getLead(advertiserId: string, leadId: string): Promise<TikTokLead> {
    const query = new URLSearchParams({ advertiser_id: advertiserId, lead_id: leadId });
    const { status, body } = await requestJson(SERVICE, `${this.config.baseUrl}/open_api/v1.3/lead/get/?${query}`, {
      method: 'GET',
      headers: { 'access-token': this.config.accessToken, accept: 'application/json' },
      timeoutMs: this.config.timeoutMs,
    });
    const envelope: JsonObject | undefined = isObject(body) ? body : undefined;
    if (status < 200 || status >= 300) {
      throw new IntegrationError(SERVICE, codeForHttpStatus(status), String(envelope?.message ?? `HTTP ${status}`), { status });
    }
    if (!envelope || typeof envelope.code !== 'number') throw new IntegrationError(SERVICE, 'TEMPORARY', 'answer is not a Business API envelope', { status });
    // A non-zero code is a failure even though the HTTP status is 200.
    if (envelope.code !== 0) {
      throw new IntegrationError(SERVICE, classifyEnvelopeCode(envelope.code), String(envelope.message ?? 'error'), {
        code: envelope.code,
        requestId: envelope.request_id,
      });
    }
    const lead = leadFrom(envelope.data);
    if (!lead) throw new IntegrationError(SERVICE, 'NOT_FOUND', `lead ${leadId} of advertiser ${advertiserId} not in the answer`, { requestId: envelope.request_id });
    return lead;
  }
}
