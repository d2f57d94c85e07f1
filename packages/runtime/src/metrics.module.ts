import { Global, Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import type { Redis } from 'ioredis';
import { hostname } from 'node:os';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { APP_CONFIG } from './config.module.js';
import { liveMetricsInstances, metricsInstancesKey, snapshotKey, SNAPSHOT_TTL_SECONDS } from './metrics-instances.js';
import { REDIS } from './redis.module.js';

type Snapshot = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

const PUBLISH_EVERY_MS = 5_000;
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The service's Prometheus metrics. Every process (API or worker) records into its own registry
 * and publishes a snapshot to Redis; `/metrics` on any API instance answers for the whole service.
 * Each process's series carry its `app` and `instance`: a sum across processes would drop when one
 * of them stops, and Prometheus would read that drop as a counter reset and count the survivors'
 * totals again as new increase (queries sum after `rate()`).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly webhookDeliveries = new Counter({
    name: 'leadflow_webhook_deliveries_total',
    help: 'Webhook deliveries by platform and outcome (accepted, duplicate, rejected, invalid, unavailable)',
    labelNames: ['platform', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookDuration = new Histogram({
    name: 'leadflow_webhook_duration_seconds',
    help: 'Time to verify, store and answer a webhook delivery',
    labelNames: ['platform'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly ingestLatency = new Histogram({
    name: 'leadflow_ingest_latency_seconds',
    help: 'From the webhook being received to the lead being stored (normalized)',
    labelNames: ['platform'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'leadflow_job_duration_seconds',
    help: 'Queue job run time by queue, job and outcome (completed, failed)',
    labelNames: ['queue', 'job', 'outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly actionRuns = new Counter({
    name: 'leadflow_action_runs_total',
    help: 'Action run attempts by action type and resulting status (done, retry, dead)',
    labelNames: ['action_type', 'status'] as const,
    registers: [this.registry],
  });

  readonly externalCallDuration = new Histogram({
    name: 'leadflow_external_call_duration_seconds',
    help: 'Calls to outside systems by connector and outcome (ok, error)',
    labelNames: ['connector', 'outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly externalCallErrors = new Counter({
    name: 'leadflow_external_call_errors_total',
    help: 'Failed calls to outside systems by connector and error code (AUTH, INVALID, RATE_LIMITED, UNAVAILABLE, …)',
    labelNames: ['connector', 'code'] as const,
    registers: [this.registry],
  });

  readonly leadsSearchFallbacks = new Counter({
    name: 'leadflow_leads_search_fallbacks_total',
    help: 'Leads searches that did not find their page newest first within LEADS_SEARCH_BUDGET_MS and read it from the text indexes',
    registers: [this.registry],
  });

  readonly jobsRequeued = new Counter({
    name: 'leadflow_jobs_requeued_total',
    help: 'Waiting work queued again because Redis no longer had its job (Redis restarted without its data, failed over or evicted it; retries spent while Postgres was down), by kind (action_run, inbound_event, sync_job, status_mirror)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor(
    readonly app: 'api' | 'worker',
    readonly instance = `${app}@${hostname()}:${process.pid}`,
  ) {
    this.registry.setDefaultLabels({ app, instance });
    collectDefaultMetrics({ register: this.registry });
  }

  /** Times a call to an outside system, counting its failures by code. */
  async timeExternal<T>(connector: string, call: () => Promise<T>): Promise<T> {
    const end = this.externalCallDuration.startTimer({ connector });
    try {
      const result = await call();
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      this.externalCallErrors.inc({ connector, code: String((error as { code?: unknown }).code ?? 'ERROR') });
      throw error;
    }
  }
}

/** Publishes this process's metrics to Redis, and gathers every live process's for `/metrics`. */
@Injectable()
export class MetricsPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsPublisher.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly metrics: Metrics,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.publish(), PUBLISH_EVERY_MS);
    this.timer.unref();
    void this.publish();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    const { prefix } = this.config.queue;
    await this.redis.multi().del(snapshotKey(prefix, this.metrics.instance)).zrem(metricsInstancesKey(prefix), this.metrics.instance).exec().catch(() => undefined);
  }

  async publish(): Promise<void> {
    try {
      const snapshot = JSON.stringify(await this.metrics.registry.getMetricsAsJSON());
      const { prefix } = this.config.queue;
      await this.redis
        .multi()
        .set(snapshotKey(prefix, this.metrics.instance), snapshot, 'EX', SNAPSHOT_TTL_SECONDS)
        .zadd(metricsInstancesKey(prefix), Date.now(), this.metrics.instance)
        .exec();
    } catch (error) {
      this.logger.debug(`metrics snapshot not published: ${(error as Error).message}`);
    }
  }

  /** Prometheus text for the whole service: this process live, the others from their last snapshot. */
  async exposition(extra?: Registry): Promise<{ contentType: string; body: string }> {
    const own = [await this.metrics.registry.getMetricsAsJSON(), ...(extra ? [await extra.getMetricsAsJSON()] : [])];
    const others: Snapshot[] = [];
    try {
      const { prefix } = this.config.queue;
      const keys = (await liveMetricsInstances(this.redis, prefix)).filter((instance) => instance !== this.metrics.instance).map((instance) => snapshotKey(prefix, instance));
      const values = keys.length ? await this.redis.mget(...keys) : [];
      for (const value of values) if (value) others.push(JSON.parse(value) as Snapshot);
    } catch (error) {
      this.logger.debug(`other processes' metrics unavailable: ${(error as Error).message}`);
    }
    const registry = AggregatorRegistry.aggregate([...own, ...others] as Parameters<typeof AggregatorRegistry.aggregate>[0]);
    return { contentType: registry.contentType, body: await registry.metrics() };
  }
}

@Global()
@Module({})
export class MetricsModule {
  static forRoot(app: 'api' | 'worker'): DynamicModule {
    return {
      module: MetricsModule,
      providers: [{ provide: Metrics, useFactory: () => new Metrics(app) }, MetricsPublisher],
      exports: [Metrics, MetricsPublisher],
    };
  }
}
