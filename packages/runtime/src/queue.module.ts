import { BullModule, getQueueToken } from '@nestjs/bull';
import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { ChannelListener, SqlPool } from '@leadflow/db';
import { ACTION_TYPES } from '@leadflow/contracts';
import { ACTION_LIMITS, OutboxRelay, QUEUE_NAMES, actionJobName, queueLimits, type QueueName } from '@leadflow/queue';
import type { JobOptions, Queue } from 'bull';
import { APP_CONFIG } from './config.module.js';

/** Injection token of every Bull queue by name: `Map<QueueName, Queue>`. */
export const QUEUE_MAP = Symbol('QUEUE_MAP');
const MAX_BACKOFF_MS = 60 * 60_000;

/**
 * Exponential backoff with jitter: retries of many jobs that failed together (an outage) spread
 * out instead of hitting the recovering system at the same instant.
 */
export function jitteredBackoff(baseMs: number): (attemptsMade: number) => number {
  return (attemptsMade) => Math.min(MAX_BACKOFF_MS, Math.round(baseMs * 2 ** Math.max(0, attemptsMade - 1) * (0.5 + Math.random())));
}

/** Retries with jittered exponential backoff; keep recent jobs for the queue dashboard, not forever. */
export function defaultJobOptions(config: AppConfig): JobOptions {
  return {
    attempts: config.queue.attempts,
    backoff: { type: 'jitter' },
    removeOnComplete: 1000,
    removeOnFail: 5000,
  };
}

const ACTION_ATTEMPTS = new Map<string, number>(ACTION_TYPES.map((type) => [actionJobName(type), ACTION_LIMITS[type].attempts]));

/**
 * Runs the outbox relay in this process: woken by the NOTIFY that every transaction writing outbox
 * rows sends when it commits (see the outbox_wakeup migration), and polling in case one is missed.
 */
@Injectable()
class OutboxRelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly relay: OutboxRelay;
  private readonly listener: ChannelListener;

  constructor(sql: SqlPool, @Inject(QUEUE_MAP) queues: Map<QueueName, Queue>, @Inject(APP_CONFIG) config: AppConfig) {
    this.relay = new OutboxRelay(sql, queues, {
      pollMs: config.queue.outboxPollMs,
      jobOptions: defaultJobOptions(config),
      jobOptionsFor: (jobName) => (ACTION_ATTEMPTS.has(jobName) ? { attempts: ACTION_ATTEMPTS.get(jobName) } : undefined),
      onError: (error) => this.logger.warn(`outbox relay pass failed, will retry: ${(error as Error).message}`),
    });
    this.listener = new ChannelListener(config.databaseUrl, 'outbox_message', () => this.relay.nudge(), {
      onError: (error) => this.logger.warn(`outbox wake-ups lost (${error.message}); polling until they are back`),
    });
  }

  onApplicationBootstrap(): void {
    this.relay.start();
    this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.stop();
    await this.relay.stop();
  }
}

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ url: config.redisUrl, prefix: config.queue.prefix, defaultJobOptions: defaultJobOptions(config) }),
    }),
    BullModule.registerQueueAsync(
      ...QUEUE_NAMES.map((name) => ({
        name,
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig) => ({
          limiter: queueLimits(name, config.queue.actionLimits).limiter,
          settings: { lockDuration: config.queue.lockMs, stalledInterval: config.queue.lockMs, backoffStrategies: { jitter: jitteredBackoff(config.queue.backoffMs) } },
        }),
      })),
    ),
  ],
  providers: [
    {
      provide: QUEUE_MAP,
      inject: QUEUE_NAMES.map((name) => getQueueToken(name)),
      useFactory: (...queues: Queue[]) => new Map<QueueName, Queue>(QUEUE_NAMES.map((name, i) => [name, queues[i]!])),
    },
  ],
  exports: [BullModule, QUEUE_MAP],
})
export class QueueModule {
  /**
   * `relayOutbox`: publish the outbox to the queues from this process. The workers do it: the API
   * only stores (its webhooks answer sooner), and jobs reach Redis when there is a worker to run them.
   */
  static forRoot(options: { relayOutbox: boolean }): DynamicModule {
    return { module: QueueModule, providers: options.relayOutbox ? [OutboxRelayLifecycle] : [] };
  }
}
