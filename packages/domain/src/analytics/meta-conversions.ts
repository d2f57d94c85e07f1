import type { LifecycleEventName } from '@leadflow/contracts';

/** The lifecycle steps that are CRM stages to Meta. */
export const META_CONVERSION_STEPS = ['received', 'contacted', 'qualified', 'won', 'lost'] as const;
export type MetaConversionStep = (typeof META_CONVERSION_STEPS)[number];

/** Meta takes a stage at most 7 days after it happened. */
export const META_CONVERSION_MAX_AGE_MS = 7 * 24 * 3600_000;

export interface MetaConversionSettings {
  /** Lifecycle step → the stage name Meta receives; a step left out is not sent. */
  eventNames: Partial<Record<MetaConversionStep, string>>;
  /** `custom_data.lead_event_source`: the CRM the stages come from. */
  leadEventSource: string;
}

/**
 * One CRM stage of a Lead Ads lead, as the Conversions API's Conversion Leads integration takes it.
 * `lead_id` is the leadgen id; it is kept here as its digits (a 16-digit id does not fit a JS
 * number) and goes over the wire as a JSON number.
 */
export interface MetaConversionEvent {
  event_name: string;
  /** Unix seconds. */
  event_time: number;
  action_source: 'system_generated';
  /** One per lead and stage: Meta drops a repeat (a request sent again after its answer was lost). */
  event_id: string;
  user_data: { lead_id: string };
  custom_data: { event_source: 'crm'; lead_event_source: string };
}

/**
 * The Conversions API event for a lifecycle step of a lead, or undefined: only leads from Meta's
 * lead forms have a leadgen id Meta can match, and only the configured steps are stages.
 */
export function metaConversionEventFor(
  step: LifecycleEventName,
  lead: { platform: string; platformLeadId: string },
  occurredAt: Date,
  settings: MetaConversionSettings,
): MetaConversionEvent | undefined {
  if (lead.platform !== 'meta' || !/^\d{1,20}$/.test(lead.platformLeadId)) return undefined;
  const eventName = settings.eventNames[step as MetaConversionStep];
  if (!eventName) return undefined;
  return {
    event_name: eventName,
    event_time: Math.floor(occurredAt.getTime() / 1000),
    action_source: 'system_generated',
    event_id: `${lead.platformLeadId}:${eventName}`,
    user_data: { lead_id: lead.platformLeadId },
    custom_data: { event_source: 'crm', lead_event_source: settings.leadEventSource },
  };
}
