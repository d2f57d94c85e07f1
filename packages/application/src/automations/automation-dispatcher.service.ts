import { Injectable } from '@nestjs/common';
import type { ActionType, AutomationAction, AutomationTrigger, Condition } from '@leadflow/contracts';
import { Prisma, PrismaClient, SqlPool, camelRow, sqlOf, type Automation as AutomationRow, type Lead as LeadRow, type SqlRunner } from '@leadflow/db';
import { evaluateConditions, DEFAULT_TIMEZONE } from '@leadflow/domain';
import { ACTION_LIMITS, actionJobName, outboxMessage, writeOutbox, type JobPayloads } from '@leadflow/queue';
import { Clock } from '../clock.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { ruleSubjectOf } from '../routing/routable-lead.js';

export const actionRunJobId = (runId: string, dispatch: number) => `action-run:${runId}:${dispatch}`;

function actionsOf(automation: AutomationRow): AutomationAction[] {
  return automation.actions as unknown as AutomationAction[];
}

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
 * Turns a fired trigger into action runs. A run is unique on (lead, automation, action key), so a
 * redelivered trigger — or the same trigger firing again — never creates a second one.
 */
@Injectable()
export class AutomationDispatcher {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: SqlPool,
    private readonly clock: Clock,
  ) {}

  /** Runs for every trigger of every lead: plain SQL, one transaction (runs and their jobs together). */
  async dispatch(fired: JobPayloads['run-automations']): Promise<number> {
    return this.sql.transaction(async (tx) => {
      const [row] = await tx.query<Record<string, unknown>>('SELECT l.*, b.timezone AS branch_timezone FROM lead l LEFT JOIN branch b ON b.id = l.branch_id WHERE l.id = $1::uuid', [fired.leadId]);
      if (!row) return 0;
      const lead = camelRow<LeadRow & { branchTimezone: string | null }>(row);
      const automations = (
        await tx.query<Record<string, unknown>>(`SELECT * FROM automation WHERE "trigger" = $1 AND enabled ORDER BY priority DESC, created_at ASC`, [fired.trigger])
      ).map((a) => camelRow<AutomationRow>(a));
      const now = this.clock.now();
      const subject = { lead: ruleSubjectOf(lead), now, timezone: lead.branchTimezone ?? DEFAULT_TIMEZONE };
      let count = 0;
      for (const automation of automations) {
        if (automation.fromStatus && automation.fromStatus !== fired.fromStatus) continue;
        if (automation.toStatus && automation.toStatus !== fired.toStatus) continue;
        if (!evaluateConditions(automation.conditions as unknown as Condition[], subject).ok) continue;
        // A change Odoo made is not written back to Odoo; the other follow-ups run as usual.
        const actions = actionsOf(automation).filter((a) => !(fired.origin === 'odoo' && a.type.startsWith('odoo.')));
        if (actions.length > 0) count += (await this.createRuns(tx, lead.id, automation, actions, now)).length;
      }
      return count;
    });
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
  private async createRuns(db: SqlRunner, leadId: string, automation: AutomationRow, actions: AutomationAction[], now: Date): Promise<{ id: string; actionType: string; dispatch: number; scheduledAt: Date }[]> {
    const created = await db.query<{ id: string; action_type: string; dispatch: number; scheduled_at: Date }>(
      `INSERT INTO action_run (lead_id, automation_id, action_key, action_type, params, max_attempts, scheduled_at)
       SELECT $1::uuid, $2::uuid, key, type, params::jsonb, max_attempts, scheduled_at::timestamptz
       FROM unnest($3::text[], $4::text[], $5::text[], $6::int[], $7::text[]) AS a(key, type, params, max_attempts, scheduled_at)
       ON CONFLICT (lead_id, automation_id, action_key) DO NOTHING
       RETURNING id, action_type, dispatch, scheduled_at`,
      [
        leadId,
        automation.id,
        actions.map((a) => a.key),
        actions.map((a) => a.type),
        actions.map((a) => JSON.stringify(a.params ?? {})),
        actions.map((a) => ACTION_LIMITS[a.type].attempts),
        actions.map((a) => new Date(now.getTime() + (a.delaySeconds ?? 0) * 1000).toISOString()),
      ],
    );
    const runs = created.map((run) => ({ id: run.id, actionType: run.action_type, dispatch: run.dispatch, scheduledAt: run.scheduled_at }));
    await queueRuns(db, runs);
    return runs;
  }
}
