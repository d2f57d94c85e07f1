import type { MetaConversionEvent } from '@leadflow/domain';
import { IntegrationError, isObject, requestJson } from '@leadflow/integration-common';
import { classifyGraphError } from './meta-graph.client.js';

export interface MetaConversionsConfig {
  /** `https://graph.facebook.com`, or the local simulator. */
  baseUrl: string;
  version: string;
  datasetId: string;
  accessToken: string;
  /** Events Manager's test code: the events show under Test events only. */
  testEventCode?: string;
  timeoutMs: number;
}

/** The Conversions API takes up to 1,000 events a request. */
export const META_CONVERSIONS_MAX_EVENTS = 1000;
const SERVICE = 'meta-conversions';

/**
 * The request body, with each `user_data.lead_id` written as the JSON number Meta expects: the ids
 * are kept as digit strings (16 digits do not fit a JS number), so they are unquoted here.
 */
export function conversionsRequestBody(events: MetaConversionEvent[], testEventCode?: string): string {
  const text = JSON.stringify({ data: events, ...(testEventCode ? { test_event_code: testEventCode } : {}) });
  return text.replace(/"lead_id":"(\d{1,20})"/g, '"lead_id":$1');
}

/** Posts CRM stage events to a dataset (`POST /{dataset-id}/events`). */
export class MetaConversionsClient {
  constructor(private readonly config: MetaConversionsConfig) {}

  /** Sends the events in one request; Meta takes all of them or refuses the request. */
  async send(events: MetaConversionEvent[]): Promise<{ eventsReceived: number; fbtraceId?: string }> {
    if (events.length === 0 || events.length > META_CONVERSIONS_MAX_EVENTS) throw new Error(`send 1 to ${META_CONVERSIONS_MAX_EVENTS} events, not ${events.length}`);
    const { baseUrl, version, datasetId, accessToken, testEventCode, timeoutMs } = this.config;
    const { status, body } = await requestJson(SERVICE, `${baseUrl}/${version}/${encodeURIComponent(datasetId)}/events`, {
      method: 'POST',
      // In a header, not the query string, so the token never lands in access logs.
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json' },
      body: conversionsRequestBody(events, testEventCode),
      timeoutMs,
    });
    if (status >= 200 && status < 300 && isObject(body) && body.error === undefined) {
      const received = typeof body.events_received === 'number' ? body.events_received : undefined;
      // Fewer received than sent would be lost stages: treated as a failure worth retrying.
      if (received !== events.length) throw new IntegrationError(SERVICE, 'TEMPORARY', `received ${String(received)} of ${events.length} events`);
      return { eventsReceived: received, fbtraceId: typeof body.fbtrace_id === 'string' ? body.fbtrace_id : undefined };
    }
    throw classifyGraphError(SERVICE, status, body);
  }
}
