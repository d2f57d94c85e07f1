import { Injectable } from '@nestjs/common';
import { NOTIFICATION_CATEGORIES, type NotificationCategory } from '@leadflow/contracts';
import type { ActionRun as ActionRunRow, SqlPool } from '@leadflow/db';
import { renderTemplate } from '@leadflow/domain';
import { IntegrationError } from '@leadflow/integration-common';
import type { ActionExecutor, ActionOutcome, LeadForAction } from '../automations/action-executor.js';
import { notify } from './notifier.js';

export interface NotifyUserParams {
  /** `assignee`, `manager` (of the lead's team), or an employee id. */
  to: string;
  /** Templates: `{{lead.fullName}}`, `{{lead.phone}}`, `{{lead.campaignName}}`, `{{assignee.name}}`, `{{team.name}}`… */
  title: string;
  body?: string;
  category?: NotificationCategory;
}

/** `notify.user`: an in-app notification; one per run and generation however often it is retried. */
@Injectable()
export class NotifyUserExecutor implements ActionExecutor {
  readonly type = 'notify.user' as const;

  async execute(run: ActionRunRow, lead: LeadForAction, db: SqlPool): Promise<ActionOutcome> {
    const params = run.params as unknown as NotifyUserParams;
    const recipient = params.to === 'assignee' ? lead.assigneeId : params.to === 'manager' ? lead.team?.managerId : params.to;
    if (!recipient) throw new IntegrationError('notify.user', 'INVALID', `lead has no ${params.to === 'manager' ? 'team manager' : 'assignee'} to notify`);
    // The assignee came with the claimed run (joined in the same statement); anyone else is looked up.
    const known = lead.assignee?.id === recipient;
    if (!known && (await db.query('SELECT FROM employee WHERE id = $1::uuid', [recipient])).length === 0) {
      throw new IntegrationError('notify.user', 'NOT_FOUND', `employee ${recipient} does not exist`);
    }
    const { assignee, team, ...leadFields } = lead;
    const context = { lead: leadFields, assignee: assignee ?? {}, team: team ?? {} };
    const category = params.category && (NOTIFICATION_CATEGORIES as readonly string[]).includes(params.category) ? params.category : 'automation';
    const { id, created } = await notify(db, {
      employeeId: recipient,
      category,
      title: renderTemplate(params.title, context),
      body: renderTemplate(params.body ?? '', context),
      leadId: lead.id,
      actionRunId: run.id,
      dedupeKey: `action-run:${run.id}:${run.generation}`,
    });
    return { externalId: id, result: { recipient, created } };
  }
}
