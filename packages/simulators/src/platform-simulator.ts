import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { MetaGraphLead, MetaLeadForm } from '@leadflow/integration-meta';
import { metaSignatureHeader } from '@leadflow/integration-meta';
import type { TikTokLead } from '@leadflow/integration-tiktok';
import type { SimulatorRoutes } from './simulator-routes.js';

export type SimulatedApi = 'meta' | 'tiktok' | 'whatsapp' | 'sheets';

/** A misbehaviour to play for the next N calls of one API. */
export type Fault = 'server-error' | 'timeout' | 'auth' | 'rate-limit';

export interface PlatformSimulatorOptions {
  port?: number;
  host?: string;
  /** Tokens the real APIs would demand; requests without them get the platform's auth error. */
  metaAccessToken: string;
  tiktokAccessToken: string;
  /** How long a `timeout` fault keeps the caller waiting before the socket is dropped. */
  timeoutFaultMs?: number;
  whatsapp?: {
    accessToken: string;
    phoneNumberId: string;
    /** Approved templates: name → languages and body parameter count. */
    templates: Record<string, { languages: string[]; paramCount: number }>;
    /** Where to post signed status webhooks (sent, delivered) for each accepted message, as Meta does. */
    statusWebhook?: { url: string; appSecret: string };
    /** Where customers' messages are posted (default: the status webhook target). */
    inboundWebhook?: { url: string; appSecret: string };
  };
  sheets?: { accessToken: string; writesPerMinute?: number };
  /** More APIs on the same port (GA4, BigQuery). */
  extensions?: SimulatorRoutes[];
}

/** A message a customer sends to the business number (what the simulator delivers by webhook). */
export interface CustomerMessage {
  /** Their number, digits only (`966501234567`). */
  from: string;
  /** Their WhatsApp profile name. */
  name?: string;
  type?: 'text' | 'image' | 'document' | 'audio' | 'location' | 'button' | 'interactive';
  text?: string;
  /** For image, document, audio: the media's fields (id, mime_type, caption, filename…). */
  media?: Record<string, unknown>;
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  /** button: `{ payload, text }`; interactive: `{ type: 'button_reply', button_reply: { id, title } }`. */
  button?: { payload: string; text: string };
  interactive?: Record<string, unknown>;
  /** Click-to-WhatsApp: the ad the conversation came from. */
  referral?: { source_url?: string; source_id?: string; source_type?: 'ad' | 'post'; headline?: string; body?: string; media_type?: string; ctwa_clid?: string };
  /** Answering one of our messages. */
  context?: { id: string };
  /** Unix seconds (default now). */
  timestamp?: number;
}

export interface SentWhatsAppMessage {
  wamid: string;
  to: string;
  type: string;
  template?: { name: string; language: string; bodyParams: string[] };
  text?: string;
}

/**
 * Speaks the two lead-fetch APIs our workers call, with the platforms' real paths, headers, JSON
 * and error shapes: the Graph API (`GET /{version}/{id}?fields=…`, Bearer token, `{error:{code,…}}`)
 * and TikTok's Business API (`GET /open_api/v1.3/lead/get/`, `Access-Token`, `{code,message,data}`).
 * Leads are seeded through `/_simulator/*` (or the methods here, in-process); faults can be
 * injected to rehearse outages.
 */
export class PlatformSimulator {
  private server?: Server;
  private readonly metaLeads = new Map<string, MetaGraphLead>();
  private readonly metaForms = new Map<string, MetaLeadForm>();
  private readonly tiktokLeads = new Map<string, TikTokLead>();
  private readonly metaAds = new Map<string, Record<string, unknown>>();
  /** When each customer last wrote to us (ms): free-form text to them is refused 24 hours after. */
  private readonly lastCustomerMessage = new Map<string, number>();
  private readonly faults: Record<SimulatedApi, { fault: Fault; remaining: number } | undefined> = { meta: undefined, tiktok: undefined, whatsapp: undefined, sheets: undefined };
  /** Calls answered, per API (faults included). */
  readonly calls: Record<SimulatedApi, number> = { meta: 0, tiktok: 0, whatsapp: 0, sheets: 0 };
  /** Messages the WhatsApp Cloud API accepted. */
  readonly whatsappMessages: SentWhatsAppMessage[] = [];
  /** Spreadsheet id → sheet name → rows. */
  readonly sheets = new Map<string, Map<string, string[][]>>();
  private sheetWrites: number[] = [];

  constructor(private readonly options: PlatformSimulatorOptions) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: Error) => send(res, 500, { error: { message: error.message } }));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('simulator is not running');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  addMetaLead(lead: MetaGraphLead, form?: MetaLeadForm): void {
    this.metaLeads.set(lead.id, lead);
    if (form) this.metaForms.set(form.id, form);
  }

  /** An ad the Graph API knows (for click-to-WhatsApp attribution): `GET /{ad-id}`. */
  addMetaAd(ad: { id: string; name: string; adset: { id: string; name: string }; campaign: { id: string; name: string } }): void {
    this.metaAds.set(ad.id, { id: ad.id, name: ad.name, adset_id: ad.adset.id, campaign_id: ad.campaign.id, adset: ad.adset, campaign: ad.campaign });
  }

  /**
   * A customer writes to the business number: posts the signed `messages` webhook WhatsApp would
   * send (to the status webhook target) and opens their 24-hour window. Returns the message id and
   * the webhook's HTTP status.
   */
  async customerSends(message: CustomerMessage): Promise<{ wamid: string; status: number }> {
    const options = this.options.whatsapp;
    const target = options?.inboundWebhook ?? options?.statusWebhook;
    if (!options || !target) throw new Error('WhatsApp is not simulated with a webhook target');
    const wamid = `wamid.HBgM${randomBytes(12).toString('hex').toUpperCase()}`;
    const timestamp = message.timestamp ?? Math.floor(Date.now() / 1000);
    const type = message.type ?? (message.location ? 'location' : message.button ? 'button' : message.interactive ? 'interactive' : 'text');
    const content =
      type === 'text' ? { text: { body: message.text ?? '' } }
      : type === 'location' ? { location: message.location }
      : type === 'button' ? { button: message.button }
      : type === 'interactive' ? { interactive: message.interactive }
      : { [type]: message.media ?? {} };
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'WABA', changes: [{ field: 'messages', value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550001111', phone_number_id: options.phoneNumberId },
        contacts: [{ profile: { name: message.name ?? '' }, wa_id: message.from }],
        messages: [{ from: message.from, id: wamid, timestamp: String(timestamp), type, ...content, ...(message.referral ? { referral: message.referral } : {}), ...(message.context ? { context: { from: '15550001111', id: message.context.id } } : {}) }],
      } }] }],
    });
    this.lastCustomerMessage.set(message.from, Math.max(this.lastCustomerMessage.get(message.from) ?? 0, timestamp * 1000));
    const response = await fetch(target.url, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignatureHeader(raw, target.appSecret) } });
    await response.arrayBuffer();
    return { wamid, status: response.status };
  }

  /** Where customers' messages go (the API's /webhooks/whatsapp, once it listens). */
  setInboundWebhook(target: { url: string; appSecret: string }): void {
    if (this.options.whatsapp) this.options.whatsapp.inboundWebhook = target;
  }

  addTikTokLead(advertiserId: string, lead: TikTokLead): void {
    this.tiktokLeads.set(`${advertiserId}:${lead.lead_id}`, { ...lead, advertiser_id: advertiserId });
  }

  failNext(api: SimulatedApi, fault: Fault, times: number): void {
    this.faults[api] = times > 0 ? { fault, remaining: times } : undefined;
  }

  reset(): void {
    this.metaLeads.clear();
    this.metaForms.clear();
    this.metaAds.clear();
    this.lastCustomerMessage.clear();
    this.tiktokLeads.clear();
    for (const api of Object.keys(this.faults) as SimulatedApi[]) {
      this.faults[api] = undefined;
      this.calls[api] = 0;
    }
    this.whatsappMessages.length = 0;
    this.sheets.clear();
    this.sheetWrites = [];
    for (const extension of this.options.extensions ?? []) extension.reset();
  }

  /** The rows of a sheet (tests, demo). */
  sheetRows(spreadsheetId: string, sheet: string): string[][] {
    return this.sheets.get(spreadsheetId)?.get(sheet) ?? [];
  }

  private takeFault(api: SimulatedApi): Fault | undefined {
    const pending = this.faults[api];
    if (!pending) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.faults[api] = undefined;
    return pending.fault;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname.startsWith('/_simulator/')) return this.control(req, res, url);
    for (const extension of this.options.extensions ?? []) if (await extension.handle(req, res, url)) return;
    if (req.method === 'GET' && url.pathname === '/open_api/v1.3/lead/get/') return this.tiktokLeadGet(req, res, url);
    const messages = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/.exec(url.pathname);
    if (req.method === 'POST' && messages) return this.whatsappSend(req, res, decodeURIComponent(messages[2]!));
    const sheet = /^\/v4\/spreadsheets\/([^/]+)\/values\/(.+)$/.exec(url.pathname);
    if (sheet) return this.sheetsValues(req, res, url, decodeURIComponent(sheet[1]!), decodeURIComponent(sheet[2]!));
    const formLeads = /^\/(v\d+\.\d+)\/([^/]+)\/leads$/.exec(url.pathname);
    if (req.method === 'GET' && formLeads) return this.graphFormLeads(req, res, url, decodeURIComponent(formLeads[2]!));
    const graph = /^\/(v\d+\.\d+)\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && graph) return this.graphGet(req, res, url, decodeURIComponent(graph[2]!));
    send(res, 404, { error: { message: `simulator has no route ${req.method} ${url.pathname}`, type: 'GraphMethodException', code: 100 } });
  }

  private async playFault(api: SimulatedApi, res: ServerResponse): Promise<boolean> {
    const fault = this.takeFault(api);
    if (!fault) return false;
    if (fault === 'timeout') {
      await new Promise((resolve) => setTimeout(resolve, this.options.timeoutFaultMs ?? 30_000));
      res.destroy();
      return true;
    }
    if (api === 'sheets') {
      const status = fault === 'rate-limit' ? 429 : fault === 'auth' ? 403 : 503;
      send(res, status, { error: { code: status, message: fault === 'rate-limit' ? "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user'" : 'The service is currently unavailable.', status: fault === 'rate-limit' ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE' } });
      return true;
    }
    if (api === 'meta' || api === 'whatsapp') {
      const errors = {
        'server-error': [500, { error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, fbtrace_id: 'SIMfbtrace' } }],
        auth: [400, { error: { message: 'Error validating access token: Session has expired.', type: 'OAuthException', code: 190, error_subcode: 463, fbtrace_id: 'SIMfbtrace' } }],
        'rate-limit': [400, { error: { message: 'User request limit reached', type: 'OAuthException', code: 17, fbtrace_id: 'SIMfbtrace' } }],
      } as const;
      const [status, body] = errors[fault];
      send(res, status, body);
    } else {
      const codes = { 'server-error': [50000, 'System error'], auth: [40105, 'Access token is incorrect or has been revoked.'], 'rate-limit': [40100, 'Requests made too frequently.'] } as const;
      const [code, message] = codes[fault];
      // The Business API reports failures inside an HTTP 200.
      send(res, 200, { code, message, request_id: requestId(), data: {} });
    }
    return true;
  }

  private async whatsappSend(req: IncomingMessage, res: ServerResponse, phoneNumberId: string): Promise<void> {
    this.calls.whatsapp += 1;
    const options = this.options.whatsapp;
    if (!options) return send(res, 404, { error: { message: 'WhatsApp is not simulated', code: 100 } });
    if (await this.playFault('whatsapp', res)) return;
    const graphError = (status: number, code: number, message: string, details?: string) =>
      send(res, status, { error: { message, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details: details ?? message }, fbtrace_id: 'SIMfbtrace' } });
    if (bearer(req) !== options.accessToken) return graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (phoneNumberId !== options.phoneNumberId) return graphError(400, 100, `Unsupported post request. Object with ID '${phoneNumberId}' does not exist`);
    const body = (await readJson(req)) as Record<string, any>;
    if (body.messaging_product !== 'whatsapp' || typeof body.to !== 'string' || !/^\d{8,15}$/.test(body.to)) {
      return graphError(400, 100, '(#100) Invalid parameter', 'to must be the recipient phone number in international format, digits only');
    }
    let sent: SentWhatsAppMessage;
    const wamid = `wamid.HBgM${randomBytes(12).toString('hex').toUpperCase()}`;
    if (body.type === 'template') {
      const name = body.template?.name as string;
      const language = body.template?.language?.code as string;
      const approved = options.templates[name];
      if (!approved || !approved.languages.includes(language)) return graphError(404, 132001, `(#132001) Template name does not exist in the translation`, `template name (${name}) does not exist in ${language}`);
      const params = ((body.template.components ?? []) as { type: string; parameters?: { text?: string }[] }[]).filter((c) => c.type === 'body').flatMap((c) => (c.parameters ?? []).map((p) => String(p.text ?? '')));
      if (params.length !== approved.paramCount) return graphError(400, 132000, '(#132000) Number of parameters does not match the expected number of params', `body: number of localizable_params (${params.length}) does not match the expected number of params (${approved.paramCount})`);
      sent = { wamid, to: body.to, type: 'template', template: { name, language, bodyParams: params } };
    } else if (body.type === 'text' && typeof body.text?.body === 'string') {
      // Free-form messages only within 24 hours of the customer's last message.
      if ((this.lastCustomerMessage.get(body.to) ?? 0) < Date.now() - 24 * 3600_000) {
        return graphError(400, 131047, '(#131047) Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.');
      }
      sent = { wamid, to: body.to, type: 'text', text: body.text.body };
    } else {
      return graphError(400, 131051, '(#131051) Message type unknown');
    }
    this.whatsappMessages.push(sent);
    send(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: wamid, message_status: 'accepted' }] });
    if (options.statusWebhook) void this.postStatuses(options.statusWebhook, sent, ['sent', 'delivered']);
  }

  /** Posts signed status webhooks for a message, as WhatsApp does after accepting it. */
  async postStatuses(target: { url: string; appSecret: string }, message: Pick<SentWhatsAppMessage, 'wamid' | 'to'>, statuses: string[], error?: { code: number; title: string }): Promise<number[]> {
    const codes: number[] = [];
    for (const status of statuses) {
      const raw = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: this.options.whatsapp?.phoneNumberId }, statuses: [{ id: message.wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: message.to, ...(error && status === 'failed' ? { errors: [{ code: error.code, title: error.title, error_data: { details: error.title } }] } : {}) }] } }] }],
      });
      const response = await fetch(target.url, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignatureHeader(raw, target.appSecret) } }).catch(() => undefined);
      codes.push(response?.status ?? 0);
    }
    return codes;
  }

  private async sheetsValues(req: IncomingMessage, res: ServerResponse, url: URL, spreadsheetId: string, rangeAndVerb: string): Promise<void> {
    this.calls.sheets += 1;
    const options = this.options.sheets;
    const googleError = (code: number, status: string, message: string) => send(res, code, { error: { code, message, status } });
    if (!options) return googleError(404, 'NOT_FOUND', 'Sheets is not simulated');
    if (bearer(req) !== options.accessToken) return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    if (await this.playFault('sheets', res)) return;
    const [range, verb] = rangeAndVerb.split(':append');
    const append = rangeAndVerb.endsWith(':append');
    const sheetName = (append ? range! : rangeAndVerb).split('!')[0]!.replace(/^'|'$/g, '');
    const grid = this.sheets.get(spreadsheetId) ?? new Map<string, string[][]>();
    this.sheets.set(spreadsheetId, grid);
    const rows = grid.get(sheetName) ?? [];
    grid.set(sheetName, rows);
    void verb;
    if (req.method !== 'GET') {
      // Like Google: past the per-minute write quota, 429 until the minute rolls on.
      const now = Date.now();
      this.sheetWrites = this.sheetWrites.filter((t) => now - t < 60_000);
      if (this.sheetWrites.length >= (options.writesPerMinute ?? 60)) return googleError(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user'");
      this.sheetWrites.push(now);
      if (url.searchParams.get('valueInputOption') === null) return googleError(400, 'INVALID_ARGUMENT', "'valueInputOption' is required but not specified");
    }
    const body = req.method === 'GET' ? {} : ((await readJson(req)) as { values?: unknown[][] });
    const values = (body.values ?? []).map((row) => row.map((cell) => String(cell ?? '')));
    if (req.method === 'POST' && append) {
      const start = rows.length + 1;
      rows.push(...values);
      const width = Math.max(0, ...values.map((r) => r.length));
      const updatedRange = `${sheetName}!A${start}:${columnName(width)}${start + values.length - 1}`;
      return send(res, 200, { spreadsheetId, tableRange: `${sheetName}!A1:${columnName(width)}${start - 1}`, updates: { spreadsheetId, updatedRange, updatedRows: values.length, updatedColumns: width, updatedCells: values.length * width } });
    }
    const at = /![A-Z]+(\d+)?/.exec(rangeAndVerb);
    if (req.method === 'PUT') {
      const start = Number(at?.[1] ?? 1);
      values.forEach((row, i) => (rows[start - 1 + i] = row));
      return send(res, 200, { spreadsheetId, updatedRange: rangeAndVerb, updatedRows: values.length });
    }
    if (req.method === 'GET') {
      const onlyFirstColumn = /![A-Z]+:[A-Z]+$/.test(rangeAndVerb) && rangeAndVerb.split('!')[1]!.split(':')[0] === rangeAndVerb.split('!')[1]!.split(':')[1];
      return send(res, 200, { range: rangeAndVerb, majorDimension: 'ROWS', values: onlyFirstColumn ? rows.map((r) => [r[0] ?? '']) : rows });
    }
    googleError(400, 'INVALID_ARGUMENT', `unsupported ${req.method} ${rangeAndVerb}`);
  }

  private async graphGet(req: IncomingMessage, res: ServerResponse, url: URL, id: string): Promise<void> {
    this.calls.meta += 1;
    if (await this.playFault('meta', res)) return;
    const token = bearer(req) ?? url.searchParams.get('access_token');
    if (token !== this.options.metaAccessToken) {
      return send(res, 400, { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'SIMfbtrace' } });
    }
    const found: object | undefined = this.metaLeads.get(id) ?? this.metaForms.get(id) ?? this.metaAds.get(id);
    if (!found) {
      return send(res, 400, {
        error: {
          message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
          type: 'GraphMethodException',
          code: 100,
          error_subcode: 33,
          fbtrace_id: 'SIMfbtrace',
        },
      });
    }
    // Like the Graph API, answer only the fields asked for (and always the id).
    // `campaign{name}` (field expansion) answers the nested object.
    const fields = url.searchParams.get('fields')?.split(/,(?![^{]*\})/).map((f) => f.replace(/\{.*\}$/, '')) ?? Object.keys(found);
    send(res, 200, Object.fromEntries(Object.entries(found).filter(([key]) => key === 'id' || fields.includes(key))));
  }

  /**
   * `GET /{form-id}/leads`: the form's leads, newest first, `filtering` on time_created
   * (GREATER_THAN / LESS_THAN, Unix seconds) and cursor paging (`paging.cursors.after`, and
   * `paging.next` while more remain).
   */
  private async graphFormLeads(req: IncomingMessage, res: ServerResponse, url: URL, formId: string): Promise<void> {
    this.calls.meta += 1;
    if (await this.playFault('meta', res)) return;
    if ((bearer(req) ?? url.searchParams.get('access_token')) !== this.options.metaAccessToken) {
      return send(res, 400, { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'SIMfbtrace' } });
    }
    const created = (lead: MetaGraphLead) => Math.floor(Date.parse((lead.created_time ?? '').replace(/\+0000$/, 'Z')) / 1000);
    const filters = JSON.parse(url.searchParams.get('filtering') ?? '[]') as { field: string; operator: string; value: number }[];
    const leads = [...this.metaLeads.values()]
      .filter((lead) => lead.form_id === formId)
      .filter((lead) => filters.every((f) => f.field !== 'time_created' || (f.operator === 'GREATER_THAN' ? created(lead) > Number(f.value) : f.operator === 'LESS_THAN' ? created(lead) < Number(f.value) : true)))
      .sort((a, b) => created(b) - created(a) || b.id.localeCompare(a.id));
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 25), 100);
    const start = url.searchParams.get('after') ? Number(Buffer.from(url.searchParams.get('after')!, 'base64url').toString()) : 0;
    const page = leads.slice(start, start + limit);
    const fields = url.searchParams.get('fields')?.split(',');
    const after = Buffer.from(String(start + page.length)).toString('base64url');
    const next = new URL(url.toString());
    next.searchParams.set('after', after);
    send(res, 200, {
      data: page.map((lead) => (fields ? Object.fromEntries(Object.entries(lead).filter(([key]) => key === 'id' || fields.includes(key))) : lead)),
      paging: { cursors: { before: Buffer.from(String(start)).toString('base64url'), after }, ...(start + page.length < leads.length ? { next: next.toString() } : {}) },
    });
  }

  private async tiktokLeadGet(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.calls.tiktok += 1;
    if (await this.playFault('tiktok', res)) return;
    if (req.headers['access-token'] !== this.options.tiktokAccessToken) {
      return send(res, 200, { code: 40105, message: 'Access token is incorrect or has been revoked.', request_id: requestId(), data: {} });
    }
    const advertiserId = url.searchParams.get('advertiser_id');
    const leadId = url.searchParams.get('lead_id');
    if (!advertiserId || !leadId) return send(res, 200, { code: 40002, message: 'advertiser_id and lead_id are required', request_id: requestId(), data: {} });
    const lead = this.tiktokLeads.get(`${advertiserId}:${leadId}`);
    if (!lead) return send(res, 200, { code: 40001, message: `No permission or lead ${leadId} does not exist`, request_id: requestId(), data: {} });
    send(res, 200, { code: 0, message: 'OK', request_id: requestId(), data: { lead } });
  }

  private async control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = req.method === 'POST' ? ((await readJson(req)) as Record<string, any>) : {};
    switch (`${req.method} ${url.pathname}`) {
      case 'POST /_simulator/meta/leads':
        this.addMetaLead(body.lead, body.form);
        return send(res, 201, { ok: true });
      case 'POST /_simulator/tiktok/leads':
        this.addTikTokLead(body.advertiserId, body.lead);
        return send(res, 201, { ok: true });
      case 'POST /_simulator/faults':
        this.failNext(body.api, body.fault, Number(body.times ?? 1));
        return send(res, 200, { ok: true });
      case 'GET /_simulator/whatsapp/messages':
        return send(res, 200, this.whatsappMessages);
      case 'POST /_simulator/reset':
        this.reset();
        return send(res, 200, { ok: true });
      case 'GET /_simulator/calls':
        return send(res, 200, this.calls);
      default:
        return send(res, 404, { error: `no control route ${req.method} ${url.pathname}` });
    }
  }
}

function columnName(n: number): string {
  let name = '';
  for (let i = Math.max(1, n); i > 0; i = Math.floor((i - 1) / 26)) name = String.fromCharCode(65 + ((i - 1) % 26)) + name;
  return name;
}

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function requestId(): string {
  return `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}
