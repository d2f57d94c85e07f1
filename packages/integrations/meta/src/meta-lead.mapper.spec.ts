import { describe, expect, it } from '@jest/globals';
import { mapMetaLead } from './meta-lead.mapper.js';

describe('mapMetaLead', () => {
  const notification = { leadgenId: '1219', formId: '889', pageId: '104', adId: '2385', createdTime: 1717000000 };

  it('maps ids, names, every answer (labels from the form) and the fb/ig channel', () => {
    const draft = mapMetaLead(
      {
        id: '1219',
        created_time: '2024-05-29T16:26:40+0000',
        ad_id: '2385',
        ad_name: 'Ad',
        adset_id: '2386',
        adset_name: 'Set',
        campaign_id: '2387',
        campaign_name: 'Campaign',
        form_id: '889',
        is_organic: false,
        platform: 'ig',
        field_data: [
          { name: 'first_name', values: ['Ana'] },
          { name: 'last_name', values: ['Diaz'] },
          { name: 'phone_number', values: ['+201001234567'] },
          { name: 'services_wanted', values: ['Cleaning', 'Whitening'] },
        ],
        custom_disclaimer_responses: [{ checkbox_key: 'marketing', is_checked: '1' }],
      },
      notification,
      { id: '889', name: 'Dental form', questions: [{ key: 'services_wanted', label: 'Which services?' }] },
    );
    expect(draft).toEqual({
      platform: 'meta',
      platformLeadId: '1219',
      contact: { firstName: 'Ana', lastName: 'Diaz', phone: '+201001234567' },
      source: {
        campaignId: '2387',
        campaignName: 'Campaign',
        adsetId: '2386',
        adsetName: 'Set',
        adId: '2385',
        adName: 'Ad',
        formId: '889',
        formName: 'Dental form',
        pageId: '104',
        channel: 'instagram',
        isOrganic: false,
      },
      answers: [
        { key: 'first_name', value: 'Ana' },
        { key: 'last_name', value: 'Diaz' },
        { key: 'phone_number', value: '+201001234567' },
        { key: 'services_wanted', label: 'Which services?', value: 'Cleaning, Whitening' },
        { key: 'consent:marketing', value: 'yes' },
      ],
      submittedAt: new Date('2024-05-29T16:26:40Z'),
    });
  });

  it('falls back to the webhook ids for organic or test leads the Graph answers sparsely', () => {
    const draft = mapMetaLead({ id: '1219', field_data: [] }, notification);
    expect(draft.source).toMatchObject({ formId: '889', adId: '2385', pageId: '104', channel: undefined });
    expect(draft.submittedAt).toEqual(new Date(1717000000 * 1000));
  });
});
