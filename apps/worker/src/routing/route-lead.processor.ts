import { Injectable, Logger } from '@nestjs/common';
import { LeadRouter, describeDecision } from '@leadflow/application';
import type { JobPayloads } from '@leadflow/queue';
import { OnJob } from '@leadflow/runtime';
import type { Job } from 'bull';

/** Routes a lead whose `route-lead` job was queued by an earlier version (new leads are routed by the normalize job). */
@Injectable()
export class RouteLeadProcessor {
  private readonly logger = new Logger(RouteLeadProcessor.name);

  constructor(private readonly router: LeadRouter) {}

  @OnJob('route-lead')
  async run(job: Job<JobPayloads['route-lead']>): Promise<string> {
    const decision = await this.router.routeNewLead(job.data.leadId);
    const summary = decision ? describeDecision(decision) : 'already routed';
    this.logger.log(`route-lead ${job.data.leadId}: ${summary}`);
    return summary;
  }
}
