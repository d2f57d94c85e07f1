import { Injectable, Logger } from '@nestjs/common';
import { LeadRouter, describeDecision } from '@leadflow/application';
import { isRetryable } from '@leadflow/integration-common';
import type { JobPayloads } from '@leadflow/queue';
import { Metrics, OnJob } from '@leadflow/runtime';
import type { Job } from 'bull';
import { LeadIntakeService, type IntakeOutcome } from './lead-intake.service.js';

@Injectable()
export class NormalizeLeadProcessor {
  private readonly logger = new Logger(NormalizeLeadProcessor.name);

  constructor(
    private readonly intake: LeadIntakeService,
    private readonly router: LeadRouter,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Retries temporary failures (platform down, rate limits) with Bull's exponential backoff. A
   * permanent one (expired token, lead gone) or the last attempt dead-letters the event, with its
   * error, for a replay once fixed.
   */
  @OnJob('normalize-lead')
  async run(job: Job<JobPayloads['normalize-lead']>): Promise<IntakeOutcome> {
    const { inboundEventId } = job.data;
    try {
      const outcome = await this.intake.process(inboundEventId);
      if (outcome.kind === 'created') this.metrics.ingestLatency.observe({ platform: outcome.platform }, (Date.now() - outcome.receivedAt.getTime()) / 1000);
      this.logger.log(`normalize-lead ${inboundEventId}: ${outcome.kind === 'skipped' ? `skipped (${outcome.reason})` : `${outcome.kind} lead ${outcome.leadId}`}`);
      if (outcome.kind === 'created') await this.route(outcome.leadId);
      return outcome;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const retryable = isRetryable(error);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const deadLetter = !retryable || lastAttempt;
      await this.intake.recordFailure(inboundEventId, error, deadLetter).catch((recordError: Error) => {
        this.logger.error(`normalize-lead ${inboundEventId}: could not record the failure: ${recordError.message}`);
      });
      if (!retryable) await job.discard();
      this.logger.warn(`normalize-lead ${inboundEventId} attempt ${job.attemptsMade + 1} failed${deadLetter ? ' (dead-lettered)' : ''}: ${message}`);
      throw error;
    }
  }

  /**
   * A new lead is routed at once, in this job: no queue between storing a lead and placing it. The
   * lead is stored whatever happens here; if routing fails or this worker dies first, the scheduler
   * routes the lead when it finds it still unrouted (`LeadRouter.strayLeadIds`).
   */
  private async route(leadId: string): Promise<void> {
    try {
      const decision = await this.router.routeNewLead(leadId);
      if (decision) this.logger.log(`route ${leadId}: ${describeDecision(decision)}`);
    } catch (error) {
      this.logger.warn(`route ${leadId} failed; the scheduler will route it: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
