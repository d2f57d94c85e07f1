import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readText, sendJson, type SimulatorRoutes } from './simulator-routes.js';

/** One CRM stage event a dataset accepted. */
export interface ReceivedConversion {
  datasetId: string;
  testEventCode?: string;
  eventName: string;
  eventTime: number;
  /** The leadgen id exactly as sent (a JSON number, read from the request text). */
  leadId: string;
  leadEventSource: string;
}

const SEVEN_DAYS_S = 7 * 24 * 3600;

/**
 * Meta's Conversions API for CRM stages (`POST /{version}/{dataset-id}/events`): the access token
 * (Bearer header or `access_token`), 1–1,000 events, and the checks of the Conversion Leads
 * specification — a stage name, `event_time` in Unix seconds no more than 7 days old,
 * `action_source: system_generated`, a numeric `user_data.lead_id` Meta knows, `custom_data`
 * with `event_source: crm` and `lead_event_source`. One bad event refuses the whole request with a
 * Graph error naming it, as Meta does; a good request answers `{ events_received, fbtrace_id }`, and
 * an event whose `event_id` and name were received before is counted once.
 */
export class MetaConversionsSimulator implements SimulatorRoutes {
  readonly received: ReceivedConversion[] = [];
  /** Requests answered, refusals and faults included. */
  requests = 0;
  private failures: { status: number; code: number; message: string; remaining: number } | undefined;
  private readonly unknownLeadIds = new Set<string>();
  /** `event_id|event_name` of what was received: Meta counts a repeat once. */
  private readonly seen = new Set<string>();

  constructor(private readonly options: { datasetId: string; accessToken: string }) {}

  reset(): void {
    this.received.length = 0;
    this.requests = 0;
    this.failures = undefined;
    this.unknownLeadIds.clear();
    this.seen.clear();
  }

  /** The next `times` requests fail: an outage (500, code 2), a rate limit (code 17) or an expired token (code 190). */
  failNext(fault: 'server-error' | 'rate-limit' | 'auth', times: number): void {
    const [status, code, message] =
      fault === 'server-error' ? [500, 2, 'An unexpected error has occurred. Please retry your request later.']
      : fault === 'rate-limit' ? [400, 17, 'User request limit reached']
      : [400, 190, 'Error validating access token: Session has expired.'];
    this.failures = { status, code, message, remaining: times };
  }

  /** A leadgen id Meta does not know (a deleted lead, another ad account's): events naming it are refused. */
  rejectLeadId(leadId: string): void {
    this.unknownLeadIds.add(leadId);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const route = /^\/v\d+\.\d+\/(\d+)\/events$/.exec(url.pathname);
    if (req.method !== 'POST' || !route) return false;
    this.requests += 1;
    const text = await readText(req);
    const fail = (status: number, code: number, message: string, userMessage?: string, extra: Record<string, unknown> = { type: 'OAuthException' }) =>
      sendJson(res, status, { error: { message, ...extra, code, ...(userMessage ? { error_user_title: 'Invalid event', error_user_msg: userMessage } : {}), fbtrace_id: `SIM${randomBytes(6).toString('hex')}` } });
    if (this.failures) {
      const { status, code, message } = this.failures;
      if (--this.failures.remaining <= 0) this.failures = undefined;
      fail(status, code, message);
      return true;
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') || url.searchParams.get('access_token');
    if (token !== this.options.accessToken) return fail(400, 190, 'Invalid OAuth access token - Cannot parse access token'), true;
    if (route[1] !== this.options.datasetId) return fail(400, 100, `Unsupported post request. Object with ID '${route[1]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`, undefined, { type: 'GraphMethodException', error_subcode: 33 }), true;
    let body: { data?: unknown; test_event_code?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return fail(400, 100, 'Invalid parameter', 'The request body is not JSON.'), true;
    }
    const events = body.data;
    if (!Array.isArray(events) || events.length === 0 || events.length > 1000) return fail(400, 100, 'Invalid parameter', 'data must hold 1 to 1,000 events.'), true;
    // The ids as written: a JSON number of 16 digits would lose its last digits through JSON.parse.
    const leadIds = [...text.matchAll(/"lead_id"\s*:\s*("?)(\d+)\1/g)].map((m) => ({ quoted: m[1] === '"', digits: m[2]! }));
    const now = Math.floor(Date.now() / 1000);
    const accepted: ReceivedConversion[] = [];
    for (const [i, raw] of events.entries()) {
      const event = (raw ?? {}) as Record<string, unknown>;
      const user = (event.user_data ?? {}) as Record<string, unknown>;
      const custom = (event.custom_data ?? {}) as Record<string, unknown>;
      const id = leadIds[i];
      const problem =
        typeof event.event_name !== 'string' || !event.event_name ? 'event_name is required'
        : !Number.isInteger(event.event_time) ? 'event_time must be a Unix timestamp in seconds'
        : (event.event_time as number) < now - SEVEN_DAYS_S ? 'event_time is more than 7 days ago'
        : (event.event_time as number) > now + 60 ? 'event_time is in the future'
        : event.action_source !== 'system_generated' ? 'action_source must be system_generated for Conversion Leads events'
        : typeof user.lead_id !== 'number' || !id || id.quoted ? 'user_data.lead_id must be the numeric leadgen id'
        : this.unknownLeadIds.has(id.digits) ? `user_data.lead_id ${id.digits} is not a valid lead id`
        : custom.event_source !== 'crm' ? 'custom_data.event_source must be crm'
        : typeof custom.lead_event_source !== 'string' || !custom.lead_event_source ? 'custom_data.lead_event_source is required'
        : undefined;
      if (problem) return fail(400, 100, 'Invalid parameter', `Event at index ${i}: ${problem}.`), true;
      accepted.push({
        datasetId: route[1]!,
        testEventCode: typeof body.test_event_code === 'string' ? body.test_event_code : undefined,
        eventName: event.event_name as string,
        eventTime: event.event_time as number,
        leadId: id!.digits,
        leadEventSource: custom.lead_event_source as string,
      });
    }
    for (const [i, conversion] of accepted.entries()) {
      const eventId = (events[i] as { event_id?: unknown }).event_id;
      const key = typeof eventId === 'string' && eventId ? `${eventId}|${conversion.eventName}` : undefined;
      if (key && this.seen.has(key)) continue;
      if (key) this.seen.add(key);
      this.received.push(conversion);
    }
    sendJson(res, 200, { events_received: accepted.length, messages: [], fbtrace_id: `SIM${randomBytes(6).toString('hex')}` });
    return true;
  }
}
