import { IntegrationError, codeForHttpStatus, isObject, requestJson } from '@leadflow/integration-common';

export interface Ga4Config {
  measurementId: string;
  apiSecret: string;
  /** Google's collection host, or a simulator. */
  apiUrl: string;
  /** A server-side GTM container that claims `/mp/collect`: events go there instead. */
  gtmServerUrl?: string;
  timeoutMs: number;
}

/** One Measurement Protocol request: one client (person), up to 25 events. */
export interface Ga4Payload {
  client_id: string;
  user_id?: string;
  timestamp_micros?: number;
  events: { name: string; params: Record<string, string | number> }[];
}

export interface Ga4ValidationMessage {
  fieldPath: string;
  description: string;
  validationCode: string;
}

const SERVICE = 'ga4';

/**
 * Sends events with the Measurement Protocol. `/mp/collect` answers 2xx even for malformed
 * events, so `validate` posts the same body to `/debug/mp/collect` (never recorded by GA4) and
 * returns what Google's validation server says.
 */
export class Ga4Client {
  constructor(private readonly config: Ga4Config) {}

  async send(payload: Ga4Payload): Promise<void> {
    const base = this.config.gtmServerUrl ?? this.config.apiUrl;
    const { status, body } = await requestJson(SERVICE, this.url(base, '/mp/collect'), this.request(payload));
    if (status >= 200 && status < 300) return;
    throw new IntegrationError(SERVICE, codeForHttpStatus(status), `collect answered HTTP ${status}${isObject(body) ? `: ${JSON.stringify(body).slice(0, 200)}` : ''}`);
  }

  async validate(payload: Ga4Payload): Promise<Ga4ValidationMessage[]> {
    const { status, body } = await requestJson(SERVICE, this.url(this.config.apiUrl, '/debug/mp/collect'), this.request(payload));
    if (status < 200 || status >= 300 || !isObject(body) || !Array.isArray(body.validationMessages)) {
      throw new IntegrationError(SERVICE, status >= 400 ? codeForHttpStatus(status) : 'TEMPORARY', `validation server answered HTTP ${status} without validationMessages`);
    }
    return body.validationMessages as Ga4ValidationMessage[];
  }

  private url(base: string, path: string): string {
    const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
    url.pathname = `${new URL(base).pathname.replace(/\/$/, '')}${path}`;
    url.searchParams.set('measurement_id', this.config.measurementId);
    url.searchParams.set('api_secret', this.config.apiSecret);
    return url.toString();
  }

  private request(payload: Ga4Payload) {
    return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), timeoutMs: this.config.timeoutMs };
  }
}
