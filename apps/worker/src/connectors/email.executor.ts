import type { ActionExecutor, ActionOutcome, LeadForAction } from '@leadflow/application';
import type { ActionRun as ActionRunRow } from '@leadflow/db';
import { IntegrationError } from '@leadflow/integration-common';
import { EMAIL_TEMPLATES, renderEmail, type Mailer } from '@leadflow/integration-email';
import { leadContext } from './lead-context.js';

/** `email.send`: a built-in template (default `welcome`) to the lead, in Arabic or English by the lead's language. */
export class EmailSendExecutor implements ActionExecutor {
  readonly type = 'email.send' as const;

  constructor(private readonly mailer: Mailer) {}

  async execute(run: ActionRunRow, lead: LeadForAction): Promise<ActionOutcome> {
    const params = run.params as { template?: string; to?: string };
    const to = params.to && params.to !== 'lead' ? params.to : lead.email;
    if (!to) throw new IntegrationError('email', 'INVALID', 'the lead has no email address');
    const email = renderEmail(EMAIL_TEMPLATES, params.template ?? 'welcome', lead.language ?? undefined, leadContext(lead));
    // Our Message-ID names the run and generation: the same email, if it ever goes out twice, is recognisable as one.
    const { messageId } = await this.mailer.send({ to, ...email, messageId: `<run-${run.id}-g${run.generation}@leadflow.local>` });
    return { externalId: messageId, result: { to, language: email.language, subject: email.subject } };
  }
}
