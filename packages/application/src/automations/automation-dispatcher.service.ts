import { Injectable } from '@nestjs/common';
import type { ActionType, AutomationAction } from '@leadflow/contracts';
import { Prisma, PrismaClient, SqlPool, Statement, sqlOf, type Automation as AutomationRow, type SqlRunner } from '@leadflow/db';
import { actionJobName, outboxMessage, writeOutbox, type JobPayloads } from '@leadflow/queue';
import { Clock } from '../clock.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { actionRunJobId, actionsOf, addRuns, fireTrigger, runsOf } from './trigger.js';

/**
 * Queues runs (new, retried, re-sent or requeued after a lost worker): each job carries its dispatch
 * number, so an older job finds nothing to do. Without `scheduledAt` a run is due now.
 */
export async function queueRuns(db: SqlRunner, runs: { id: string; actionType: string; dispatch: number; scheduledAt?: Date }[]): Promise<void> {
  await writeOutbox(
    db,
    runs.map((run) => outboxMessage(actionJobName(run.actionType as ActionType), { actionRunId: run.id, dispatch: run.dispatch }, actionRunJobId(run.id, run.dispatch), run.scheduledAt)),
  );
}

export interface ManualRunResult {
  actionKey: string;
  actionRunId: string;
  /** false when the run already existed and was left alone (no force). */
  queued: boolean;
}

/**
 * Dispatches triggers queued as jobs by an older version, and runs automations on ops'
 * request. Triggers fired by a change dispatch in that change's own transaction (`fireTriggers`).
 */
@Injectable()
export class AutomationDispatcher {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: SqlPool,
    private readonly clock: Clock,
  ) {}

  /** A `run-automations` job: the runs of every automation listening to the trigger, idempotent per run. */
  async dispatch(fired: JobPayloads['run-automations']): Promise<number> {
    return this.sql.transaction((tx) => fireTrigger(tx, fired, this.clock.now()));
  }

  /**
   * Ops runs an automation (or one of its actions) for a lead by hand, whatever its trigger and
   * conditions. Existing runs are left alone unless `force`, which queues them again as a new
   * dispatch (a deliberate re-send).
   */
  async runManually(leadId: string, automationId: string, options: { actionKey?: string; force?: boolean }): Promise<ManualRunResult[]> {
    return this.prisma.$transaction(async (tx) => {
      const lead = await tx.lead.findUnique({ where: { id: leadId }, select: { id: true } });
      if (!lead) throw new NotFoundError(`lead ${leadId} does not exist`);
      const automation = await tx.automation.findUnique({ where: { id: automationId } });
      if (!automation) throw new NotFoundError(`automation ${automationId} does not exist`);
      const actions = actionsOf(automation).filter((a) => !options.actionKey || a.key === options.actionKey);
      if (actions.length === 0) throw new NotFoundError(`automation ${automation.name} has no action "${options.actionKey}"`);
      const now = this.clock.now();
      const created = new Set((await this.createRuns(sqlOf(tx), leadId, automation, actions, now)).map((run) => run.id));
      const runs = await tx.actionRun.findMany({ where: { leadId, automationId, actionKey: { in: actions.map((a) => a.key) } } });
      const out: ManualRunResult[] = [];
      for (const run of runs) {
        const fresh = created.has(run.id);
        if (options.force && !fresh) {
          if (run.status === 'running') throw new ConflictError(`action ${run.actionKey} is running now; force it again once it has finished`);
          const again = await tx.actionRun.update({
            where: { id: run.id },
            data: { status: 'pending', attempts: 0, lastError: null, externalId: null, dispatch: { increment: 1 }, generation: { increment: 1 }, scheduledAt: now, startedAt: null, finishedAt: null, leaseUntil: null },
          });
          await queueRuns(sqlOf(tx), [again]);
          out.push({ actionKey: run.actionKey, actionRunId: run.id, queued: true });
        } else {
          out.push({ actionKey: run.actionKey, actionRunId: run.id, queued: fresh });
        }
      }
      return out;
    });
  }

  /** Queues a failed or dead run again from its first attempt (the replay button). */
  async retry(runId: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const run = await tx.actionRun.findUnique({ where: { id: runId } });
      if (!run) throw new NotFoundError(`action run ${runId} does not exist`);
      if (run.status !== 'dead' && run.status !== 'failed') throw new ConflictError(`action run is ${run.status}; only failed or dead runs can be retried`);
      const again = await tx.actionRun.update({
        where: { id: runId },
        // A person decided: an uncertain send (marked in result) is to be done again.
        data: { status: 'pending', attempts: 0, dispatch: { increment: 1 }, scheduledAt: this.clock.now(), leaseUntil: null, finishedAt: null, result: Prisma.DbNull },
      });
      await queueRuns(sqlOf(tx), [again]);
    });
  }

  /** Inserts the runs that do not exist yet and queues those; returns the new ones. */
  private async createRuns(db: SqlRunner, leadId: string, automation: AutomationRow, actions: AutomationAction[], now: Date): Promise<{ id: string }[]> {
    return addRuns(new Statement(), leadId, runsOf(automation.id, actions, now)).run<{ id: string }>(db, 'SELECT id FROM new_runs');
  }
}
