import { Injectable, Logger } from '@nestjs/common';
import { ActionRunner } from '@leadflow/application';
import { ACTION_TYPES } from '@leadflow/contracts';
import { actionJobName, type ActionJobPayload } from '@leadflow/queue';
import { OnJob } from '@leadflow/runtime';
import type { Job } from 'bull';

@Injectable()
export class ActionRunProcessor {
  private readonly logger = new Logger(ActionRunProcessor.name);

  constructor(private readonly runner: ActionRunner) {}

  /**
   * The run's row decides (claim, attempts, dead); Bull only brings the retries with jittered
   * backoff. A retryable failure throws so Bull schedules the next attempt; a dead run is
   * discarded so Bull stops.
   */
  @OnJob(...ACTION_TYPES.map(actionJobName))
  async run(job: Job<ActionJobPayload>): Promise<string> {
    const { outcome, error } = await this.runner.run(job.data);
    if (outcome === 'retry') throw new Error(error);
    if (outcome === 'dead') {
      this.logger.warn(`action run ${job.data.actionRunId} is dead: ${error}`);
      await job.discard();
      throw new Error(error);
    }
    return outcome;
  }
}
