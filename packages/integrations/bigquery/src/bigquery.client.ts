import { IntegrationError, googleAuth, googleError } from '@leadflow/integration-common';
import { google, type bigquery_v2 } from 'googleapis';
import type { ExportTable } from './export-tables.js';

export interface BigQueryConfig {
  projectId: string;
  dataset: string;
  /** `https://bigquery.googleapis.com/`, or the local simulator. */
  rootUrl: string;
  /** Service account key JSON or path (see googleAuth). */
  credentials: string;
  timeoutMs: number;
}

export interface ExportRow {
  /** BigQuery's best-effort de-duplication key for a resent row. */
  insertId: string;
  json: Record<string, unknown>;
}

const SERVICE = 'bigquery';

/**
 * The dataset, its tables and streaming inserts, with googleapis. insertAll answers 200 even when
 * rows are refused, so its `insertErrors` are always read; one refused row fails the batch (no row
 * of it is stored: skipInvalidRows is off) and the sync resends it once the cause is fixed.
 */
export class BigQueryClient {
  private readonly api: bigquery_v2.Bigquery;

  constructor(private readonly config: BigQueryConfig) {
    this.api = google.bigquery({
      version: 'v2',
      rootUrl: config.rootUrl,
      auth: googleAuth(config.credentials, ['https://www.googleapis.com/auth/bigquery']),
      timeout: config.timeoutMs,
      retry: false,
    } as bigquery_v2.Options);
  }

  /** Creates the dataset when missing; true when it did. */
  async ensureDataset(): Promise<boolean> {
    const { projectId, dataset: datasetId } = this.config;
    if (await this.exists(() => this.api.datasets.get({ projectId, datasetId }))) return false;
    await this.call(() => this.api.datasets.insert({ projectId, requestBody: { datasetReference: { projectId, datasetId }, description: 'LeadFlow CRM export' } }));
    return true;
  }

  /** Creates the table with its schema when missing; true when it did. */
  async ensureTable(table: ExportTable): Promise<boolean> {
    const { projectId, dataset: datasetId } = this.config;
    if (await this.exists(() => this.api.tables.get({ projectId, datasetId, tableId: table.id }))) return false;
    await this.call(() =>
      this.api.tables.insert({
        projectId,
        datasetId,
        requestBody: { tableReference: { projectId, datasetId, tableId: table.id }, description: table.description, schema: { fields: table.fields } },
      }),
    );
    return true;
  }

  async insertAll(tableId: string, rows: ExportRow[]): Promise<void> {
    const { projectId, dataset: datasetId } = this.config;
    const { data } = await this.call(() =>
      this.api.tabledata.insertAll({ projectId, datasetId, tableId, requestBody: { rows, skipInvalidRows: false, ignoreUnknownValues: false } }),
    );
    const errors = data.insertErrors ?? [];
    const refused = errors.filter((e) => e.errors?.some((x) => x.reason !== 'stopped'));
    if (refused.length) {
      const first = refused[0]!;
      const detail = first.errors!.find((x) => x.reason !== 'stopped')!;
      throw new IntegrationError(SERVICE, 'INVALID', `${refused.length} row(s) of ${tableId} refused; row ${first.index} (${rows[first.index ?? 0]?.insertId}): ${detail.reason} at ${detail.location ?? '?'}: ${detail.message}`);
    }
  }

  private async exists(get: () => Promise<unknown>): Promise<boolean> {
    try {
      await get();
      return true;
    } catch (error) {
      const classified = googleError(SERVICE, error);
      if (classified.code === 'NOT_FOUND') return false;
      throw classified;
    }
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw googleError(SERVICE, error);
    }
  }
}
