import { LIFECYCLE_EVENTS, type Ga4LeadEvent, type LifecycleEventName } from '@leadflow/contracts';

const BY_TYPE = new Map(LIFECYCLE_EVENTS.filter((e) => !e.toStatus).map((e) => [e.timelineType as string, e.name]));

/** The lifecycle name of a timeline step (`status_changed` to qualified is `qualified`…); undefined for notes and tags. */
export function lifecycleNameOf(type: string, payload: Record<string, unknown>): LifecycleEventName | undefined {
  if (type === 'status_changed' && (payload.to === 'qualified' || payload.to === 'won' || payload.to === 'lost')) return payload.to;
  return BY_TYPE.get(type);
}

export interface Ga4Settings {
  /** ISO 4217, sent with every value. */
  currency: string;
  /** The value of each event, when marketing gave one. */
  values: Partial<Record<Ga4LeadEvent, number>>;
}

/** What the GA4 event needs to know of the lead besides the timeline step. */
export interface Ga4LeadContext {
  leadId: string;
  platform: string;
  campaignName?: string | null;
  /** Whether it reached qualified before being lost (close_unconvert_lead rather than disqualify_lead). */
  wasQualified: boolean;
}

export interface Ga4Event {
  name: Ga4LeadEvent;
  params: Record<string, string | number>;
}

/**
 * The GA4 recommended lead event for a lifecycle step, or undefined when it has none. Parameters
 * follow Google's lead-generation events; `currency` goes with every `value`.
 */
export function ga4EventFor(name: LifecycleEventName, payload: Record<string, unknown>, lead: Ga4LeadContext, settings: Ga4Settings): Ga4Event | undefined {
  const base = { crm_lead_id: lead.leadId, lead_source: lead.platform, ...(lead.campaignName ? { lead_campaign: lead.campaignName.slice(0, 100) } : {}) };
  const reason = typeof payload.reason === 'string' ? payload.reason.slice(0, 100) : 'unspecified';
  const event: Ga4Event | undefined =
    name === 'received' ? { name: 'generate_lead', params: base }
    : name === 'contacted' ? { name: 'working_lead', params: { ...base, lead_status: 'contacted' } }
    : name === 'qualified' ? { name: 'qualify_lead', params: base }
    : name === 'won' ? { name: 'close_convert_lead', params: base }
    : name === 'lost' && lead.wasQualified ? { name: 'close_unconvert_lead', params: { ...base, unconvert_lead_reason: reason } }
    : name === 'lost' ? { name: 'disqualify_lead', params: { ...base, disqualified_lead_reason: reason } }
    : undefined;
  const value = event && settings.values[event.name];
  if (event && value !== undefined) Object.assign(event.params, { value, currency: settings.currency });
  return event;
}

/**
 * A stable client id for a lead's person when there is no browser cookie to reuse (lead forms
 * run inside the ad platform): GA4's `<random>.<seconds>` shape, derived from the contact id so
 * every event of the same person joins one user.
 */
export function ga4ClientId(contactId: string): string {
  const hex = contactId.replace(/-/g, '');
  const first = parseInt(hex.slice(0, 8), 16) % 2_000_000_000;
  const second = 1_600_000_000 + (parseInt(hex.slice(8, 16), 16) % 100_000_000);
  return `${first}.${second}`;
}
