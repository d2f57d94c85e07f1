import type { ActionType, AutomationAction, AutomationTrigger, Condition } from '@leadflow/contracts';
import { camelRow, Statement, type Automation as AutomationRow, type Lead as LeadRow } from '@leadflow/db';
import { evaluateConditions, DEFAULT_TIMEZONE, type RuleSubject } from '@leadflow/domain';
import { ACTION_LIMITS, actionJobName, JOB_QUEUE } from '@leadflow/queue';
import { runnerOf, type AnyDb } from '../prisma-tx.js';
import { ruleSubjectOf } from '../routing/routable-lead.js';

/** An action run's job id: a run queued again (retry, re-send) gets a new dispatch number, so a new job. */
export const actionRunJobId = (runId: string, dispatch: number) => `action-run:${runId}:${dispatch}`;

export interface FiredTrigger {
  leadId: string;
  trigger: AutomationTrigger;
  fromStatus?: string;
  toStatus?: string;
  /** The change came from Odoo: actions that would write it back there are left out (no echo). */
  origin?: 'odoo';
}

/** What an automation's conditions read: the lead as rules see it, in its branch's timezone. */
export interface TriggerSubject {
  lead: RuleSubject['lead'];
  timezone: string;
}

/** One action run to create. */
export interface PlannedRun {
  automationId: string;
  key: string;
  type: ActionType;
  params: Record<string, unknown>;
  scheduledAt: Date;
}

export function actionsOf(automation: AutomationRow): AutomationAction[] {
  return automation.actions as unknown as AutomationAction[];
}

/** The runs the enabled automations listening to these triggers ask for (pure: conditions, statuses, no Odoo echo). */
export function planRuns(automations: AutomationRow[], fired: FiredTrigger[], subject: TriggerSubject, now: Date): PlannedRun[] {
  const planned: PlannedRun[] = [];
  for (const trigger of fired) {
    for (const automation of automations) {
      if (!automation.enabled || automation.trigger !== trigger.trigger) continue;
      if (automation.fromStatus && automation.fromStatus !== trigger.fromStatus) continue;
      if (automation.toStatus && automation.toStatus !== trigger.toStatus) continue;
      if (!evaluateConditions(automation.conditions as unknown as Condition[], { lead: subject.lead, now, timezone: subject.timezone }).ok) continue;
      // A change Odoo made is not written back to Odoo; the other follow-ups run as usual.
      const actions = actionsOf(automation).filter((a) => !(trigger.origin === 'odoo' && a.type.startsWith('odoo.')));
      planned.push(...runsOf(automation.id, actions, now));
    }
  }
  return planned;
}

/** The runs of these actions of one automation, each due after its delay. */
export function runsOf(automationId: string, actions: AutomationAction[], now: Date): PlannedRun[] {
  return actions.map((action) => ({ automationId, key: action.key, type: action.type, params: action.params ?? {}, scheduledAt: new Date(now.getTime() + (action.delaySeconds ?? 0) * 1000) }));
}

/**
 * Adds to `s` the runs that do not exist yet — a run is unique on (lead, automation, action key), so
 * a trigger firing again never makes a second — and an outbox row queuing each new one, with the
 * job id `actionRunJobId` gives (`action-run:<run>:<dispatch>`). The new runs are in the CTE `new_runs`.
 */
export function addRuns(s: Statement, leadId: string, planned: PlannedRun[]): Statement {
  return s
    .with(
      'planned',
      `SELECT * FROM unnest(${s.param(planned.map((p) => p.automationId))}::uuid[], ${s.param(planned.map((p) => p.key))}::text[], ${s.param(planned.map((p) => p.type))}::text[],
                            ${s.param(planned.map((p) => JSON.stringify(p.params)))}::text[], ${s.param(planned.map((p) => ACTION_LIMITS[p.type].attempts))}::int[],
                            ${s.param(planned.map((p) => p.scheduledAt.toISOString()))}::text[], ${s.param(planned.map((p) => JOB_QUEUE[actionJobName(p.type)]))}::text[],
                            ${s.param(planned.map((p) => actionJobName(p.type)))}::text[])
         AS p(automation_id, key, type, params, max_attempts, scheduled_at, queue, job_name)`,
    )
    .with(
      'new_runs',
      `INSERT INTO action_run (lead_id, automation_id, action_key, action_type, params, max_attempts, scheduled_at)
       SELECT ${s.param(leadId)}::uuid, automation_id, key, type, params::jsonb, max_attempts, scheduled_at::timestamptz FROM planned
       ON CONFLICT (lead_id, automation_id, action_key) DO NOTHING
       RETURNING id, automation_id, action_key, action_type, dispatch, scheduled_at`,
    )
    .with(
      'new_run_jobs',
      `INSERT INTO outbox_message (queue, job_name, job_id, payload, run_at)
       SELECT p.queue, p.job_name, 'action-run:' || r.id || ':' || r.dispatch, jsonb_build_object('actionRunId', r.id, 'dispatch', r.dispatch), r.scheduled_at
       FROM new_runs r JOIN planned p ON p.automation_id = r.automation_id AND p.key = r.action_key`,
    );
}

const SUBJECT_COLUMNS = `l.platform::text AS platform, l.status::text AS status, l.campaign_id, l.campaign_name, l.adset_id, l.adset_name, l.ad_id, l.ad_name,
  l.form_id, l.form_name, l.city, l.region, l.country, l.language, l.answers, b.timezone AS branch_timezone`;

/**
 * The automations listening to these triggers (all of one lead) get their runs in the caller's
 * transaction — they run if and only if the change that fired them commits — and the runs' jobs go
 * out through the outbox of that same transaction. Callers that already hold the lead and the
 * automations (routing) pass them; others have them read here. Returns the runs created.
 */
export async function fireTriggers(db: AnyDb, fired: FiredTrigger[], now: Date, known: { subject?: TriggerSubject; automations?: AutomationRow[] } = {}): Promise<number> {
  if (fired.length === 0) return 0;
  const runner = runnerOf(db);
  const leadId = fired[0]!.leadId;
  let subject = known.subject;
  if (!subject) {
    const [row] = await runner.query<Record<string, unknown>>(`SELECT ${SUBJECT_COLUMNS} FROM lead l LEFT JOIN branch b ON b.id = l.branch_id WHERE l.id = $1::uuid`, [leadId]);
    if (!row) return 0;
    const lead = camelRow<LeadRow & { branchTimezone: string | null }>(row);
    subject = { lead: ruleSubjectOf(lead), timezone: lead.branchTimezone ?? DEFAULT_TIMEZONE };
  }
  const automations =
    known.automations ??
    (await runner.query<Record<string, unknown>>(`SELECT * FROM automation WHERE "trigger" = ANY($1::text[]) AND enabled ORDER BY priority DESC, created_at ASC`, [fired.map((f) => f.trigger)])).map((a) =>
      camelRow<AutomationRow>(a),
    );
  const planned = planRuns(automations, fired, subject, now);
  if (planned.length === 0) return 0;
  return (await addRuns(new Statement(), leadId, planned).run(runner, 'SELECT id FROM new_runs')).length;
}

export function fireTrigger(db: AnyDb, fired: FiredTrigger, now: Date): Promise<number> {
  return fireTriggers(db, [fired], now);
}
