import { Inject, Injectable, Optional } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { PrismaClient, SqlPool } from '@leadflow/db';
import { lifecycleNameOf, META_CONVERSION_MAX_AGE_MS, metaConversionEventFor, type MetaConversionEvent } from '@leadflow/domain';
import { IntegrationError } from '@leadflow/integration-common';
import { MetaConversionsClient } from '@leadflow/integration-meta';
import { APP_CONFIG } from '@leadflow/runtime';
import { LifecycleForwarder, type DueDelivery, type NewDelivery, type TimelineRow } from './lifecycle-forwarder.js';

export const META_CONVERSIONS_CLIENT = Symbol('META_CONVERSIONS_CLIENT');

/**
 * A Meta lead's CRM stages (received, contacted, qualified, won, lost — as META_CONVERSIONS_EVENT_NAMES
 * names them) to Meta's Conversions API, keyed by its leadgen id, so Conversion Leads campaigns
 * learn which leads turn into sales. Behind META_CONVERSIONS_ENABLED. The stages of many leads go
 * in one request; when Meta refuses a request (one bad event refuses all), each event is sent
 * alone so only the bad one is kept back.
 */
@Injectable()
export class MetaConversionsForwarder extends LifecycleForwarder<MetaConversionEvent> {
  protected readonly destination = 'meta_capi';
  protected readonly label = "Meta's Conversions API";
  protected readonly maxAgeMs = META_CONVERSION_MAX_AGE_MS;
  protected override readonly claimLimit = 500;

  constructor(sql: SqlPool, prisma: PrismaClient, @Inject(APP_CONFIG) config: AppConfig, @Optional() @Inject(META_CONVERSIONS_CLIENT) private readonly client?: MetaConversionsClient) {
    super(sql, prisma, config);
  }

  get enabled(): boolean {
    return Boolean(this.client && this.config.metaConversions);
  }

  protected async sendClaimed(due: DueDelivery<MetaConversionEvent>[]): Promise<number> {
    // Oldest first: a lead's earlier stage reaches Meta before its later ones (within a second, in timeline order).
    const ordered = [...due].sort((a, b) => a.payload.event_time - b.payload.event_time || Number(BigInt(a.lead_event_id) - BigInt(b.lead_event_id)));
    try {
      await this.client!.send(ordered.map((d) => d.payload));
      await this.markSent(ordered.map((d) => d.id));
      return ordered.length;
    } catch (error) {
      // An event Meta refuses refuses its request; anything else (an outage, a refused token, a
      // dataset that does not exist) is the same for every event of the batch.
      const eventRefused = error instanceof IntegrationError && error.code === 'INVALID';
      if (!eventRefused || ordered.length === 1) {
        await this.failed(ordered.map((delivery) => ({ delivery, error })));
        return 0;
      }
      return this.sendOneByOne(ordered);
    }
  }

  /** After a refused batch: each event alone, so only the refused ones are kept back (one alert for them all). */
  private async sendOneByOne(ordered: DueDelivery<MetaConversionEvent>[]): Promise<number> {
    const sent: string[] = [];
    const failures: { delivery: DueDelivery<MetaConversionEvent>; error: unknown }[] = [];
    for (const delivery of ordered) {
      try {
        await this.client!.send([delivery.payload]);
        sent.push(delivery.id);
      } catch (error) {
        failures.push({ delivery, error });
      }
    }
    if (sent.length) await this.markSent(sent);
    if (failures.length) await this.failed(failures);
    return sent.length;
  }

  protected async deliveriesFor(rows: TimelineRow[]): Promise<NewDelivery<MetaConversionEvent>[]> {
    const named = rows.map((row) => ({ row, name: lifecycleNameOf(row.type, row.payload) })).filter(({ name }) => name !== undefined);
    if (!named.length) return [];
    const leads = new Map(
      (
        await this.sql.query<{ id: string; platform: string; platformLeadId: string }>(
          `SELECT id, platform::text AS platform, platform_lead_id AS "platformLeadId" FROM lead WHERE id = ANY($1::uuid[]) AND platform = 'meta'`,
          [[...new Set(named.map((n) => n.row.lead_id))]],
        )
      ).map((l) => [l.id, l]),
    );
    const settings = this.config.metaConversions!;
    return named.flatMap(({ row, name }) => {
      const lead = leads.get(row.lead_id);
      const event = lead && metaConversionEventFor(name!, lead, row.occurred_at, settings);
      return event ? [{ lead_id: lead.id, event: event.event_name, lead_event_id: String(row.id), payload: event }] : [];
    });
  }
}
