import { IntegrationError, codeForHttpStatus, isObject, requestJson, type IntegrationErrorCode } from '@leadflow/integration-common';

export interface MetaGraphConfig {
  /** `https://graph.facebook.com`, or the local simulator. */
  baseUrl: string;
  /** `v21.0` */
  version: string;
  pageAccessToken: string;
  timeoutMs: number;
}

/** A lead as `GET /{leadgen-id}` returns it (the fields we ask for). */
export interface MetaGraphLead {
  id: string;
  created_time?: string;
  ad_id?: string;
  ad_name?: string;
  adset_id?: string;
  adset_name?: string;
  campaign_id?: string;
  campaign_name?: string;
  form_id?: string;
  field_data?: { name: string; values?: unknown[] }[];
  custom_disclaimer_responses?: { checkbox_key?: string; is_checked?: string | boolean }[];
  is_organic?: boolean;
  /** `fb` or `ig`. */
  platform?: string;
}

export interface MetaLeadForm {
  id: string;
  name?: string;
  locale?: string;
  questions?: { key: string; label?: string; type?: string }[];
}

const LEAD_FIELDS =
  'id,created_time,ad_id,ad_name,adset_id,adset_name,campaign_id,campaign_name,form_id,field_data,custom_disclaimer_responses,is_organic,platform';
const FORM_FIELDS = 'id,name,locale,questions';
const SERVICE = 'meta-graph';

// Graph error codes (developers.facebook.com/docs/graph-api/guides/error-handling).
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006, 80008, 80014]);
const AUTH_CODES = new Set([102, 190, 10, 463, 467]);
const TEMPORARY_CODES = new Set([1, 2]);
const OBJECT_MISSING_SUBCODE = 33;

/**
 * Graph API error → code, for every Graph product (Lead Ads, WhatsApp Cloud). `extra` adds a
 * product's own codes (WhatsApp's 131xxx/132xxx).
 */
export function classifyGraphError(service: string, status: number, body: unknown, extra: Record<number, IntegrationErrorCode> = {}): IntegrationError {
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  const code = typeof error?.code === 'number' ? error.code : undefined;
  const subcode = typeof error?.error_subcode === 'number' ? error.error_subcode : undefined;
  const generic = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  // "Invalid parameter" says little; Graph puts what was wrong in error_user_msg.
  const message = typeof error?.error_user_msg === 'string' ? `${generic}: ${error.error_user_msg}` : generic;
  let kind: IntegrationErrorCode;
  if (code !== undefined && extra[code]) kind = extra[code]!;
  else if (code === undefined) kind = codeForHttpStatus(status);
  else if (RATE_LIMIT_CODES.has(code)) kind = 'RATE_LIMITED';
  else if (AUTH_CODES.has(code) || (code >= 200 && code < 300)) kind = 'AUTH';
  else if (TEMPORARY_CODES.has(code) || status >= 500) kind = 'TEMPORARY';
  else if (code === 100 && subcode === OBJECT_MISSING_SUBCODE) kind = 'NOT_FOUND';
  else kind = 'INVALID';
  return new IntegrationError(service, kind, message, { status, code, subcode, fbtraceId: error?.fbtrace_id });
}

/** Reads leads and forms from the Graph API with the Page token. */
export class MetaGraphClient {
  constructor(private readonly config: MetaGraphConfig) {}

  getLead(leadgenId: string): Promise<MetaGraphLead> {
    return this.get(`${encodeURIComponent(leadgenId)}?fields=${LEAD_FIELDS}`) as Promise<MetaGraphLead>;
  }

  getForm(formId: string): Promise<MetaLeadForm> {
    return this.get(`${encodeURIComponent(formId)}?fields=${FORM_FIELDS}`) as Promise<MetaLeadForm>;
  }

  /** An ad with its ad set and campaign names (click-to-WhatsApp attribution). */
  async getAd(adId: string): Promise<{ id: string; name?: string; adset_id?: string; campaign_id?: string; adset?: { id: string; name?: string }; campaign?: { id: string; name?: string } }> {
    return (await this.get(`${encodeURIComponent(adId)}?fields=id,name,adset_id,campaign_id,adset{name},campaign{name}`)) as never;
  }

  /**
   * One page of a form's leads (`GET /{form-id}/leads`), newest first, created after `since`
   * (Unix seconds) when given. `after` is the cursor of the next page, absent on the last.
   */
  async listFormLeads(formId: string, options: { since?: number; after?: string; limit?: number } = {}): Promise<{ leads: MetaGraphLead[]; after?: string }> {
    const query = new URLSearchParams({ fields: 'id,created_time,form_id,ad_id,adset_id,campaign_id', limit: String(options.limit ?? 100) });
    if (options.since !== undefined) query.set('filtering', JSON.stringify([{ field: 'time_created', operator: 'GREATER_THAN', value: options.since }]));
    if (options.after) query.set('after', options.after);
    const body = (await this.get(`${encodeURIComponent(formId)}/leads?${query}`)) as { data?: MetaGraphLead[]; paging?: { cursors?: { after?: string }; next?: string } };
    return { leads: body.data ?? [], after: body.paging?.next ? body.paging.cursors?.after : undefined };
  }

  private async get(pathAndQuery: string): Promise<unknown> {
    const { baseUrl, version, pageAccessToken, timeoutMs } = this.config;
    const { status, body } = await requestJson(SERVICE, `${baseUrl}/${version}/${pathAndQuery}`, {
      method: 'GET',
      // The token goes in a header rather than the query string so it never lands in access logs.
      headers: { authorization: `Bearer ${pageAccessToken}`, accept: 'application/json' },
      timeoutMs,
    });
    if (status >= 200 && status < 300 && isObject(body) && body.error === undefined) return body;
    throw classifyGraphError(SERVICE, status, body);
  }
}
