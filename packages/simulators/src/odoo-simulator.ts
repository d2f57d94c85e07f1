import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

// The xmlrpc package's own (de)serializer: the wire format our client speaks, byte for byte.
const require = createRequire(import.meta.url);
const Serializer = require('xmlrpc/lib/serializer.js') as { serializeMethodResponse(v: unknown): string; serializeFault(f: unknown): string };
const Deserializer = require('xmlrpc/lib/deserializer.js') as new () => {
  deserializeMethodCall(stream: IncomingMessage, cb: (error: Error | null, method: string, params: unknown[]) => void): void;
};

type Row = Record<string, unknown> & { id: number };
type Fault = { faultCode: number; faultString: string };
/** `lost-answer`: the call is carried out, then the answer never comes (the client times out). */
export type OdooFault = 'http-500' | 'timeout' | 'lock-conflict' | 'lost-answer';

class OdooFaultError extends Error {
  constructor(readonly fault: Fault) {
    super(fault.faultString);
  }
}
const fault = (faultCode: number, faultString: string) => new OdooFaultError({ faultCode, faultString });

// Fields each model accepts (Odoo 17): anything else is refused as Odoo does.
const MODEL_FIELDS: Record<string, string[]> = {
  'crm.lead': ['name', 'type', 'contact_name', 'partner_name', 'email_from', 'phone', 'mobile', 'description', 'team_id', 'user_id', 'stage_id', 'source_id', 'medium_id', 'campaign_id', 'tag_ids', 'country_id', 'state_id', 'city', 'zip', 'street', 'priority', 'referred', 'active', 'lost_reason_id', 'probability', 'write_date', 'create_date'],
  'mail.activity': ['res_model_id', 'res_id', 'res_model', 'activity_type_id', 'user_id', 'summary', 'note', 'date_deadline'],
  'utm.source': ['name'],
  'utm.medium': ['name'],
  'utm.campaign': ['name', 'title'],
  'crm.tag': ['name', 'color'],
  'crm.team': ['name'],
  'crm.stage': ['name', 'sequence', 'fold', 'is_won'],
  'crm.lost.reason': ['name', 'active'],
  'res.users': ['name', 'login'],
  'res.country': ['name', 'code'],
  'ir.model': ['name', 'model'],
  'ir.model.data': ['module', 'name', 'model', 'res_id'],
  'mail.activity.type': ['name'],
};
const MANY2ONE: Record<string, string> = {
  team_id: 'crm.team',
  user_id: 'res.users',
  stage_id: 'crm.stage',
  source_id: 'utm.source',
  medium_id: 'utm.medium',
  campaign_id: 'utm.campaign',
  country_id: 'res.country',
  res_model_id: 'ir.model',
  activity_type_id: 'mail.activity.type',
  lost_reason_id: 'crm.lost.reason',
};
// Set by the server, never by a client.
const READONLY = new Set(['write_date', 'create_date']);

/** Odoo's datetime format: UTC, to the second, no zone (`2026-11-21 09:30:05`). */
export const odooDatetime = (at: Date) => at.toISOString().slice(0, 19).replace('T', ' ');
/** Our reference marker in a lead's description (`LeadFlow ref <lead id>`), as its lookups read it. */
const MARKER = /leadflow ref [0-9a-f-]{36}/g;
const WHOLE_MARKER = new RegExp(`^${MARKER.source}$`);
/** The reference marker a `description ilike <one lead's whole marker>` condition looks for (lower case). */
const markerLookup = (field: unknown, op: unknown, value: unknown) =>
  field === 'description' && op === 'ilike' && typeof value === 'string' && WHOLE_MARKER.test(value.toLowerCase()) ? value.toLowerCase() : undefined;
const UNIQUE_NAME = new Set(['utm.source', 'utm.medium', 'crm.tag', 'utm.campaign']);
const MODEL_LABEL: Record<string, string> = { 'crm.lead': 'Lead/Opportunity', 'mail.activity': 'Activity' };

export interface OdooSimulatorOptions {
  port?: number;
  host?: string;
  db: string;
  login: string;
  apiKey: string;
}

/**
 * An Odoo 17 stand-in over real XML-RPC (`/xmlrpc/2/common`, `/xmlrpc/2/object`) holding the CRM
 * models we touch in memory, with Odoo's answers: `false` for bad credentials at authenticate,
 * Fault 3 for them on object calls, Fault 4 for missing rights, Fault 2 for invalid fields,
 * missing mandatory fields and missing records, archived records hidden unless `active_test: false`.
 * It can be told to fail (HTTP 500, a lock conflict, silence) or to deny a model.
 */
export class OdooSimulator {
  private server?: Server;
  private readonly tables = new Map<string, Row[]>();
  private readonly nextId = new Map<string, number>();
  // Lookups Odoo answers from its database indexes; a scan of every record per call made a long
  // benchmark (100,000 leads) slow down as the simulator, not the service, grew.
  private readonly byId = new Map<string, Map<number, Row>>();
  private readonly byKey = new Map<string, Map<string, Set<Row>>>();
  private readonly keysOf = new WeakMap<Row, string[]>();
  private readonly denied = new Set<string>();
  private pending: { fault: OdooFault; remaining: number; call?: string } | undefined;
  private flapping: { probability: number; faults: OdooFault[] } | undefined;
  private delayMs = 0;
  readonly uid = 2;
  /** The server's clock (tests may move it). */
  now: () => Date = () => new Date();
  /** execute_kw calls answered, by `model.method`. */
  readonly calls = new Map<string, number>();
  /**
   * crm.lead searches for one lead by its reference marker in the description: a real Odoo cannot
   * index that HTML field and reads the description of every lead for each (this one indexes it).
   */
  markerSearches = 0;

  constructor(private readonly options: OdooSimulatorOptions) {
    this.reset();
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Records of a model as stored (for tests). */
  records(model: string): Row[] {
    return this.table(model);
  }

  /** The next calls fail so — any call, or only `model.method` ones (`crm.lead.create`). */
  failNext(fault: OdooFault, times: number, call?: string): void {
    this.pending = times > 0 ? { fault, remaining: times, call } : undefined;
  }

  /** An unreliable Odoo: each call fails with that probability, with one of those faults (0 to stop). */
  flap(probability: number, faults: OdooFault[] = ['http-500', 'timeout', 'lock-conflict', 'lost-answer']): void {
    this.flapping = probability > 0 ? { probability, faults } : undefined;
  }

  /** The integration user loses (or regains) its rights on a model: Fault 4 on every call. */
  denyAccess(model: string, denied = true): void {
    if (denied) this.denied.add(model);
    else this.denied.delete(model);
  }

  /**
   * A salesperson edits a record in Odoo's own UI: not an API call of ours (not counted in `calls`),
   * stamped with `write_date` like any write — `at` when the edit is meant to have happened earlier.
   */
  salespersonEdit(model: string, id: number, vals: Record<string, unknown>, at: Date = this.now()): void {
    const row = this.row(model, id);
    if (!row) throw new Error(`${model} ${id} does not exist`);
    Object.assign(row, this.clean(model, vals), { write_date: odooDatetime(at) });
    this.index(model, row);
  }

  slowDown(ms: number): void {
    this.delayMs = ms;
  }

  reset(): void {
    this.tables.clear();
    this.nextId.clear();
    this.byId.clear();
    this.byKey.clear();
    this.denied.clear();
    this.pending = undefined;
    this.flapping = undefined;
    this.delayMs = 0;
    this.calls.clear();
    this.markerSearches = 0;
    const seed = (model: string, rows: Omit<Row, 'id'>[]) => rows.forEach((row) => this.insert(model, { ...row }));
    seed('res.users', [{ name: 'Administrator', login: 'admin' }, { name: 'CRM bot', login: this.options.login }]);
    for (let i = 3; i <= 16; i++) seed('res.users', [{ name: `Salesperson ${i}`, login: `sales${i}@demo.leadflow` }]);
    seed('crm.team', [{ name: 'Sales' }, { name: 'Riyadh Villas' }, { name: 'Jeddah Apartments' }, { name: 'Dubai Desk' }, { name: 'Riyadh Land' }]); // the demo organisation's odooTeamId 1–5
    seed('crm.stage', [
      { name: 'New', sequence: 1, fold: false, is_won: false },
      { name: 'Qualified', sequence: 2, fold: false, is_won: false },
      { name: 'Proposition', sequence: 3, fold: false, is_won: false },
      { name: 'Won', sequence: 70, fold: false, is_won: true },
    ]);
    seed('crm.lost.reason', [{ name: 'Too expensive' }, { name: "We don't have people/skills" }, { name: 'Not enough stock' }]);
    seed('res.country', [['SA', 'Saudi Arabia'], ['AE', 'United Arab Emirates'], ['EG', 'Egypt'], ['KW', 'Kuwait'], ['QA', 'Qatar'], ['BH', 'Bahrain'], ['OM', 'Oman'], ['JO', 'Jordan'], ['US', 'United States'], ['GB', 'United Kingdom']].map(([code, name]) => ({ code, name })));
    seed('ir.model', [{ name: 'Lead/Opportunity', model: 'crm.lead' }, { name: 'Contact', model: 'res.partner' }]);
    seed('mail.activity.type', [{ name: 'Email' }, { name: 'Call' }, { name: 'Meeting' }, { name: 'To-Do' }]);
    seed('ir.model.data', [{ module: 'mail', name: 'mail_activity_data_todo', model: 'mail.activity.type', res_id: 4 }]);
    seed('utm.medium', [{ name: 'Website' }, { name: 'Email' }]);
    seed('utm.source', [{ name: 'Search engine' }]);
  }

  private table(model: string): Row[] {
    if (!this.tables.has(model)) this.tables.set(model, []);
    return this.tables.get(model)!;
  }

  private insert(model: string, vals: Record<string, unknown>): number {
    const id = this.nextId.get(model) ?? 1;
    this.nextId.set(model, id + 1);
    const row = { ...vals, id };
    this.table(model).push(row);
    if (!this.byId.has(model)) this.byId.set(model, new Map());
    this.byId.get(model)!.set(id, row);
    this.index(model, row);
    return id;
  }

  private remove(model: string, row: Row): void {
    const table = this.table(model);
    table.splice(table.indexOf(row), 1);
    this.byId.get(model)!.delete(row.id as number);
    for (const key of this.keysOf.get(row) ?? []) this.byKey.get(model)?.get(key)?.delete(row);
    this.keysOf.delete(row);
  }

  private row(model: string, id: unknown): Row | undefined {
    return typeof id === 'number' ? this.byId.get(model)?.get(id) : undefined;
  }

  /** Keys a search can start from: `res_id` and our reference markers in a description. */
  private index(model: string, row: Row): void {
    if (!this.byKey.has(model)) this.byKey.set(model, new Map());
    const keys = this.byKey.get(model)!;
    for (const key of this.keysOf.get(row) ?? []) keys.get(key)?.delete(row);
    const now = [
      ...(typeof row.res_id === 'number' ? [`res_id=${row.res_id}`] : []),
      ...(typeof row.description === 'string' ? (row.description.toLowerCase().match(MARKER) ?? []).map((m) => `marker=${m}`) : []),
    ];
    for (const key of now) {
      if (!keys.has(key)) keys.set(key, new Set());
      keys.get(key)!.add(row);
    }
    this.keysOf.set(row, now);
  }

  /**
   * The records a plain AND domain can only be among (by id, res_id or a full reference marker),
   * or undefined to scan them all; `matches` still decides.
   */
  private candidates(model: string, domain: unknown[]): Row[] | undefined {
    if (domain.some((token) => typeof token === 'string')) return undefined; // '|', '&', '!'
    for (const [field, op, value] of domain as [string, string, unknown][]) {
      if (field === 'id' && op === '=') return [this.row(model, value)].filter((r): r is Row => Boolean(r));
      const marker = markerLookup(field, op, value);
      const key = field === 'res_id' && op === '=' ? `res_id=${String(value)}` : marker ? `marker=${marker}` : undefined;
      if (key) return [...(this.byKey.get(model)?.get(key) ?? [])].sort((a, b) => (a.id as number) - (b.id as number));
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !['/xmlrpc/2/common', '/xmlrpc/2/object'].includes(req.url ?? '')) {
      res.writeHead(404).end();
      return;
    }
    new Deserializer().deserializeMethodCall(req, async (error, method, params) => {
      if (error) return void res.writeHead(400).end();
      if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const args = params as unknown[];
      const injected = this.takeFault(method === 'execute_kw' ? `${String(args[3])}.${String(args[4])}` : method);
      if (injected === 'timeout') return; // never answer: the client's timeout decides
      if (injected === 'http-500') return void res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body><h1>Internal Server Error</h1></body></html>');
      let xml: string;
      try {
        if (injected === 'lock-conflict') {
          throw fault(1, 'Traceback (most recent call last):\n  File "/odoo/service/model.py", line 133, in retrying\npsycopg2.errors.SerializationFailure: could not serialize access due to concurrent update');
        }
        xml = Serializer.serializeMethodResponse(this.dispatch(req.url!, method, params));
        if (injected === 'lost-answer') return; // done, but the answer is lost on the way
      } catch (e) {
        xml = Serializer.serializeFault(e instanceof OdooFaultError ? e.fault : { faultCode: 1, faultString: `Traceback (most recent call last):\n${(e as Error).stack}\n${(e as Error).message}` });
      }
      res.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
    });
  }

  private takeFault(call: string): OdooFault | undefined {
    if (!this.pending || (this.pending.call && this.pending.call !== call)) {
      const flap = this.flapping;
      return flap && Math.random() < flap.probability ? flap.faults[Math.floor(Math.random() * flap.faults.length)] : undefined;
    }
    const { fault: f } = this.pending;
    this.pending.remaining -= 1;
    if (this.pending.remaining <= 0) this.pending = undefined;
    return f;
  }

  private dispatch(path: string, method: string, params: unknown[]): unknown {
    if (path === '/xmlrpc/2/common') {
      if (method === 'version') return { server_version: '17.0', server_version_info: [17, 0, 0, 'final', 0, ''], server_serie: '17.0', protocol_version: 1 };
      if (method === 'authenticate') {
        const [db, login, key] = params as [string, string, string];
        return db === this.options.db && login === this.options.login && key === this.options.apiKey ? this.uid : false;
      }
      throw fault(1, `AttributeError: module has no attribute '${method}'`);
    }
    if (method !== 'execute_kw') throw fault(1, `AttributeError: object has no method '${method}'`);
    const [db, uid, key, model, call, args = [], kwargs = {}] = params as [string, number, string, string, string, unknown[], Record<string, unknown>];
    if (db !== this.options.db || uid !== this.uid || key !== this.options.apiKey) throw fault(3, 'Access Denied');
    if (!MODEL_FIELDS[model]) throw fault(1, `KeyError: '${model}'`);
    if (this.denied.has(model)) throw fault(4, `You are not allowed to access '${MODEL_LABEL[model] ?? model}' (${model}) records.`);
    this.calls.set(`${model}.${call}`, (this.calls.get(`${model}.${call}`) ?? 0) + 1);
    return this.execute(model, call, args, kwargs);
  }

  private execute(model: string, call: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
    const context = (kwargs.context ?? {}) as Record<string, unknown>;
    const visible = (row: Row) => context.active_test === false || row.active !== false;
    switch (call) {
      case 'create': {
        const list = Array.isArray(args[0]) ? (args[0] as Record<string, unknown>[]) : [args[0] as Record<string, unknown>];
        const ids = list.map((vals) => this.create(model, vals));
        return Array.isArray(args[0]) ? ids : ids[0];
      }
      case 'write': {
        const [ids, vals] = args as [number[], Record<string, unknown>];
        for (const id of ids) {
          const row = this.row(model, id);
          if (!row) throw fault(2, `Record does not exist or has been deleted.\n(Record: ${model}(${id},), User: ${this.uid})`);
          Object.assign(row, this.clean(model, vals), { write_date: odooDatetime(this.now()) });
          this.index(model, row);
        }
        return true;
      }
      case 'unlink': {
        for (const id of args[0] as number[]) {
          const row = this.row(model, id);
          if (!row) throw fault(2, `Record does not exist or has been deleted.\n(Record: ${model}(${id},), User: ${this.uid})`);
          this.remove(model, row);
        }
        return true;
      }
      case 'search':
        return this.search(model, args[0] as unknown[], kwargs, visible).map((r) => r.id);
      case 'search_read':
        return this.search(model, args[0] as unknown[], kwargs, visible).map((r) => this.present(model, r, kwargs.fields as string[] | undefined));
      case 'read': {
        const fields = (args[1] ?? kwargs.fields) as string[] | undefined;
        return (args[0] as number[]).map((id) => this.row(model, id)).filter(Boolean).map((r) => this.present(model, r!, fields));
      }
      case 'name_search': {
        const name = String(args[0] ?? kwargs.name ?? '').toLowerCase();
        return this.table(model).filter((r) => String(r.name ?? '').toLowerCase().includes(name)).slice(0, Number(kwargs.limit ?? 100)).map((r) => [r.id, r.name]);
      }
      default:
        throw fault(1, `AttributeError: '${model}' object has no attribute '${call}'`);
    }
  }

  private create(model: string, vals: Record<string, unknown>): number {
    const row = this.clean(model, vals);
    if (model === 'crm.lead' && !row.name) throw fault(2, 'The operation cannot be completed: a mandatory field is not set: Opportunity (name)');
    if (model === 'mail.activity' && (!row.res_model_id || !row.res_id)) throw fault(2, 'The operation cannot be completed: a mandatory field is not set: Document Model (res_model_id)');
    if (UNIQUE_NAME.has(model) && this.table(model).some((r) => String(r.name).toLowerCase() === String(row.name).toLowerCase())) {
      throw fault(2, `The operation cannot be completed: duplicate key value violates unique constraint "${model.replace('.', '_')}_name_uniq"`);
    }
    const stamp = odooDatetime(this.now());
    if (model === 'crm.lead') Object.assign(row, { active: true, stage_id: row.stage_id ?? 1, priority: row.priority ?? '0', create_date: stamp, write_date: stamp });
    if (model === 'utm.campaign' && !row.title) row.title = row.name;
    return this.insert(model, row);
  }

  /** Refuses unknown fields and applies x2many commands, as Odoo does. */
  private clean(model: string, vals: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(vals)) {
      if (!MODEL_FIELDS[model]!.includes(field)) throw fault(2, `Invalid field '${field}' on model '${model}'`);
      if (READONLY.has(field)) continue; // Odoo ignores writes to magic fields
      if (field in MANY2ONE && value !== false && !this.row(MANY2ONE[field]!, value)) {
        throw fault(2, `Record does not exist or has been deleted.\n(Record: ${MANY2ONE[field]}(${String(value)},), User: ${this.uid})`);
      }
      out[field] = field === 'tag_ids' ? this.many2many(value) : value;
    }
    return out;
  }

  private many2many(value: unknown): number[] {
    if (!Array.isArray(value)) return [];
    if (value.every((v) => typeof v === 'number')) return value as number[]; // a plain id list replaces the set
    let ids: number[] = [];
    for (const command of value as unknown[][]) {
      if (command[0] === 6) ids = [...(command[2] as number[])];
      else if (command[0] === 4) ids = [...new Set([...ids, command[1] as number])];
      else if (command[0] === 3) ids = ids.filter((id) => id !== command[1]);
      else if (command[0] === 5) ids = [];
    }
    return ids;
  }

  private search(model: string, domain: unknown[], kwargs: Record<string, unknown>, visible: (row: Row) => boolean): Row[] {
    if (model === 'crm.lead' && (domain ?? []).some((token) => Array.isArray(token) && markerLookup(token[0], token[1], token[2]))) this.markerSearches += 1;
    const rows = (this.candidates(model, domain ?? []) ?? this.table(model)).filter((row) => visible(row) && this.matches(row, [...(domain ?? [])]));
    if (typeof kwargs.order === 'string') rows.sort(this.ordering(kwargs.order));
    return rows.slice(Number(kwargs.offset ?? 0), kwargs.limit ? Number(kwargs.offset ?? 0) + Number(kwargs.limit) : undefined);
  }

  /** `order: 'write_date asc, id asc'`: fields compared in turn, each asc or desc. */
  private ordering(order: string): (a: Row, b: Row) => number {
    const keys = order.split(',').map((part) => {
      const [field, direction = 'asc'] = part.trim().split(/\s+/);
      return { field: field!, sign: direction.toLowerCase() === 'desc' ? -1 : 1 };
    });
    return (a, b) => {
      for (const { field, sign } of keys) {
        const [x, y] = [a[field] as string | number, b[field] as string | number];
        if (x !== y) return (x < y ? -1 : 1) * sign;
      }
      return 0;
    };
  }

  /** Odoo domains in prefix notation: `['|', cond, cond]`, implicit AND between the rest. */
  private matches(row: Row, domain: unknown[]): boolean {
    const evaluate = (): boolean => {
      const token = domain.shift();
      if (token === '|') return [evaluate(), evaluate()].some(Boolean);
      if (token === '&') return [evaluate(), evaluate()].every(Boolean);
      if (token === '!') return !evaluate();
      const [field, op, value] = token as [string, string, unknown];
      return this.condition(row[field], op, value);
    };
    let result = true;
    while (domain.length) result = evaluate() && result;
    return result;
  }

  private condition(actual: unknown, op: string, expected: unknown): boolean {
    const text = (v: unknown) => String(v ?? '').toLowerCase();
    const like = (pattern: string) => new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'is');
    switch (op) {
      case '=':
        return actual === expected || (actual === undefined && expected === false);
      case '!=':
        return actual !== expected;
      case '=ilike':
        return like(text(expected)).test(text(actual));
      case 'ilike':
        return text(actual).includes(text(expected));
      case 'like':
        return String(actual ?? '').includes(String(expected));
      case 'in':
        return (expected as unknown[]).includes(actual);
      case 'not in':
        return !(expected as unknown[]).includes(actual);
      case '>':
        return (actual as number) > (expected as number);
      case '<':
        return (actual as number) < (expected as number);
      case '>=':
        return (actual as number) >= (expected as number);
      case '<=':
        return (actual as number) <= (expected as number);
      default:
        throw fault(1, `ValueError: Invalid domain operator '${op}'`);
    }
  }

  private present(model: string, row: Row, fields?: string[]): Row {
    const wanted = fields?.length ? fields : Object.keys(row);
    const out: Row = { id: row.id };
    for (const field of wanted) {
      if (field === 'id') continue;
      const value = row[field];
      const target = MANY2ONE[field];
      // many2one fields read as [id, display name]; empty values as false.
      if (target && typeof value === 'number') out[field] = [value, String(this.row(target, value)?.name ?? '')];
      else out[field] = value === undefined || value === null ? false : value;
    }
    return out;
  }
}
