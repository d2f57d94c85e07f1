import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJson, sendJson, type SimulatorRoutes } from './simulator-routes.js';

interface Field {
  name: string;
  type: string;
  mode?: string;
}

interface Table {
  schema: Field[];
  rows: Record<string, unknown>[];
  insertIds: Set<string>;
}

interface InsertError {
  index: number;
  errors: { reason: string; location: string; message: string }[];
}

const notFound = (what: string) => ({ error: { code: 404, message: `Not found: ${what}`, status: 'NOT_FOUND', errors: [{ reason: 'notFound', message: `Not found: ${what}` }] } });

/**
 * BigQuery's REST surface the export uses: datasets and tables get/insert (404 when missing, 409
 * when already there) and `tabledata.insertAll`, which answers 200 with `insertErrors` for rows that
 * do not fit the schema — unknown fields, missing required fields, wrong types — and, with
 * skipInvalidRows off, stores none of the request. Rows are de-duplicated by insertId. Records rows.
 */
export class BigQuerySimulator implements SimulatorRoutes {
  /** `project.dataset` → table id → table. */
  private readonly datasets = new Map<string, Map<string, Table>>();
  private failures: { remaining: number; after: number } | undefined;
  insertCalls = 0;

  constructor(private readonly options: { accessToken: string }) {}

  /** Rows stored in a table (tests, demo). */
  rows(project: string, dataset: string, table: string): Record<string, unknown>[] {
    return this.datasets.get(`${project}.${dataset}`)?.get(table)?.rows ?? [];
  }

  hasTable(project: string, dataset: string, table: string): boolean {
    return Boolean(this.datasets.get(`${project}.${dataset}`)?.has(table));
  }

  /** After `after` more successful insertAll calls, the next `times` answer 503. */
  failInserts(times: number, after = 0): void {
    this.failures = times > 0 ? { remaining: times, after } : undefined;
  }

  reset(): void {
    this.datasets.clear();
    this.failures = undefined;
    this.insertCalls = 0;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const match = /^\/bigquery\/v2\/projects\/([^/]+)\/datasets(?:\/([^/]+)(?:\/tables(?:\/([^/]+)(\/insertAll)?)?)?)?$/.exec(url.pathname);
    if (!match) return false;
    if (req.headers.authorization !== `Bearer ${this.options.accessToken}`) {
      sendJson(res, 401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
      return true;
    }
    const [, project, datasetId, tableId, insertAll] = match.map((part) => (part ? decodeURIComponent(part) : part));
    const body = req.method === 'POST' ? ((await readJson(req)) as Record<string, any>) : undefined;
    const dataset = datasetId ? this.datasets.get(`${project}.${datasetId}`) : undefined;

    if (!datasetId && req.method === 'POST') {
      const id = body?.datasetReference?.datasetId as string;
      if (this.datasets.has(`${project}.${id}`)) return this.conflict(res, `Dataset ${project}:${id}`);
      this.datasets.set(`${project}.${id}`, new Map());
      sendJson(res, 200, { kind: 'bigquery#dataset', id: `${project}:${id}`, datasetReference: { projectId: project, datasetId: id } });
      return true;
    }
    if (datasetId && !tableId && req.method === 'GET') {
      sendJson(res, dataset ? 200 : 404, dataset ? { kind: 'bigquery#dataset', id: `${project}:${datasetId}` } : notFound(`Dataset ${project}:${datasetId}`));
      return true;
    }
    if (!dataset) {
      sendJson(res, 404, notFound(`Dataset ${project}:${datasetId}`));
      return true;
    }
    if (!tableId && req.method === 'POST') {
      const id = body?.tableReference?.tableId as string;
      if (dataset.has(id)) return this.conflict(res, `Table ${project}:${datasetId}.${id}`);
      dataset.set(id, { schema: body?.schema?.fields ?? [], rows: [], insertIds: new Set() });
      sendJson(res, 200, { kind: 'bigquery#table', id: `${project}:${datasetId}.${id}`, schema: body?.schema });
      return true;
    }
    const table = tableId ? dataset.get(tableId) : undefined;
    if (!table) {
      sendJson(res, 404, notFound(`Table ${project}:${datasetId}.${tableId}`));
      return true;
    }
    if (!insertAll && req.method === 'GET') {
      sendJson(res, 200, { kind: 'bigquery#table', id: `${project}:${datasetId}.${tableId}`, schema: { fields: table.schema }, numRows: String(table.rows.length) });
      return true;
    }
    if (insertAll && req.method === 'POST') {
      this.insertCalls += 1;
      if (this.failures) {
        if (this.failures.after > 0) this.failures.after -= 1;
        else {
          if (--this.failures.remaining <= 0) this.failures = undefined;
          sendJson(res, 503, { error: { code: 503, message: 'Error encountered during execution. Retrying may solve the problem.', status: 'UNAVAILABLE', errors: [{ reason: 'backendError' }] } });
          return true;
        }
      }
      sendJson(res, 200, this.insert(table, body ?? {}));
      return true;
    }
    return false;
  }

  private insert(table: Table, body: Record<string, any>): { kind: string; insertErrors?: InsertError[] } {
    const rows = (body.rows ?? []) as { insertId?: string; json: Record<string, unknown> }[];
    const invalid = rows.map((row, index) => ({ index, errors: this.problems(table.schema, row.json ?? {}, Boolean(body.ignoreUnknownValues)) })).filter((e) => e.errors.length);
    if (invalid.length && !body.skipInvalidRows) {
      const stopped = rows.map((_, index) => index).filter((i) => !invalid.some((e) => e.index === i));
      return { kind: 'bigquery#tableDataInsertAllResponse', insertErrors: [...invalid, ...stopped.map((index) => ({ index, errors: [{ reason: 'stopped', location: '', message: '' }] }))].sort((a, b) => a.index - b.index) };
    }
    rows.forEach((row, index) => {
      if (invalid.some((e) => e.index === index)) return;
      if (row.insertId && table.insertIds.has(row.insertId)) return;
      if (row.insertId) table.insertIds.add(row.insertId);
      table.rows.push(row.json);
    });
    return invalid.length ? { kind: 'bigquery#tableDataInsertAllResponse', insertErrors: invalid } : { kind: 'bigquery#tableDataInsertAllResponse' };
  }

  private problems(schema: Field[], json: Record<string, unknown>, ignoreUnknown: boolean): InsertError['errors'] {
    const errors: InsertError['errors'] = [];
    const invalid = (location: string, message: string) => errors.push({ reason: 'invalid', location, message });
    if (!ignoreUnknown) for (const key of Object.keys(json)) if (!schema.some((f) => f.name === key)) invalid(key, `no such field: ${key}.`);
    for (const field of schema) {
      const value = json[field.name];
      if (value === undefined || value === null) {
        if (field.mode === 'REQUIRED') invalid(field.name, `Missing required field: ${field.name}.`);
        continue;
      }
      const values = field.mode === 'REPEATED' ? (Array.isArray(value) ? value : (invalid(field.name, `Array specified for non-repeated field: ${field.name}.`), [])) : [value];
      for (const v of values) if (!fits(field.type, v)) invalid(field.name, `Cannot convert value to ${field.type.toLowerCase()}: ${JSON.stringify(v)}.`);
    }
    return errors;
  }

  private conflict(res: ServerResponse, what: string): true {
    sendJson(res, 409, { error: { code: 409, message: `Already Exists: ${what}`, status: 'ALREADY_EXISTS', errors: [{ reason: 'duplicate' }] } });
    return true;
  }
}

function fits(type: string, value: unknown): boolean {
  switch (type) {
    case 'STRING':
      return typeof value === 'string';
    case 'INT64':
    case 'INTEGER':
      return (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value));
    case 'BOOL':
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'TIMESTAMP':
      return (typeof value === 'string' && !Number.isNaN(Date.parse(value))) || typeof value === 'number';
    case 'DATE':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    default:
      return true;
  }
}
