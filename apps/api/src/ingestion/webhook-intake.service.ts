import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { storeDelivery, type IncomingDelivery } from '@leadflow/application';
import type { WebhookAck } from '@leadflow/contracts';
import { PrismaClient } from '@leadflow/db';
import { OutboxRelay } from '@leadflow/queue';

/**
 * Stores a verified delivery before the platform gets its answer (see storeDelivery); a database
 * that cannot take it is a 503, so the platform delivers again later.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger(WebhookIntakeService.name);

  constructor(
    private readonly prisma: PrismaClient,
    private readonly relay: OutboxRelay,
  ) {}

  async store(delivery: IncomingDelivery): Promise<WebhookAck> {
    let accepted: number;
    try {
      accepted = await storeDelivery(this.prisma, delivery);
    } catch (error) {
      // Nothing was stored: answer 503 so the platform delivers again later.
      this.logger.error(`could not store a ${delivery.platform} delivery: ${(error as Error).message}`);
      throw new ServiceUnavailableException('the delivery could not be stored; retry later');
    }
    if (accepted > 0) this.relay.nudge();
    return { accepted, duplicates: delivery.notifications.length - accepted };
  }
}
