import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { GroupedWrite, PrismaClient, SqlPool, sqlOf, type ActionRun as ActionRunRow } from '@leadflow/db';
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

type Claimed = { run: ActionRunRow; lead: LeadForAction };

interface Finished {
  run: ActionRunRow;
  outcome: ActionOutcome;
  at: Date;
}

/**
 * Claims and finishes of concurrent jobs arriving within this long share one statement and one
 * commit: a lead's six runs are queued together, and each claim or finish alone was a round trip
 * to Postgres and a commit.
 */
const GROUP = { windowMs: 2, max: 64 };

const inIdOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Executes one action run: claims it (an atomic status change, so a job delivered twice runs it
 * once), calls its executor, and records the outcome. A claim carries a lease: if the worker dies
 * mid-attempt, the run becomes claimable again when the lease ends (and the lease sweep requeues it).
 */
@Injectable()
export class ActionRunner {
  private readonly executors: Map<string, ActionExecutor>;
  private readonly leaseMs: number;
  private readonly claims = new GroupedWrite<ActionJobPayload, Claimed | undefined>((jobs) => this.claimGroup(jobs), GROUP);
  private readonly finishes = new GroupedWrite<Finished, void>((done) => this.finishGroup(done), GROUP);

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
    const claimed = await this.claims.run(job);
    if (!claimed) return { outcome: 'skipped' };
    const { run, lead } = claimed;
    const executor = this.executors.get(run.actionType) ?? new UnavailableConnector(run.actionType as never);
    try {
      // The connector's call, timed per connector (notify.user is our own: not an outside call).
      const connector = run.actionType.split('.')[0]!;
      const outcome = connector === 'notify' ? await executor.execute(run, lead, this.sql) : await this.metrics.timeExternal(connector, () => executor.execute(run, lead, this.sql));
      await this.finishes.run({ run, outcome, at: this.clock.now() });
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

  /**
   * Each job's run, if the job may attempt it now, with its lead, owner, team and branch: one
   * statement for the group. A job delivered twice into one group claims its run once.
   */
  private async claimGroup(jobs: ActionJobPayload[]): Promise<(Claimed | undefined)[]> {
    const leaseUntil = new Date(this.clock.now().getTime() + this.leaseMs);
    // Sent in id order by every group, so two groups seldom lock rows crosswise; a deadlock that
    // Postgres breaks fails the group, which is then written one claim at a time.
    const sorted = [...jobs].sort((a, b) => inIdOrder(a.actionRunId, b.actionRunId));
    const rows = await this.sql.queryParts<ClaimedRow>(
      `WITH claimed AS (
         UPDATE action_run r SET status = 'running', attempts = r.attempts + 1, started_at = now(), lease_until = $3, updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS j(id, dispatch)
         WHERE r.id = j.id AND r.dispatch = j.dispatch
           AND (r.status IN ('pending', 'failed') OR (r.status = 'running' AND r.lease_until < now()))
         RETURNING r.*)
       SELECT r.*, l.*, e.*, t.*, b.*
       FROM claimed r JOIN lead l ON l.id = r.lead_id
         LEFT JOIN employee e ON e.id = l.assignee_id LEFT JOIN team t ON t.id = l.team_id LEFT JOIN branch b ON b.id = l.branch_id`,
      [sorted.map((j) => j.actionRunId), sorted.map((j) => j.dispatch), leaseUntil],
      ['run', 'lead', 'assignee', 'team', 'branch'],
    );
    const byJob = new Map(rows.map((row) => [`${row.run.id}:${row.run.dispatch}`, row]));
    return jobs.map((job) => {
      const key = `${job.actionRunId}:${job.dispatch}`;
      const claimed = byJob.get(key);
      byJob.delete(key);
      if (!claimed) return undefined;
      // The lead's transaction id is the feeds' bookkeeping, not a field of the lead.
      const { tx: _tx, ...lead } = claimed.lead;
      return { run: claimed.run, lead: { ...lead, assignee: claimed.assignee, team: claimed.team, branch: claimed.branch } };
    });
  }

  /**
   * Marks each attempt done and puts it on its lead's timeline: one statement for the group (no
   * transaction round trips: this runs for every action of every lead). A run claimed again
   * meanwhile (lease lapsed) is left to its new attempt, and then no step is written either.
   */
  private async finishGroup(done: Finished[]): Promise<void[]> {
    const sorted = [...done].sort((a, b) => inIdOrder(a.run.id, b.run.id));
    const step = ({ run, outcome }: Finished) =>
      JSON.stringify({ actionRunId: run.id, automationId: run.automationId, actionKey: run.actionKey, actionType: run.actionType, externalId: outcome.externalId });
    await this.sql.query(
      `WITH f AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::jsonb[], $5::timestamptz[], $6::jsonb[]) AS f(id, dispatch, external_id, result, at, step)),
       done AS (
         UPDATE action_run r SET status = 'done', external_id = f.external_id, result = COALESCE(f.result, r.result),
           finished_at = f.at, last_error = NULL, lease_until = NULL, updated_at = f.at
         FROM f WHERE r.id = f.id AND r.dispatch = f.dispatch AND r.status = 'running'
         RETURNING r.lead_id, f.step)
       INSERT INTO lead_event (lead_id, type, payload) SELECT lead_id, 'action_done', step FROM done`,
      [
        sorted.map((d) => d.run.id),
        sorted.map((d) => d.run.dispatch),
        sorted.map((d) => d.outcome.externalId ?? null),
        sorted.map((d) => (d.outcome.result === undefined ? null : JSON.stringify(d.outcome.result))),
        sorted.map((d) => d.at),
        sorted.map(step),
      ],
    );
    return done.map(() => undefined);
  }
}
