import { Controller, Get, Inject, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { AppConfig } from '@leadflow/config';
import { PrismaClient } from '@leadflow/db';
import { safeEqual } from '@leadflow/integration-common';
import type { QueueName } from '@leadflow/queue';
import { APP_CONFIG, MetricsPublisher, QUEUE_MAP } from '@leadflow/runtime';
import type { Queue } from 'bull';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import { bearerToken } from '../auth/bearer.js';
import { Public } from '../auth/public.decorator.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Prometheus scrape target for the whole service (see MetricsPublisher): what every process
 * recorded, plus what is read at scrape time — queue depth per queue and state, and the outbox
 * lag (age of the oldest change not yet handed to the queues).
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly live = new Registry();

  constructor(
    private readonly publisher: MetricsPublisher,
    prisma: PrismaClient,
    @Inject(QUEUE_MAP) queues: Map<QueueName, Queue>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    new Gauge({
      name: 'leadflow_queue_jobs',
      help: 'Jobs per queue and state (waiting, active, delayed, failed)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.live],
      async collect() {
        await Promise.all(
          [...queues].map(async ([name, queue]) => {
            const counts = await queue.getJobCounts().catch(() => undefined);
            if (counts) for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
    const outboxPending = new Gauge({ name: 'leadflow_outbox_pending', help: 'Outbox messages not yet published to the queues', registers: [this.live] });
    new Gauge({
      name: 'leadflow_outbox_lag_seconds',
      help: 'Age of the oldest outbox message not yet published to the queues (0 when none)',
      registers: [this.live],
      async collect() {
        const [row] = await prisma.$queryRaw<{ lag: number | null; pending: bigint }[]>`
          SELECT extract(epoch FROM now() - min(created_at))::float8 AS lag, count(*) AS pending FROM outbox_message WHERE published_at IS NULL`.catch(() => []);
        this.set(Math.max(0, row?.lag ?? 0));
        outboxPending.set(Number(row?.pending ?? 0));
      },
    });
  }

  @Get()
  async scrape(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const token = this.config.metricsToken;
    if (token && !safeEqual(bearerToken(req.headers.authorization) ?? '', token)) throw new UnauthorizedException('Authorization: Bearer <METRICS_TOKEN> is required');
    const { contentType, body } = await this.publisher.exposition(this.live);
    await reply.header('content-type', contentType).send(body);
  }
}
