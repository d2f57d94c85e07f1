import type { ActionExecutor, ActionOutcome, LeadForAction } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import { throughOutage, type ActionRun as ActionRunRow, type SqlPool } from '@leadflow/db';
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

  async execute(run: ActionRunRow, lead: LeadForAction, db: SqlPool): Promise<ActionOutcome> {
    const params = run.params as { template: string; language?: string };
    // The message is built first (no I/O), so one statement can both read and mark; a template
    // that does not fit the lead still answers only after "already sent" and "opted out".
    let message: { language: string; bodyParams: string[] } | undefined;
    let invalid: unknown;
    try {
      const { definition, params: bodyParams } = templateBody(this.config.templates, params.template, leadContext(lead));
      message = { language: params.language && definition.languages.includes(params.language) ? params.language : pickTemplateLanguage(definition, lead.language ?? undefined), bodyParams };
    } catch (error) {
      invalid = error;
    }
    // WhatsApp has no idempotency key: the send is marked first, so an attempt after a worker died
    // mid-send (marked, no message stored) stops for a person instead of maybe messaging twice.
    // One statement: what this run and generation already sent, whether the person opted out,
    // whether an earlier attempt marked a send — and, when none of these and the message is valid, the mark.
    // The mark names its attempt, and the statement goes through a short outage: a mark committed
    // whose answer was lost is this attempt's own on the retry, not an earlier attempt's (nothing was sent).
    const [found] = await throughOutage(() => db.query<{ wamid: string | null; template: string | null; language: string | null; opted_out_at: Date | null; marked_before: boolean }>(
      `WITH sent AS (SELECT wamid, template, language FROM whatsapp_message WHERE action_run_id = $1::uuid AND generation = $2 LIMIT 1),
            person AS (SELECT whatsapp_opted_out_at FROM contact WHERE id = $3::uuid),
            attempt AS (
              SELECT (result->'sending'->>'generation')::int IS NOT DISTINCT FROM $2 AND (result->'sending'->>'attempt')::int IS DISTINCT FROM $6 AS marked
              FROM action_run WHERE id = $1::uuid),
            mark AS (
              UPDATE action_run SET result = $4::jsonb, updated_at = now()
              WHERE id = $1::uuid AND $5 AND NOT EXISTS (SELECT FROM sent) AND NOT EXISTS (SELECT FROM person WHERE whatsapp_opted_out_at IS NOT NULL)
                AND NOT (SELECT marked FROM attempt)
              RETURNING id)
       SELECT s.wamid, s.template, s.language, (SELECT whatsapp_opted_out_at FROM person) AS opted_out_at, (SELECT marked FROM attempt) AS marked_before
       FROM (SELECT 1) one LEFT JOIN sent s ON true`,
      [run.id, run.generation, lead.contactId, JSON.stringify({ sending: { generation: run.generation, attempt: run.attempts, at: new Date().toISOString() } }), message !== undefined, run.attempts],
    ));
    const { wamid: sentWamid, template: sentTemplate, language: sentLanguage, opted_out_at: optedOutAt, marked_before: markedBefore } = found!;
    if (sentWamid) return { externalId: sentWamid, result: { template: sentTemplate, language: sentLanguage, alreadySent: true } };
    // Someone who asked us to stop is never messaged again, by any automation.
    if (optedOutAt) return { result: { skipped: 'the person opted out of WhatsApp messages', optedOutAt: optedOutAt.toISOString() } };
    if (!message) throw invalid;
    if (markedBefore) {
      throw new IntegrationError('whatsapp', 'UNCERTAIN', 'the worker stopped while this message was being sent, so it may have reached the person: check the conversation, then retry the run if it did not');
    }
    const { language, bodyParams } = message;
    let wamid: string;
    try {
      ({ wamid } = await this.whatsapp.sendTemplate({ to: lead.phone ?? '', template: params.template, language, bodyParams }));
    } catch (error) {
      // Refused or unreachable: nothing was sent, a retry may send. What we know after a send is
      // recorded through a short database outage: given up, the next attempt would only find the
      // mark and stop the run as uncertain, though we knew.
      await throughOutage(() => db.query('UPDATE action_run SET result = NULL, updated_at = now() WHERE id = $1::uuid', [run.id]));
      throw error;
    }
    await throughOutage(() =>
      db.query('INSERT INTO whatsapp_message (wamid, lead_id, action_run_id, generation, "to", template, language) VALUES ($1, $2::uuid, $3::uuid, $4, $5, $6, $7)', [
        wamid,
        lead.id,
        run.id,
        run.generation,
        lead.phone!,
        params.template,
        language,
      ]),
    );
    return { externalId: wamid, result: { template: params.template, language, bodyParams } };
  }
}
