import type { LeadForAction } from '@leadflow/application';

const PLATFORM_LABEL: Record<string, string> = { meta: 'Facebook', tiktok: 'TikTok', snapchat: 'Snapchat', whatsapp: 'WhatsApp' };

/** How a lead's platform is named in outside systems (Odoo UTM source, tags): Instagram is its own. */
export function platformLabel(lead: LeadForAction): string {
  return lead.channel === 'instagram' ? 'Instagram' : PLATFORM_LABEL[lead.platform] ?? lead.platform;
}

/**
 * What templates, WhatsApp parameters and sheet columns read: `lead.*` (the stored lead, dates as
 * ISO text), `assignee.*`, `team.*`, `branch.*`. Only these fields, so no template reaches secrets.
 */
export function leadContext(lead: LeadForAction): Record<string, Record<string, unknown>> {
  return {
    lead: {
      id: lead.id,
      platform: lead.platform,
      platformLabel: platformLabel(lead),
      status: lead.status,
      fullName: lead.fullName,
      firstName: lead.firstName ?? lead.fullName,
      lastName: lead.lastName,
      phone: lead.phone,
      email: lead.email,
      city: lead.city,
      country: lead.country,
      language: lead.language,
      campaignName: lead.campaignName ?? lead.formName ?? platformLabel(lead),
      formName: lead.formName,
      adName: lead.adName,
      receivedAt: lead.receivedAt.toISOString(),
      slaDueAt: lead.slaDueAt?.toISOString(),
    },
    assignee: { name: lead.assignee?.name, email: lead.assignee?.email, phone: lead.assignee?.phone },
    team: { name: lead.team?.name },
    branch: { name: lead.branch?.name, city: lead.branch?.city },
  };
}
