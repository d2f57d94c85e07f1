import { Inject, Injectable } from '@nestjs/common';
import { readCursor, storeDelivery, writeCursor } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import { PrismaClient } from '@leadflow/db';
import { MetaGraphClient, type MetaLeadNotification } from '@leadflow/integration-meta';
import { APP_CONFIG } from '@leadflow/runtime';

export interface BackfillProgress {
  forms: Record<string, { seen: number; missing: number }>;
  /** Leads Meta has that we had never received (now ingested). */
  missing: number;
  summary?: string;
}

/** Re-reads a form's leads from a little before the newest one seen last time: late webhooks are never that late. */
const OVERLAP_SECONDS = 3600;

/**
 * Reconciles with Meta: for every form (configured, or any a lead came from) pages through
 * `GET /{form-id}/leads` since the form's cursor, and stores each lead we never received as a
 * delivery of its own — the same idempotent path as webhooks, so a lead that is received twice
 * (by webhook and by backfill, or by two backfills) is still one lead.
 */
@Injectable()
export class MetaBackfill {
  private readonly graph: MetaGraphClient;

  constructor(
    private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const { graphApiUrl, graphApiVersion, pageAccessToken } = config.meta;
    this.graph = new MetaGraphClient({ baseUrl: graphApiUrl, version: graphApiVersion, pageAccessToken, timeoutMs: config.httpTimeoutMs });
  }

  async run(report: (progress: BackfillProgress) => Promise<void>): Promise<BackfillProgress> {
    const seen = await this.prisma.$queryRaw<{ form_id: string }[]>`SELECT DISTINCT form_id FROM lead WHERE platform = 'meta' AND form_id IS NOT NULL`;
    const forms = [...new Set([...this.config.metaBackfill.formIds, ...seen.map((f) => f.form_id)])].sort();
    const progress: BackfillProgress = { forms: {}, missing: 0 };
    for (const formId of forms) {
      const key = `meta-form:${formId}`;
      const cursor = await readCursor<{ newest: number }>(this.prisma, key);
      const state = (progress.forms[formId] = { seen: 0, missing: 0 });
      let newest = cursor?.newest ?? 0;
      let after: string | undefined;
      do {
        const page = await this.graph.listFormLeads(formId, { since: cursor ? cursor.newest - OVERLAP_SECONDS : undefined, after });
        state.seen += page.leads.length;
        const ids = page.leads.map((lead) => lead.id);
        const known = new Set((await this.prisma.inboundEvent.findMany({ where: { platform: 'meta', externalId: { in: ids } }, select: { externalId: true } })).map((e) => e.externalId));
        const missing = page.leads.filter((lead) => !known.has(lead.id));
        if (missing.length) {
          const notifications = missing.map((lead) => {
            const createdTime = lead.created_time ? Math.floor(Date.parse(lead.created_time.replace(/\+0000$/, 'Z')) / 1000) : undefined;
            const payload: MetaLeadNotification = { leadgenId: lead.id, formId, adId: lead.ad_id, createdTime };
            return { externalId: lead.id, payload };
          });
          const accepted = await storeDelivery(this.prisma, {
            platform: 'meta',
            rawBody: Buffer.from(JSON.stringify({ source: 'meta-backfill', form_id: formId, leads: missing })),
            headers: { 'x-leadflow-source': 'meta-backfill' },
            notifications,
          });
          state.missing += accepted;
          progress.missing += accepted;
        }
        for (const lead of page.leads) if (lead.created_time) newest = Math.max(newest, Math.floor(Date.parse(lead.created_time.replace(/\+0000$/, 'Z')) / 1000));
        after = page.after;
      } while (after);
      await writeCursor(this.prisma, key, { newest });
      await report(progress);
    }
    progress.summary = progress.missing ? `Meta has ${progress.missing} lead(s) we never received; they are being ingested now` : 'every lead Meta has was received';
    return progress;
  }
}
