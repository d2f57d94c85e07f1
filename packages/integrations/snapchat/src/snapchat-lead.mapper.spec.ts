import { describe, expect, it } from '@jest/globals';
import { InvalidPayloadError } from '@leadflow/integration-common';
import { mapSnapchatLead } from './snapchat-lead.mapper.js';
import { parseSnapchatDelivery, snapchatFormId } from './snapchat-webhook.js';

describe('Snapchat lead payload', () => {
  const payload = {
    lead_id: 'l-1',
    create_time: '1717000000000',
    form_id: 'f-1',
    form_name: 'Offer',
    ad_account_id: 'acc-1',
    campaign_id: 'c-1',
    campaign_name: 'Campaign',
    ad_squad_id: 's-1',
    ad_squad_name: 'Squad',
    ad_id: 'a-1',
    ad_name: 'Ad',
    first_name: 'Sara',
    last_name: 'Al-Harbi',
    email: 'Sara@Example.com',
    phone_number: '0551234567',
    custom_field_1: 'Villa',
    consent_1: true,
    empty_field: '',
  };

  it('keeps the flat lead as it came and requires a lead_id', () => {
    expect(parseSnapchatDelivery({ ...payload, lead_id: 12 }).lead_id).toBe('12');
    expect(() => parseSnapchatDelivery({ first_name: 'x' })).toThrow(new InvalidPayloadError('lead_id must be a non-empty string or integer id'));
    expect(() => parseSnapchatDelivery([payload])).toThrow(InvalidPayloadError);
    expect(snapchatFormId(payload)).toBe('f-1');
  });

  it('maps ad metadata to the source and everything else to answers', () => {
    expect(mapSnapchatLead(parseSnapchatDelivery(payload))).toEqual({
      platform: 'snapchat',
      platformLeadId: 'l-1',
      contact: { firstName: 'Sara', lastName: 'Al-Harbi', email: 'Sara@Example.com', phone: '0551234567' },
      source: {
        campaignId: 'c-1',
        campaignName: 'Campaign',
        adsetId: 's-1',
        adsetName: 'Squad',
        adId: 'a-1',
        adName: 'Ad',
        formId: 'f-1',
        formName: 'Offer',
        advertiserId: 'acc-1',
      },
      answers: [
        { key: 'first_name', value: 'Sara' },
        { key: 'last_name', value: 'Al-Harbi' },
        { key: 'email', value: 'Sara@Example.com' },
        { key: 'phone_number', value: '0551234567' },
        { key: 'custom_field_1', value: 'Villa' },
        { key: 'consent_1', value: 'true' },
      ],
      submittedAt: new Date(1717000000000),
    });
  });
});
