import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJson, sendJson, type SimulatorRoutes } from './simulator-routes.js';

export interface Ga4ValidationMessage {
  fieldPath: string;
  description: string;
  validationCode: 'VALUE_INVALID' | 'VALUE_REQUIRED' | 'NAME_INVALID' | 'NAME_RESERVED' | 'VALUE_OUT_OF_BOUNDS' | 'EXCEEDED_MAX_ENTITIES' | 'NAME_DUPLICATED';
}

export interface Ga4Hit {
  /** `/mp/collect`, or under a server-side GTM container's path. */
  path: string;
  measurementId: string | null;
  body: unknown;
  /** What the validation server would have said: a hit with messages is dropped by GA4, silently. */
  messages: Ga4ValidationMessage[];
}

const RESERVED_EVENTS = new Set(['ad_activeview', 'ad_click', 'ad_exposure', 'ad_query', 'ad_reward', 'adunit_exposure', 'app_clear_data', 'app_exception', 'app_install', 'app_remove', 'app_store_refund', 'app_update', 'app_upgrade', 'dynamic_link_app_open', 'dynamic_link_app_update', 'dynamic_link_first_open', 'error', 'first_open', 'first_visit', 'in_app_purchase', 'notification_dismiss', 'notification_foreground', 'notification_open', 'notification_receive', 'notification_send', 'os_update', 'session_start', 'user_engagement']);
const RESERVED_PREFIXES = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const MAX_BACKDATE_MICROS = 72 * 3600 * 1_000_000;

/**
 * The checks of GA4's Measurement Protocol validation server that matter to us: required fields,
 * names, reserved names, limits (25 events, 25 params, 40-character names, 100-character values),
 * `currency` with every `value`, and the 72-hour backdating limit.
 */
export function validateMeasurementProtocol(measurementId: string | null, body: unknown, nowMicros = Date.now() * 1000): Ga4ValidationMessage[] {
  const messages: Ga4ValidationMessage[] = [];
  const add = (fieldPath: string, validationCode: Ga4ValidationMessage['validationCode'], description: string) => messages.push({ fieldPath, validationCode, description });
  if (!measurementId) add('measurement_id', 'VALUE_REQUIRED', 'Measurement ID is required for web streams.');
  if (typeof body !== 'object' || body === null) {
    add('', 'VALUE_INVALID', 'Unable to parse the request body as JSON.');
    return messages;
  }
  const b = body as Record<string, unknown>;
  if (typeof b.client_id !== 'string' || !b.client_id) add('client_id', 'VALUE_REQUIRED', 'client_id is required for web streams.');
  if (b.timestamp_micros !== undefined && (typeof b.timestamp_micros !== 'number' || nowMicros - b.timestamp_micros > MAX_BACKDATE_MICROS)) {
    add('timestamp_micros', 'VALUE_OUT_OF_BOUNDS', 'Timestamp must be within the last 72 hours.');
  }
  const events = b.events;
  if (!Array.isArray(events) || events.length === 0) {
    add('events', 'VALUE_REQUIRED', 'At least one event is required.');
    return messages;
  }
  if (events.length > 25) add('events', 'EXCEEDED_MAX_ENTITIES', 'A request can have at most 25 events.');
  events.forEach((event: Record<string, unknown>, i) => {
    const name = event?.name;
    if (typeof name !== 'string' || !NAME.test(name) || name.length > 40) add('events', 'NAME_INVALID', `Event at index: [${i}] has invalid name [${String(name)}]. Names must start with an alphabetic character and contain only letters, digits and underscores (at most 40).`);
    else if (RESERVED_EVENTS.has(name) || RESERVED_PREFIXES.some((p) => name.startsWith(p))) add('events', 'NAME_RESERVED', `Event at index: [${i}] has name [${name}] which is reserved.`);
    const params = (event?.params ?? {}) as Record<string, unknown>;
    const names = Object.keys(params);
    if (names.length > 25) add(`events[${i}].params`, 'EXCEEDED_MAX_ENTITIES', `Event at index: [${i}] has more than 25 params.`);
    for (const param of names) {
      if (!NAME.test(param) || param.length > 40) add(`events[${i}].params`, 'NAME_INVALID', `Event param [${param}] has an invalid name.`);
      else if (RESERVED_PREFIXES.some((p) => param.startsWith(p))) add(`events[${i}].params`, 'NAME_RESERVED', `Event param [${param}] has a reserved name.`);
      const value = params[param];
      if (typeof value === 'string' && value.length > 100) add(`events[${i}].params.${param}`, 'VALUE_OUT_OF_BOUNDS', `Event param [${param}] value is longer than 100 characters.`);
    }
    if (params.value !== undefined && params.currency === undefined) add(`events[${i}].params.currency`, 'VALUE_REQUIRED', 'Currency is required when value is set.');
    if (params.currency !== undefined && !/^[A-Z]{3}$/.test(String(params.currency))) add(`events[${i}].params.currency`, 'VALUE_INVALID', 'Currency must be an ISO 4217 code.');
  });
  return messages;
}

/**
 * GA4's collection endpoints: `/mp/collect` always answers 204 (and drops what is invalid or
 * unauthorised, as GA4 does), `/debug/mp/collect` answers `{ validationMessages }` and records nothing.
 */
export class Ga4Simulator implements SimulatorRoutes {
  /** Requests accepted by `/mp/collect` with the right secret. */
  readonly hits: Ga4Hit[] = [];
  /** Requests refused silently (wrong measurement id or secret). */
  readonly dropped: Ga4Hit[] = [];
  validations = 0;
  private failures = 0;

  constructor(private readonly options: { measurementId: string; apiSecret: string }) {}

  /** Events GA4 would report: from valid hits only. */
  events(): { clientId: string; name: string; params: Record<string, unknown>; timestampMicros?: number }[] {
    return this.hits
      .filter((h) => h.messages.length === 0)
      .flatMap((h) => {
        const body = h.body as { client_id: string; timestamp_micros?: number; events: { name: string; params: Record<string, unknown> }[] };
        return body.events.map((e) => ({ clientId: body.client_id, name: e.name, params: e.params ?? {}, timestampMicros: body.timestamp_micros }));
      });
  }

  reset(): void {
    this.hits.length = 0;
    this.dropped.length = 0;
    this.validations = 0;
    this.failures = 0;
  }

  /** The next `times` collect calls answer 503 (an outage). */
  failNext(times: number): void {
    this.failures = times;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const debug = url.pathname.endsWith('/debug/mp/collect');
    if (req.method !== 'POST' || !(debug || url.pathname.endsWith('/mp/collect'))) return false;
    const measurementId = url.searchParams.get('measurement_id');
    const body = await readJson(req);
    if (!debug && this.failures > 0) {
      this.failures -= 1;
      sendJson(res, 503, { error: 'Service Unavailable' });
      return true;
    }
    const messages = validateMeasurementProtocol(measurementId, body);
    if (debug) {
      this.validations += 1;
      sendJson(res, 200, { validationMessages: messages });
      return true;
    }
    const authorised = measurementId === this.options.measurementId && url.searchParams.get('api_secret') === this.options.apiSecret;
    (authorised ? this.hits : this.dropped).push({ path: url.pathname, measurementId, body, messages });
    sendJson(res, 204);
    return true;
  }
}
