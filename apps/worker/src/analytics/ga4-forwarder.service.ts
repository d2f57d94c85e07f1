import { Inject, Injectable, Optional } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import type { Platform } from '@leadflow/contracts';
import { PrismaClient, SqlPool } from '@leadflow/db';
import { ga4ClientId, ga4EventFor, lifecycleNameOf } from '@leadflow/domain';
import { Ga4Client, type Ga4Payload } from '@leadflow/integration-ga4';
import { APP_CONFIG } from '@leadflow/runtime';
import { LifecycleForwarder, type DueDelivery, type NewDelivery, type TimelineRow } from './lifecycle-forwarder.js';

export const GA4_CLIENT = Symbol('GA4_CLIENT');

/**
 * Lifecycle events to GA4 (or a server-side GTM container) as recommended lead events, one
 * Measurement Protocol request each; in validation mode what GA4's validator rejects is kept with
 * its messages instead of sent.
 */
@Injectable()
export class Ga4Forwarder extends LifecycleForwarder<Ga4Payload> {
  protected readonly destination = 'ga4';
  protected readonly label = 'GA4';
  /** GA4 refuses events backdated more than 72 hours. */
  protected readonly maxAgeMs = 72 * 3600_000;

  constructor(sql: SqlPool, prisma: PrismaClient, @Inject(APP_CONFIG) config: AppConfig, @Optional() @Inject(GA4_CLIENT) private readonly client?: Ga4Client) {
    super(sql, prisma, config);
  }

  get enabled(): boolean {
    return Boolean(this.client && this.config.ga4);
  }

  protected async sendClaimed(due: DueDelivery<Ga4Payload>[]): Promise<number> {
    let sent = 0;
    for (let i = 0; i < due.length; i += 10) {
      const results = await Promise.all(due.slice(i, i + 10).map((d) => this.deliver(d)));
      sent += results.filter(Boolean).length;
    }
    return sent;
  }

  private async deliver(delivery: DueDelivery<Ga4Payload>): Promise<boolean> {
    try {
      if (this.config.ga4!.validate) {
        const messages = await this.client!.validate(delivery.payload);
        if (messages.length) {
          await this.sql.query(`UPDATE analytics_delivery SET status = 'rejected', validation_messages = $2::jsonb, last_error = $3 WHERE id = $1::uuid`, [
            delivery.id,
            JSON.stringify(messages),
            messages.map((m) => `${m.validationCode} ${m.fieldPath}: ${m.description}`).join('; ').slice(0, 2000),
          ]);
          return false;
        }
      }
      await this.client!.send(delivery.payload);
      await this.markSent([delivery.id]);
      return true;
    } catch (error) {
      await this.failed([{ delivery, error }]);
      return false;
    }
  }

  protected async deliveriesFor(rows: TimelineRow[]): Promise<NewDelivery<Ga4Payload>[]> {
    const named = rows
      .map((row) => ({ row, name: lifecycleNameOf(row.type, row.payload) }))
      .filter(({ name }) => name && ['received', 'contacted', 'qualified', 'won', 'lost'].includes(name));
    if (!named.length) return [];
    const leads = new Map(
      (
        await this.sql.query<{ id: string; contactId: string; platform: Platform; campaignName: string | null; qualifiedAt: Date | null }>(
          'SELECT id, contact_id AS "contactId", platform::text AS platform, campaign_name AS "campaignName", qualified_at AS "qualifiedAt" FROM lead WHERE id = ANY($1::uuid[])',
          [[...new Set(named.map((n) => n.row.lead_id))]],
        )
      ).map((l) => [l.id, l]),
    );
    const settings = { currency: this.config.ga4!.currency, values: this.config.ga4!.values };
    return named.flatMap(({ row, name }) => {
      const lead = leads.get(row.lead_id);
      const event = lead && ga4EventFor(name!, row.payload, { leadId: lead.id, platform: lead.platform, campaignName: lead.campaignName, wasQualified: Boolean(lead.qualifiedAt) }, settings);
      if (!lead || !event) return [];
      const payload: Ga4Payload = { client_id: ga4ClientId(lead.contactId), timestamp_micros: row.occurred_at.getTime() * 1000, events: [event] };
      return [{ lead_id: lead.id, event: event.name, lead_event_id: String(row.id), payload }];
    });
  }
}
