import { describe, expect, it } from '@jest/globals';
import { metaConversionEventFor } from './meta-conversions.js';

const settings = { eventNames: { received: 'Lead', qualified: 'Qualified', won: 'Converted' }, leadEventSource: 'LeadFlow' };
const metaLead = { platform: 'meta', platformLeadId: '9123456789012345' };
const at = new Date('2026-12-05T10:00:00.750Z');

describe('metaConversionEventFor', () => {
  it('names the stage, keyed by the leadgen id, with the fields the Conversion Leads integration requires', () => {
    expect(metaConversionEventFor('qualified', metaLead, at, settings)).toEqual({
      event_name: 'Qualified',
      event_time: 1796464800, // whole seconds
      action_source: 'system_generated',
      event_id: '9123456789012345:Qualified',
      user_data: { lead_id: '9123456789012345' },
      custom_data: { event_source: 'crm', lead_event_source: 'LeadFlow' },
    });
  });

  it('sends only configured stages of leads from Meta lead forms', () => {
    expect(metaConversionEventFor('contacted', metaLead, at, settings)).toBeUndefined(); // not configured
    expect(metaConversionEventFor('routed', metaLead, at, settings)).toBeUndefined(); // not a stage
    expect(metaConversionEventFor('received', { platform: 'snapchat', platformLeadId: '9123456789012345' }, at, settings)).toBeUndefined();
    expect(metaConversionEventFor('received', { platform: 'meta', platformLeadId: 'wa-966501234567' }, at, settings)).toBeUndefined();
    expect(metaConversionEventFor('received', metaLead, at, settings)?.event_name).toBe('Lead');
  });
});
