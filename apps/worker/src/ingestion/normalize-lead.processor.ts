import { Injectable, Logger } from '@nestjs/common';
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
}
