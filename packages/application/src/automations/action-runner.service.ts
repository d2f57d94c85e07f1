import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { PrismaClient, SqlPool, sqlOf, type ActionRun as ActionRunRow } from '@leadflow/db';
import { IntegrationError, isRetryable } from '@leadflow/integration-common';
import type { ActionJobPayload } from '@leadflow/queue';
import { APP_CONFIG, Metrics } from '@leadflow/runtime';
import { Clock } from '../clock.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import { recordTimeline } from '../leads/timeline.js';
import { alertAdmins, credentialsAlert } from '../notifications/notifier.js';
import { ACTION_EXECUTORS, UnavailableConnector, type ActionExecutor, type ActionOutcome, type LeadForAction } from './action-executor.js';
import { queueRuns } from './automation-dispatcher.service.js';

export type RunOutcome = 'done' | 'skipped' | 'retry' | 'dead';

interface ClaimedRow {
  run: ActionRunRow;
  lead: LeadForAction & { tx?: string };
  assignee: LeadForAction['assignee'];
  team: LeadForAction['team'];
  branch: LeadForAction['branch'];
}

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
    private readonly sql: SqlPool,
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
    const claimed = await this.claim(job);
    if (!claimed) return { outcome: 'skipped' };
    const { run, lead } = claimed;
    const executor = this.executors.get(run.actionType) ?? new UnavailableConnector(run.actionType as never);
    try {
      // The connector's call, timed per connector (notify.user is our own: not an outside call).
      const connector = run.actionType.split('.')[0]!;
      const outcome = connector === 'notify' ? await executor.execute(run, lead, this.sql) : await this.metrics.timeExternal(connector, () => executor.execute(run, lead, this.sql));
      await this.finish(run, outcome);
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
        if (count && dead) {
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
    return this.prisma.$transaction(async (tx) => {
      const lapsed = await tx.$queryRaw<{ id: string; action_type: string; dispatch: number }[]>`
        UPDATE action_run SET status = 'failed', dispatch = dispatch + 1, lease_until = NULL,
          last_error = 'the worker running this attempt stopped before finishing it'
        WHERE id IN (SELECT id FROM action_run WHERE status = 'running' AND lease_until < now() LIMIT 100 FOR UPDATE SKIP LOCKED)
        RETURNING id, action_type, dispatch`;
      await queueRuns(sqlOf(tx), lapsed.map((run) => ({ id: run.id, actionType: run.action_type, dispatch: run.dispatch })));
      return lapsed.length;
    });
  }

  /** The run, if this job may attempt it now, with its lead, owner, team and branch: one statement. */
  private async claim(job: ActionJobPayload): Promise<{ run: ActionRunRow; lead: LeadForAction } | undefined> {
    const leaseUntil = new Date(this.clock.now().getTime() + this.leaseMs);
    const [claimed] = await this.sql.queryParts<ClaimedRow>(
      `WITH claimed AS (
         UPDATE action_run SET status = 'running', attempts = attempts + 1, started_at = now(), lease_until = $3, updated_at = now()
         WHERE id = $1::uuid AND dispatch = $2
           AND (status IN ('pending', 'failed') OR (status = 'running' AND lease_until < now()))
         RETURNING *)
       SELECT r.*, l.*, e.*, t.*, b.*
       FROM claimed r JOIN lead l ON l.id = r.lead_id
         LEFT JOIN employee e ON e.id = l.assignee_id LEFT JOIN team t ON t.id = l.team_id LEFT JOIN branch b ON b.id = l.branch_id`,
      [job.actionRunId, job.dispatch, leaseUntil],
      ['run', 'lead', 'assignee', 'team', 'branch'],
    );
    if (!claimed) return undefined;
    // The lead's transaction id is the feeds' bookkeeping, not a field of the lead.
    const { tx: _tx, ...lead } = claimed.lead;
    return { run: claimed.run, lead: { ...lead, assignee: claimed.assignee, team: claimed.team, branch: claimed.branch } };
  }

  /**
   * Marks the attempt done and puts it on the lead's timeline in one statement (no transaction
   * round trips: this runs for every action of every lead). A run claimed again meanwhile (lease
   * lapsed) is left to its new attempt, and then no step is written either.
   */
  private async finish(run: ActionRunRow, outcome: ActionOutcome): Promise<void> {
    const now = this.clock.now();
    const result = outcome.result === undefined ? null : JSON.stringify(outcome.result);
    const step = JSON.stringify({ actionRunId: run.id, automationId: run.automationId, actionKey: run.actionKey, actionType: run.actionType, externalId: outcome.externalId });
    await this.sql.query(
      `WITH done AS (
         UPDATE action_run SET status = 'done', external_id = $3, result = COALESCE($4::jsonb, result),
           finished_at = $5, last_error = NULL, lease_until = NULL, updated_at = $5
         WHERE id = $1::uuid AND dispatch = $2 AND status = 'running'
         RETURNING lead_id)
       INSERT INTO lead_event (lead_id, type, payload) SELECT lead_id, 'action_done', $6::jsonb FROM done`,
      [run.id, run.dispatch, outcome.externalId ?? null, result, now, step],
    );
  }
}
