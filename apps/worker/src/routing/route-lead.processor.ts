import { Injectable, Logger } from '@nestjs/common';
import { LeadRouter } from '@leadflow/application';
import type { JobPayloads } from '@leadflow/queue';
import { OnJob } from '@leadflow/runtime';
import type { Job } from 'bull';

@Injectable()
export class RouteLeadProcessor {
  private readonly logger = new Logger(RouteLeadProcessor.name);

  constructor(private readonly router: LeadRouter) {}

  @OnJob('route-lead')
  async run(job: Job<JobPayloads['route-lead']>): Promise<string> {
    const decision = await this.router.routeNewLead(job.data.leadId);
    const summary = decision ? `${decision.outcome}${decision.employeeName ? ` to ${decision.employeeName}` : ''} by "${decision.ruleName ?? 'no rule'}"` : 'already routed';
    this.logger.log(`route-lead ${job.data.leadId}: ${summary}`);
    return summary;
  }
}
