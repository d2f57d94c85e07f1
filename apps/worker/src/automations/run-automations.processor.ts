import { Injectable } from '@nestjs/common';
import { AutomationDispatcher } from '@leadflow/application';
import type { JobPayloads } from '@leadflow/queue';
import { OnJob } from '@leadflow/runtime';
import type { Job } from 'bull';

@Injectable()
export class RunAutomationsProcessor {
  constructor(private readonly dispatcher: AutomationDispatcher) {}

  /** Creates the action runs of the automations listening to the trigger (idempotent per run). */
  @OnJob('run-automations')
  async run(job: Job<JobPayloads['run-automations']>): Promise<number> {
    return this.dispatcher.dispatch(job.data);
  }
}
