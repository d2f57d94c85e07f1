import type { ActionExecutor, ActionOutcome, LeadForAction } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import { Prisma, type ActionRun as ActionRunRow, type PrismaClient } from '@leadflow/db';
import { pickTemplateLanguage, templateBody, type WhatsAppClient } from '@leadflow/integration-whatsapp';
import { IntegrationError } from '@leadflow/integration-common';
import { leadContext } from './lead-context.js';

/**
 * `whatsapp.send_template`: an approved template in the lead's language, body parameters from
 * the lead (checked before sending); skipped for a person who opted out. The wamid is stored before the run is marked done, so a
 * retry of this run and generation finds it instead of sending again.
 */
export class WhatsAppSendTemplateExecutor implements ActionExecutor {
  readonly type = 'whatsapp.send_template' as const;

  constructor(
    private readonly whatsapp: WhatsAppClient,
    private readonly config: NonNullable<AppConfig['whatsapp']>,
  ) {}

  async execute(run: ActionRunRow, lead: LeadForAction, db: PrismaClient): Promise<ActionOutcome> {
    const sent = await db.whatsAppMessage.findFirst({ where: { actionRunId: run.id, generation: run.generation } });
    if (sent) return { externalId: sent.wamid, result: { template: sent.template, language: sent.language, alreadySent: true } };
    // Someone who asked us to stop is never messaged again, by any automation.
    const contact = await db.contact.findUnique({ where: { id: lead.contactId }, select: { whatsappOptedOutAt: true } });
    if (contact?.whatsappOptedOutAt) return { result: { skipped: 'the person opted out of WhatsApp messages', optedOutAt: contact.whatsappOptedOutAt.toISOString() } };
    const params = run.params as { template: string; language?: string };
    const { definition, params: bodyParams } = templateBody(this.config.templates, params.template, leadContext(lead));
    const language = params.language && definition.languages.includes(params.language) ? params.language : pickTemplateLanguage(definition, lead.language ?? undefined);
    // WhatsApp has no idempotency key: the send is marked first, so an attempt after a worker died
    // mid-send (marked, no message stored) stops for a person instead of maybe messaging twice.
    const marked = (run.result as { sending?: { generation: number } } | null)?.sending;
    if (marked?.generation === run.generation) {
      throw new IntegrationError('whatsapp', 'UNCERTAIN', 'the worker stopped while this message was being sent, so it may have reached the person: check the conversation, then retry the run if it did not');
    }
    await db.actionRun.update({ where: { id: run.id }, data: { result: { sending: { generation: run.generation, at: new Date().toISOString() } } } });
    let wamid: string;
    try {
      ({ wamid } = await this.whatsapp.sendTemplate({ to: lead.phone ?? '', template: params.template, language, bodyParams }));
    } catch (error) {
      // Refused or unreachable: nothing was sent, a retry may send.
      await db.actionRun.update({ where: { id: run.id }, data: { result: Prisma.DbNull } });
      throw error;
    }
    await db.whatsAppMessage.create({ data: { wamid, leadId: lead.id, actionRunId: run.id, generation: run.generation, to: lead.phone!, template: params.template, language } });
    return { externalId: wamid, result: { template: params.template, language, bodyParams } };
  }
}
