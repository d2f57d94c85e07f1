import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { PrismaClient, type ActionRun as ActionRunRow } from '@leadflow/db';
import { IntegrationError, isRetryable } from '@leadflow/integration-common';
import type { ActionType } from '@leadflow/contracts';
import { OutboxRelay, actionJobName, outboxMessage, type ActionJobPayload } from '@leadflow/queue';
import { APP_CONFIG, Metrics } from '@leadflow/runtime';
import { Clock } from '../clock.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import { recordTimeline } from '../leads/timeline.js';
import { alertAdmins, credentialsAlert } from '../notifications/notifier.js';
import { ACTION_EXECUTORS, UnavailableConnector, type ActionExecutor } from './action-executor.js';
import { actionRunJobId } from './automation-dispatcher.service.js';

export type RunOutcome = 'done' | 'skipped' | 'retry' | 'dead';

/**
 * Executes one action run: claims it (an atomic status change, so a job delivered twice runs it
 * once), calls its executor, and records the outcome. A claim carries a lease: if the worker dies
 * mid-attempt, the run becomes claimable again when the lease ends (and the lease sweep requeues it).
 */
@Injectable()
export class ActionRunner {
  private readonly executors: Map<string, ActionExecutor>;
  private readonly leaseMs: number;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
    @Inject(ACTION_EXECUTORS) executors: ActionExecutor[],
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.executors = new Map(executors.map((e) => [e.type, e]));
    // Long enough for any single attempt (each outside call times out at HTTP_TIMEOUT_MS), and no
    // shorter than the queue's job lock, after which a dead worker's job is retried anyway.
    this.leaseMs = Math.max(config.queue.lockMs, 3 * config.httpTimeoutMs);
  }

  async run(job: ActionJobPayload): Promise<{ outcome: RunOutcome; error?: string }> {
    const result = await this.attempt(job);
    if (result.type) this.metrics.actionRuns.inc({ action_type: result.type, status: result.outcome });
    return { outcome: result.outcome, error: result.error };
  }

  private async attempt(job: ActionJobPayload): Promise<{ outcome: RunOutcome; error?: string; type?: string }> {
    const run = await this.claim(job);
    if (!run) return { outcome: 'skipped' };
    const lead = await this.prisma.lead.findUnique({ where: { id: run.leadId }, include: { assignee: true, team: true, branch: true } });
    const executor = this.executors.get(run.actionType) ?? new UnavailableConnector(run.actionType as never);
    try {
      if (!lead) throw new NotFoundError(`lead ${run.leadId} no longer exists`);
      // The connector's call, timed per connector (notify.user is our own: not an outside call).
      const connector = run.actionType.split('.')[0]!;
      const outcome = connector === 'notify' ? await executor.execute(run, lead, this.prisma) : await this.metrics.timeExternal(connector, () => executor.execute(run, lead, this.prisma));
      await this.prisma.$transaction(async (tx) => {
        const { count } = await tx.actionRun.updateMany({
          where: { id: run.id, dispatch: run.dispatch, status: 'running' },
          data: { status: 'done', externalId: outcome.externalId ?? null, result: outcome.result as object | undefined, finishedAt: this.clock.now(), lastError: null, leaseUntil: null },
        });
        if (count) {
          await recordTimeline(tx, [{ leadId: run.leadId, type: 'action_done', payload: { actionRunId: run.id, automationId: run.automationId, actionKey: run.actionKey, actionType: run.actionType, externalId: outcome.externalId } }]);
        }
      });
      return { outcome: 'done', type: run.actionType };
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
      const permanent = !isRetryable(error) || error instanceof InvalidRequestError || error instanceof NotFoundError;
      const dead = permanent || run.attempts >= run.maxAttempts;
      await this.prisma.$transaction(async (tx) => {
        const { count } = await tx.actionRun.updateMany({
          where: { id: run.id, dispatch: run.dispatch, status: 'running' },
          data: { status: dead ? 'dead' : 'failed', lastError: message, leaseUntil: null, finishedAt: dead ? this.clock.now() : null },
        });
        if (count && dead && lead) {
          await recordTimeline(tx, [{ leadId: run.leadId, type: 'action_dead', payload: { actionRunId: run.id, automationId: run.automationId, actionKey: run.actionKey, actionType: run.actionType, attempts: run.attempts, error: message } }]);
          // A connector that gives up needs an admin now; refused credentials get their own alert.
          await alertAdmins(tx, {
            category: 'action_failed',
            title: `${run.actionType} failed for ${lead.fullName || 'a lead'}`,
            body: `${message} — retry it from the action runs once fixed.`,
            leadId: run.leadId,
            dedupeKey: `dead:${run.id}:${run.dispatch}`,
          });
          if (error instanceof IntegrationError && error.code === 'AUTH') await alertAdmins(tx, credentialsAlert(error.service, message, this.clock.now()));
        }
      });
      return { outcome: dead ? 'dead' : 'retry', error: message, type: run.actionType };
    }
  }

  /**
   * Runs whose worker died mid-attempt keep status `running` with a lapsed lease; queue them
   * again as a new dispatch. Returns how many.
   */
  async requeueAbandoned(): Promise<number> {
    const runs = await this.prisma.$transaction(async (tx) => {
      const lapsed = await tx.$queryRaw<{ id: string; action_type: string; dispatch: number }[]>`
        UPDATE action_run SET status = 'failed', dispatch = dispatch + 1, lease_until = NULL,
          last_error = 'the worker running this attempt stopped before finishing it'
        WHERE id IN (SELECT id FROM action_run WHERE status = 'running' AND lease_until < now() LIMIT 100 FOR UPDATE SKIP LOCKED)
        RETURNING id, action_type, dispatch`;
      for (const run of lapsed) {
        await tx.outboxMessage.create({
          data: outboxMessage(actionJobName(run.action_type as ActionType), { actionRunId: run.id, dispatch: run.dispatch }, actionRunJobId(run.id, run.dispatch)),
        });
      }
      return lapsed.length;
    });
    if (runs) this.relay.nudge();
    return runs;
  }

  private async claim(job: ActionJobPayload): Promise<ActionRunRow | undefined> {
    const leaseUntil = new Date(this.clock.now().getTime() + this.leaseMs);
    const [claimed] = await this.prisma.$queryRaw<{ id: string }[]>`
      UPDATE action_run SET status = 'running', attempts = attempts + 1, started_at = now(), lease_until = ${leaseUntil}, updated_at = now()
      WHERE id = ${job.actionRunId}::uuid AND dispatch = ${job.dispatch}
        AND (status IN ('pending', 'failed') OR (status = 'running' AND lease_until < now()))
      RETURNING id`;
    return claimed ? (await this.prisma.actionRun.findUnique({ where: { id: claimed.id } })) ?? undefined : undefined;
  }
}
