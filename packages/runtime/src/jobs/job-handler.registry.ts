import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { AppConfig } from '@leadflow/config';
import { JOB_NAMES, JOB_QUEUE, queueLimits, type JobName, type QueueName } from '@leadflow/queue';
import type { Job, Queue } from 'bull';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG } from '../config.module.js';
import { Metrics } from '../metrics.module.js';
import { QUEUE_MAP } from '../queue.module.js';
import { ON_JOB } from './on-job.decorator.js';

type Handler = (job: Job) => Promise<unknown>;

/** How long a shutting-down worker lets its current jobs finish; a job still running then is handed back (stalled, retried elsewhere). */
const DRAIN_TIMEOUT_MS = 25_000;
// Ids in a job's data that say what it is about: every log line of the job carries them.
const CORRELATION_KEYS = ['leadId', 'inboundEventId', 'actionRunId', 'syncJobId'] as const;

/**
 * Bull opens the connection it blocks on (`bclient`) lazily inside process(); a shutdown right
 * after start could then close the queue before that connection exists and leave it open.
 * Opening it first makes start-then-stop clean.
 */
async function blockingClientReady(queue: Queue): Promise<void> {
  await queue.isReady();
  const client = (queue as unknown as { bclient: { status: string; once(event: string, cb: () => void): void } }).bclient;
  if (client.status !== 'ready') await new Promise<void>((resolve) => client.once('ready', () => resolve()));
}

/**
 * Finds every @OnJob method and attaches it to its Bull queue. A job with no handler or with two
 * is a start-up error: a silent stall (jobs piling up that nobody runs) is much worse.
 */
@Injectable()
export class JobHandlerRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobHandlerRegistry.name);
  private started = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(QUEUE_MAP) private readonly queues: Map<QueueName, Queue>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly pino: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const handlers = this.collectHandlers();
    const problems = JOB_NAMES.filter((name) => (handlers.get(name)?.length ?? 0) !== 1).map(
      (name) => `job "${name}" has ${handlers.get(name)?.length ?? 0} handlers (needs exactly 1)`,
    );
    if (problems.length) throw new Error(problems.join('; '));
    for (const name of JOB_NAMES) {
      const queue = this.queues.get(JOB_QUEUE[name])!;
      await blockingClientReady(queue);
      const concurrency = queueLimits(JOB_QUEUE[name], this.config.queue.actionLimits).concurrency ?? this.config.queue.concurrency;
      queue.process(name, concurrency, this.observed(JOB_QUEUE[name], name, handlers.get(name)![0]!)).catch((error: unknown) => {
        // Bull ends its processing loop by rejecting when the queue closes; only other ends are news.
        if (!(queue as Queue & { closing?: unknown }).closing) this.logger.error(`processing of ${name} stopped: ${String(error)}`);
      });
    }
    this.started = true;
    this.logger.log(`running ${JOB_NAMES.length} job types on ${new Set(Object.values(JOB_QUEUE)).size} queues`);
  }

  /**
   * SIGTERM: take no new jobs and let the running ones finish (Bull's local pause waits for them),
   * so nothing is left half-done; one still running after the drain timeout is handed back when
   * its lock expires. The queues close after this.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    const queues = [...this.queues.values()];
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(queues.map((queue) => queue.pause(true, false).catch(() => undefined))).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    this.logger.log(drained ? 'stopped taking jobs; running jobs finished' : `stopped taking jobs; jobs still running after ${DRAIN_TIMEOUT_MS} ms are handed back`);
  }

  /** Runs a job inside a log context naming it and what it is about, and records its duration. */
  private observed(queue: QueueName, name: JobName, handler: Handler): Handler {
    return (job) => {
      const data = (job.data ?? {}) as Record<string, unknown>;
      const bindings: Record<string, unknown> = { job: name, jobId: job.id };
      for (const key of CORRELATION_KEYS) if (typeof data[key] === 'string') bindings[key] = data[key];
      return this.pino.runInContext(async () => {
        const end = this.metrics.jobDuration.startTimer({ queue, job: name });
        try {
          const result = await handler(job);
          end({ outcome: 'completed' });
          return result;
        } catch (error) {
          end({ outcome: 'failed' });
          throw error;
        }
      }, { bindings });
    };
  }

  private collectHandlers(): Map<JobName, Handler[]> {
    const found = new Map<JobName, Handler[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || wrapper.isAlias) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const fn = instance[method] as Handler;
        for (const name of this.reflector.get<JobName[] | undefined>(ON_JOB, fn) ?? []) {
          if (!JOB_NAMES.includes(name)) throw new Error(`@OnJob("${name}") on ${instance.constructor.name}.${method}: no such job`);
          found.set(name, [...(found.get(name) ?? []), (job: Job) => fn.call(instance, job)]);
        }
      }
    }
    return found;
  }
}
