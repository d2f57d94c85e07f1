import { IntegrationError, googleAuth, googleError } from '@leadflow/integration-common';
import { google, type sheets_v4 } from 'googleapis';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalPacer, type RequestPacer } from './request-pacer.js';

export interface SheetsConfig {
  /** Service account key JSON or path (see googleAuth). */
  credentials: string;
  /** `https://sheets.googleapis.com/`, or the local simulator. */
  rootUrl: string;
  spreadsheetId: string;
  sheetName: string;
  timeoutMs: number;
  /** Least time between two requests of this process when no pacer is given (1 s keeps under 60 writes a minute). */
  minIntervalMs?: number;
  /** First wait after a 429; doubles up to a minute. */
  rateLimitBackoffMs?: number;
}

type Op =
  | { kind: 'append'; leadId: string; values: string[]; checkExisting: boolean; resolve: (row: number) => void; reject: (e: unknown) => void }
  | { kind: 'update'; leadId: string; values: string[]; resolve: (row: number | undefined) => void; reject: (e: unknown) => void };

const SERVICE = 'sheets';
/** Sheets allows 60 writes a minute per user: one request a second. */
export const SHEETS_WRITE_INTERVAL_MS = 1000;
const MAX_BACKOFF_MS = 64_000;

const classify = (error: unknown) => googleError(SERVICE, error);

/** `Leads!A5:K7` → 5 */
function firstRow(range: string | null | undefined): number {
  const match = /![A-Z]+(\d+)/.exec(range ?? '');
  if (!match) throw new IntegrationError(SERVICE, 'TEMPORARY', `append answered without a row number (${range})`);
  return Number(match[1]);
}

/**
 * Writes lead rows to one sheet. Every write to the spreadsheet goes through one queue: appends
 * that pile up are sent together in one `values.append`, requests are spaced by the pacer (the
 * 60-writes-a-minute quota: `SharedPacer` spaces the requests of every worker process together),
 * and a 429 waits and sends the same request again, so rows are never dropped nor reordered.
 * Values are written RAW: a phone keeps its `+`, nothing is a formula.
 */
export class SheetsWriter {
  private readonly api: sheets_v4.Sheets;
  private readonly queue: Op[] = [];
  private draining?: Promise<void>;
  /** The slot the drain loop waited for, not used by a request yet. */
  private slotHeld = false;
  /** Requests answered 429 so far (they were retried). */
  rateLimited = 0;

  constructor(
    private readonly config: SheetsConfig,
    private readonly pacer: RequestPacer = new LocalPacer(config.minIntervalMs ?? SHEETS_WRITE_INTERVAL_MS),
  ) {
    this.api = google.sheets({
      version: 'v4',
      rootUrl: config.rootUrl,
      auth: googleAuth(config.credentials, ['https://www.googleapis.com/auth/spreadsheets']),
      timeout: config.timeoutMs,
      retry: false,
    } as sheets_v4.Options);
  }

  /** Appends the lead's row; with `checkExisting` (a retried run) finds a row written before instead. Returns its row number. */
  appendRow(leadId: string, values: string[], checkExisting = false): Promise<number> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'append', leadId, values, checkExisting, resolve, reject }));
  }

  /** Rewrites the lead's row, found by the lead id in the first column; undefined when it has none. */
  updateRow(leadId: string, values: string[]): Promise<number | undefined> {
    return new Promise((resolve, reject) => this.enqueue({ kind: 'update', leadId, values, resolve, reject }));
  }

  private enqueue(op: Op): void {
    this.queue.push(op);
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      // Wait for the request slot first, then take what has queued: a row that arrives while the
      // writer waits goes in this request, not the one after (at most one interval's wait, not two).
      await this.pacer.acquire();
      this.slotHeld = true;
      const head = this.queue[0]!;
      // Consecutive appends travel together; an update goes alone, in its place.
      const end = this.queue.findIndex((op) => op.kind !== 'append');
      const batch = head.kind === 'append' ? this.queue.slice(0, end === -1 ? undefined : end) : [head];
      try {
        if (head.kind === 'append') await this.writeAppends(batch as Extract<Op, { kind: 'append' }>[]);
        else await this.writeUpdate(head);
      } catch (error) {
        for (const op of batch) op.reject(error);
      }
      this.slotHeld = false;
      this.queue.splice(0, batch.length);
    }
  }

  private async writeAppends(batch: Extract<Op, { kind: 'append' }>[]): Promise<void> {
    let pending = batch;
    if (batch.some((op) => op.checkExisting)) {
      const rows = await this.leadIdRows();
      for (const op of batch) {
        const row = rows.get(op.leadId);
        if (row) op.resolve(row);
      }
      pending = batch.filter((op) => !rows.has(op.leadId));
      if (pending.length === 0) return;
    }
    const res = await this.request(() =>
      this.api.spreadsheets.values.append({
        spreadsheetId: this.config.spreadsheetId,
        range: `${this.config.sheetName}!A:A`,
        valueInputOption: 'RAW',
        insertDataOption: 'INSERT_ROWS',
        requestBody: { values: pending.map((op) => op.values) },
      }),
    );
    const start = firstRow(res.data.updates?.updatedRange);
    pending.forEach((op, i) => op.resolve(start + i));
  }

  private async writeUpdate(op: Extract<Op, { kind: 'update' }>): Promise<void> {
    const row = (await this.leadIdRows()).get(op.leadId);
    if (!row) return op.resolve(undefined);
    await this.request(() =>
      this.api.spreadsheets.values.update({
        spreadsheetId: this.config.spreadsheetId,
        range: `${this.config.sheetName}!A${row}`,
        valueInputOption: 'RAW',
        requestBody: { values: [op.values] },
      }),
    );
    op.resolve(row);
  }

  /** lead id → row number, from the first column. */
  private async leadIdRows(): Promise<Map<string, number>> {
    const res = await this.request(() => this.api.spreadsheets.values.get({ spreadsheetId: this.config.spreadsheetId, range: `${this.config.sheetName}!A:A` }));
    return new Map((res.data.values ?? []).map((cells, i) => [String(cells[0] ?? ''), i + 1]));
  }

  /** Spaces requests and waits out 429s (exponential, up to a minute), then sends the same request again. */
  private async request<T>(call: () => Promise<T>): Promise<T> {
    for (let backoff = this.config.rateLimitBackoffMs ?? 1000; ; backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)) {
      if (this.slotHeld) this.slotHeld = false;
      else await this.pacer.acquire();
      try {
        return await call();
      } catch (error) {
        const failure = classify(error);
        if (failure.code !== 'RATE_LIMITED') throw failure;
        this.rateLimited += 1;
        await sleep(backoff);
      }
    }
  }
}
