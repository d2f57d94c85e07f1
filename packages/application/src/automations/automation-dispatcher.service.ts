import { Injectable } from '@nestjs/common';
import type { ActionType, AutomationAction, AutomationTrigger, Condition } from '@leadflow/contracts';
import { Prisma, PrismaClient, type Automation as AutomationRow } from '@leadflow/db';
import { evaluateConditions, DEFAULT_TIMEZONE } from '@leadflow/domain';
import { ACTION_LIMITS, actionJobName, outboxMessage, type JobPayloads } from '@leadflow/queue';
import { Clock } from '../clock.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Tx } from '../prisma-tx.js';
import { ruleSubjectOf } from '../routing/routable-lead.js';

export const actionRunJobId = (runId: string, dispatch: number) => `action-run:${runId}:${dispatch}`;

function actionsOf(automation: AutomationRow): AutomationAction[] {
  return automation.actions as unknown as AutomationAction[];
}

/**
 * Queues runs (new, retried, re-sent or requeued after a lost worker): each job carries its dispatch
 * number, so an older job finds nothing to do. Without `scheduledAt` a run is due now.
 */
export async function queueRuns(tx: Tx, runs: { id: string; actionType: string; dispatch: number; scheduledAt?: Date }[]): Promise<void> {
  if (runs.length === 0) return;
  await tx.outboxMessage.createMany({
    data: runs.map((run) => outboxMessage(actionJobName(run.actionType as ActionType), { actionRunId: run.id, dispatch: run.dispatch }, actionRunJobId(run.id, run.dispatch), run.scheduledAt)),
  });
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
    private readonly clock: Clock,
  ) {}

  async dispatch(fired: JobPayloads['run-automations']): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const lead = await tx.lead.findUnique({ where: { id: fired.leadId }, include: { branch: true } });
      if (!lead) return 0;
      const automations = await tx.automation.findMany({ where: { trigger: fired.trigger, enabled: true }, orderBy: [{ priority: 'desc' }, { createdAt: 'asc' }] });
      const now = this.clock.now();
      const subject = { lead: ruleSubjectOf(lead), now, timezone: lead.branch?.timezone ?? DEFAULT_TIMEZONE };
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
      const created = new Set((await this.createRuns(tx, leadId, automation, actions, now)).map((run) => run.id));
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
          await queueRuns(tx, [again]);
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
      await queueRuns(tx, [again]);
    });
  }

  /** Inserts the runs that do not exist yet and queues those; returns the new ones. */
  private async createRuns(tx: Tx, leadId: string, automation: AutomationRow, actions: AutomationAction[], now: Date) {
    const rows: Prisma.ActionRunCreateManyInput[] = actions.map((action) => ({
      leadId,
      automationId: automation.id,
      actionKey: action.key,
      actionType: action.type,
      params: action.params as Prisma.InputJsonValue,
      maxAttempts: ACTION_LIMITS[action.type].attempts,
      scheduledAt: new Date(now.getTime() + (action.delaySeconds ?? 0) * 1000),
    }));
    const created = await tx.actionRun.createManyAndReturn({ data: rows, skipDuplicates: true });
    await queueRuns(tx, created);
    return created;
  }
}
