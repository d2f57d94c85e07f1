import type { LeadDraft } from '@leadflow/contracts';
import type { PlatformLeadAdapter, StoredNotification } from '@leadflow/integration-common';
import type { MetaGraphClient, MetaLeadForm } from './meta-graph.client.js';
import { mapMetaLead } from './meta-lead.mapper.js';
import type { MetaLeadNotification } from './meta-webhook.js';

const FORM_CACHE_TTL_MS = 10 * 60_000;

/** Meta's webhook carries ids only: fetch the lead (and its form, cached) from the Graph API. */
export class MetaLeadAdapter implements PlatformLeadAdapter {
  readonly platform = 'meta' as const;
  private readonly forms = new Map<string, { form: MetaLeadForm | undefined; expiresAt: number }>();

  constructor(private readonly graph: MetaGraphClient) {}

  async toDraft(notification: StoredNotification): Promise<LeadDraft> {
    const ids = notification.payload as MetaLeadNotification;
    const lead = await this.graph.getLead(ids.leadgenId);
    const formId = lead.form_id ?? ids.formId;
    const form = formId ? await this.formFor(formId) : undefined;
    return mapMetaLead(lead, ids, form);
  }

  // The form only adds its name and question labels; a lead is never held back for it.
  private async formFor(formId: string): Promise<MetaLeadForm | undefined> {
    const cached = this.forms.get(formId);
    if (cached && cached.expiresAt > Date.now()) return cached.form;
    const form = await this.graph.getForm(formId).catch(() => undefined);
    this.forms.set(formId, { form, expiresAt: Date.now() + (form ? FORM_CACHE_TTL_MS : FORM_CACHE_TTL_MS / 10) });
    return form;
  }
}
