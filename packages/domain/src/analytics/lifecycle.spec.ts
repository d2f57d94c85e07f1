import { describe, expect, it } from '@jest/globals';
import { LEAD_EVENT_TYPES, LIFECYCLE_EVENTS, LIFECYCLE_EVENT_NAMES } from '@leadflow/contracts';
import { ga4ClientId, ga4EventFor, lifecycleNameOf } from './lifecycle.js';

const lead = { leadId: 'l-1', platform: 'meta', campaignName: 'Riyadh villas – spring', wasQualified: false };
const settings = { currency: 'SAR', values: { qualify_lead: 50, close_convert_lead: 1000 } };

describe('the lifecycle catalogue', () => {
  it('names each event once and maps it to a real timeline step', () => {
    expect(LIFECYCLE_EVENTS.map((e) => e.name)).toEqual([...LIFECYCLE_EVENT_NAMES]);
    for (const spec of LIFECYCLE_EVENTS) expect(LEAD_EVENT_TYPES).toContain(spec.timelineType);
  });

  it('names status changes by the status they reach', () => {
    expect(lifecycleNameOf('status_changed', { from: 'contacted', to: 'qualified' })).toBe('qualified');
    expect(lifecycleNameOf('status_changed', { from: 'proposal', to: 'won' })).toBe('won');
    expect(lifecycleNameOf('status_changed', { from: 'new', to: 'lost', reason: 'x' })).toBe('lost');
    expect(lifecycleNameOf('status_changed', { from: 'new', to: 'contacted' })).toBe('status_changed');
    expect(lifecycleNameOf('received', {})).toBe('received');
    expect(lifecycleNameOf('note', { body: 'x' })).toBeUndefined();
  });
});

describe('GA4 events', () => {
  it('maps the funnel to the recommended lead events with value and currency where known', () => {
    expect(ga4EventFor('received', {}, lead, settings)).toEqual({ name: 'generate_lead', params: { crm_lead_id: 'l-1', lead_source: 'meta', lead_campaign: 'Riyadh villas – spring' } });
    expect(ga4EventFor('contacted', {}, lead, settings)?.params).toMatchObject({ lead_status: 'contacted' });
    expect(ga4EventFor('qualified', {}, lead, settings)?.params).toMatchObject({ value: 50, currency: 'SAR' });
    expect(ga4EventFor('won', {}, lead, settings)).toMatchObject({ name: 'close_convert_lead', params: { value: 1000, currency: 'SAR' } });
    expect(ga4EventFor('assigned', {}, lead, settings)).toBeUndefined();
  });

  it('tells a disqualified lead from a lost deal', () => {
    expect(ga4EventFor('lost', { reason: 'Wrong number' }, lead, settings)).toMatchObject({ name: 'disqualify_lead', params: { disqualified_lead_reason: 'Wrong number' } });
    expect(ga4EventFor('lost', { reason: 'Bought elsewhere' }, { ...lead, wasQualified: true }, settings)).toMatchObject({ name: 'close_unconvert_lead', params: { unconvert_lead_reason: 'Bought elsewhere' } });
  });

  it('derives a stable GA client id per person', () => {
    const id = ga4ClientId('0b3c2f9e-5d1a-4c7e-9f00-123456789abc');
    expect(id).toMatch(/^\d{1,10}\.\d{10}$/);
    expect(ga4ClientId('0b3c2f9e-5d1a-4c7e-9f00-123456789abc')).toBe(id);
    expect(ga4ClientId('1b3c2f9e-5d1a-4c7e-9f00-123456789abc')).not.toBe(id);
  });
});
