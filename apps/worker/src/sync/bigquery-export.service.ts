import { Inject, Injectable, Optional } from '@nestjs/common';
import { positionOf, readCursor, readFinal, writeCursor, type FeedPosition, type FeedTable } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import { PrismaClient } from '@leadflow/db';
import { lifecycleNameOf } from '@leadflow/domain';
import { BigQueryClient, LEAD_EVENTS_TABLE, LEADS_TABLE, type ExportRow, type ExportTable } from '@leadflow/integration-bigquery';
import { IntegrationError } from '@leadflow/integration-common';
import { APP_CONFIG } from '@leadflow/runtime';

export const BIGQUERY_CLIENT = Symbol('BIGQUERY_CLIENT');

type Row = Record<string, unknown> & { tx: string; id: unknown };

interface Export {
  table: ExportTable;
  source: FeedTable;
  columns: string;
  toRow(row: Row, exportedAt: string): ExportRow;
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : null);

const LEADS: Export = {
  table: LEADS_TABLE,
  source: 'lead',
  columns: `"id", "platform"::text AS "platform", "platform_lead_id", "status"::text AS "status", "received_at", "submitted_at", "campaign_id", "campaign_name",
    "adset_id", "adset_name", "ad_id", "ad_name", "form_id", "form_name", "channel", "city", "country", "language", "branch_id"::text AS "branch_id",
    "team_id"::text AS "team_id", "assignee_id"::text AS "assignee_id", "routing_state"::text AS "routing_state", "assigned_at", "sla_due_at", "sla_breached_at",
    "contacted_at", "qualified_at", "proposal_at", "closed_at", "lost_reason", "duplicate_of_id"::text AS "duplicate_of_id", "tags", "updated_at"`,
  toRow(r, exportedAt) {
    const version = (r.updated_at as Date).getTime();
    const text = (name: string) => (r[name] as string | null) ?? null;
    return {
      insertId: `${r.id}:${version}`,
      json: {
        lead_id: r.id,
        version: String(version),
        ...Object.fromEntries(['platform', 'platform_lead_id', 'status', 'campaign_id', 'campaign_name', 'adset_id', 'adset_name', 'ad_id', 'ad_name', 'form_id', 'form_name', 'channel', 'city', 'country', 'language', 'branch_id', 'team_id', 'assignee_id', 'routing_state', 'lost_reason', 'duplicate_of_id'].map((n) => [n, text(n)])),
        ...Object.fromEntries(['received_at', 'submitted_at', 'assigned_at', 'sla_due_at', 'sla_breached_at', 'contacted_at', 'qualified_at', 'proposal_at', 'closed_at'].map((n) => [n, iso(r[n])])),
        tags: r.tags,
        exported_at: exportedAt,
      },
    };
  },
};

const LEAD_EVENTS: Export = {
  table: LEAD_EVENTS_TABLE,
  source: 'lead_event',
  columns: '"id", "lead_id"::text AS "lead_id", "type", "actor", "payload", "occurred_at"',
  toRow(r, exportedAt) {
    const payload = r.payload as Record<string, unknown>;
    return {
      insertId: `event:${r.id}`,
      json: {
        event_id: String(r.id),
        lead_id: r.lead_id,
        type: r.type,
        lifecycle_event: lifecycleNameOf(r.type as string, payload) ?? null,
        actor: r.actor,
        occurred_at: iso(r.occurred_at),
        payload_json: JSON.stringify(payload),
        exported_at: exportedAt,
      },
    };
  },
};

export interface ExportProgress {
  dataset?: 'created' | 'existed';
  tables: Record<string, { created?: boolean; sent: number; batches: number }>;
}

/**
 * Streams leads (every version) and their timeline to BigQuery. Each table is followed in commit
 * order from its watermark; a batch's watermark moves only after BigQuery took all of it, so a
 * failed batch is sent again by the next sync (and insertId keeps a partly stored one from doubling).
 */
@Injectable()
export class BigQueryExport {
  constructor(
    private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(BIGQUERY_CLIENT) private readonly client?: BigQueryClient | null,
  ) {}

  async run(report: (progress: ExportProgress) => Promise<void>): Promise<ExportProgress> {
    if (!this.client) throw new IntegrationError('bigquery', 'INVALID', 'BigQuery is not configured: set BIGQUERY_PROJECT_ID and GOOGLE_SERVICE_ACCOUNT_JSON');
    const progress: ExportProgress = { tables: {} };
    progress.dataset = (await this.client.ensureDataset()) ? 'created' : 'existed';
    for (const exp of [LEADS, LEAD_EVENTS]) {
      const state = (progress.tables[exp.table.id] = { created: await this.client.ensureTable(exp.table), sent: 0, batches: 0 });
      const key = `bigquery:${this.config.bigquery!.dataset}.${exp.table.id}`;
      let after = (await readCursor<FeedPosition>(this.prisma, key)) ?? { tx: '0', id: '0' };
      for (;;) {
        const rows = await readFinal<Row>(this.prisma, exp.source, exp.columns, after, this.config.bigquery!.batchRows);
        if (!rows.length) break;
        const exportedAt = new Date().toISOString();
        await this.client.insertAll(exp.table.id, rows.map((row) => exp.toRow(row, exportedAt)));
        after = positionOf(rows[rows.length - 1]!);
        await writeCursor(this.prisma, key, after);
        state.sent += rows.length;
        state.batches += 1;
        await report(progress);
      }
    }
    return progress;
  }
}
