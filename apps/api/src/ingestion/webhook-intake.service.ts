import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { storeDeliveries, type IncomingDelivery } from '@leadflow/application';
import type { WebhookAck } from '@leadflow/contracts';
import { GroupedWrite, SqlPool } from '@leadflow/db';
import { Metrics } from '@leadflow/runtime';

/**
 * Stores a verified delivery before the platform gets its answer (see storeDeliveries); a database
 * that cannot take it is a 503, so the platform delivers again later. Concurrent deliveries are
 * written together — each request still answers only once its own rows are committed.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger(WebhookIntakeService.name);
  /** Deliveries arriving within 2 ms share one statement and one commit (at most 64 of them). */
  private readonly deliveries: GroupedWrite<IncomingDelivery, number>;

  constructor(
    // Through `pg`: every webhook passes here (Prisma's client cost ~0.15 ms of CPU per call).
    sql: SqlPool,
    private readonly metrics: Metrics,
  ) {
    this.deliveries = new GroupedWrite((group) => storeDeliveries(sql, group), { windowMs: 2, max: 64 });
  }

  async store(delivery: IncomingDelivery): Promise<WebhookAck> {
    let accepted: number;
    try {
      accepted = await this.deliveries.run(delivery);
    } catch (error) {
      // Nothing was stored: answer 503 so the platform delivers again later.
      this.logger.error(`could not store a ${delivery.platform} delivery: ${(error as Error).message}`);
      throw new ServiceUnavailableException('the delivery could not be stored; retry later');
    }
    const duplicates = delivery.notifications.length - accepted;
    this.metrics.webhookDeliveries.inc({ platform: delivery.platform, outcome: accepted === 0 && duplicates > 0 ? 'duplicate' : 'accepted' });
    return { accepted, duplicates };
  }
}
