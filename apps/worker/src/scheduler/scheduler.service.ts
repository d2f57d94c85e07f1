import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ActionRunner, LeadRouter, ReportRollups, SlaMonitor, SyncJobs } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import { APP_CONFIG } from '@leadflow/runtime';
import { Ga4Forwarder } from '../analytics/ga4-forwarder.service.js';
import { MetaConversionsForwarder } from '../analytics/meta-conversions-forwarder.service.js';
import { LostJobSweep } from './lost-job-sweep.service.js';
import { RetentionSweep } from './retention-sweep.service.js';

/** A lead is routed milliseconds after it is stored; one unrouted this long has lost its worker. */
const STRAY_AFTER_SECONDS = 10;

/**
 * Time-driven work, read from Postgres on every tick so any number of workers can run it
 * (each lead or run is taken with SKIP LOCKED): leads a dead worker left unrouted are routed,
 * waiting leads meet people starting their shift, SLA deadlines pass, runs abandoned by a dead
 * worker and work whose job Redis lost are queued again, report rollups catch up, lifecycle events
 * go to GA4 and Meta's Conversions API, plumbing rows past their retention are deleted.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    private readonly router: LeadRouter,
    private readonly sla: SlaMonitor,
    private readonly runs: ActionRunner,
    private readonly rollups: ReportRollups,
    private readonly ga4: Ga4Forwarder,
    private readonly metaConversions: MetaConversionsForwarder,
    private readonly syncs: SyncJobs,
    private readonly retention: RetentionSweep,
    private readonly lostJobs: LostJobSweep,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    }, this.config.queue.schedulerIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  /** One pass over everything time-driven; each part fails alone. */
  async tick(): Promise<void> {
    for (const [what, work] of [
      ['unrouted leads', () => this.routeStrays()],
      ['queued leads', () => this.assignQueued()],
      ['SLA deadlines', async () => this.each('SLA step of lead', await this.sla.dueLeadIds(100), (id) => this.sla.step(id))],
      ['abandoned action runs', () => this.runs.requeueAbandoned()],
      ['lost jobs', () => this.lostJobs.sweep()],
      ['report rollups', () => this.rollups.fold()],
      ['GA4 forwarding', async () => (await this.ga4.enqueue()) + (await this.ga4.send())],
      ['Meta conversions', async () => (await this.metaConversions.enqueue()) + (await this.metaConversions.send())],
      ['scheduled syncs', () => this.scheduleSyncs()],
      ['retention sweep', () => this.retention.sweep()],
    ] as const) {
      await work().catch((error: Error) => this.logger.warn(`scheduler: ${what} failed, will retry: ${error.message}`));
    }
  }

  /** BigQuery export and Meta backfill on their intervals (a sync already queued or running is left alone). */
  private async scheduleSyncs(): Promise<number> {
    let requested = 0;
    await this.syncs.failAbandoned();
    if (this.config.bigquery && (await this.syncs.due('bigquery', this.config.bigquery.syncIntervalMinutes))) requested += Number((await this.syncs.request('bigquery', 'schedule')).created);
    if (await this.syncs.due('meta', this.config.metaBackfill.syncIntervalMinutes)) requested += Number((await this.syncs.request('meta', 'schedule')).created);
    if (this.config.odoo && (await this.syncs.due('odoo', this.config.odoo.syncIntervalMinutes))) requested += Number((await this.syncs.request('odoo', 'schedule')).created);
    return requested;
  }

  /** New leads are routed by the job that stored them; one left unrouted (that worker died) is routed here. */
  private async routeStrays(): Promise<number> {
    return this.each('routing stray lead', await this.router.strayLeadIds(STRAY_AFTER_SECONDS, 100), (id) => this.router.routeNewLead(id));
  }

  /** Queued leads tried again (assigned, or their queue timeout fired); due timeouts first. */
  private async assignQueued(): Promise<number> {
    const ids = new Set([...(await this.router.queueTimeoutDueIds(100)), ...(await this.router.queuedLeadIds(100))]);
    return this.each('queued lead', ids, (id) => this.router.retryQueued(id));
  }

  /**
   * Works through the leads one at a time and counts those `work` did something for. One that
   * fails is logged and left for the next pass: a lead that cannot be written never holds up the
   * ones after it.
   */
  private async each(what: string, ids: Iterable<string>, work: (id: string) => Promise<unknown>): Promise<number> {
    let done = 0;
    for (const id of ids) {
      try {
        if (await work(id)) done += 1;
      } catch (error) {
        this.logger.warn(`scheduler: ${what} ${id} failed, will retry: ${(error as Error).message}`);
      }
    }
    return done;
  }
}
