import { describe, expect, it } from '@jest/globals';
import { InvalidPayloadError } from '@leadflow/integration-common';
import { parseMetaDelivery } from './meta-webhook.js';

describe('parseMetaDelivery', () => {
  it('turns every leadgen change of every entry into one notification, ids as strings', () => {
    const parsed = parseMetaDelivery({
      object: 'page',
      entry: [
        { id: '111', time: 1717000000, changes: [{ field: 'leadgen', value: { leadgen_id: 444, form_id: '555', page_id: '111', created_time: 1717000000 } }] },
        {
          id: '222',
          changes: [
            { field: 'feed', value: {} },
            { field: 'leadgen', value: { leadgen_id: '666', ad_id: '777', adgroup_id: '888', created_time: '1717000001' } },
          ],
        },
        { id: '333', messaging: [] },
      ],
    });
    expect(parsed).toEqual({
      notifications: [
        { leadgenId: '444', formId: '555', pageId: '111', adId: undefined, adgroupId: undefined, createdTime: 1717000000, entryId: '111' },
        { leadgenId: '666', formId: undefined, pageId: '222', adId: '777', adgroupId: '888', createdTime: 1717000001, entryId: '222' },
      ],
      ignored: 1,
    });
  });

  it('ignores deliveries for other objects instead of failing them (Meta would retry for 36 h)', () => {
    expect(parseMetaDelivery({ object: 'instagram', entry: [{ id: '1', changes: [{ field: 'leadgen', value: {} }] }] })).toEqual({ notifications: [], ignored: 1 });
  });

  it.each([
    [null, 'body must be a JSON object'],
    [[], 'body must be a JSON object'],
    [{ entry: [] }, 'object must be a string'],
    [{ object: 'page' }, 'entry must be an array'],
    [{ object: 'page', entry: [7] }, 'entry[0] must be an object'],
    [{ object: 'page', entry: [{ changes: {} }] }, 'entry[0].changes must be an array'],
    [{ object: 'page', entry: [{ changes: [{ field: 'leadgen' }] }] }, 'entry[0].changes[0].value must be an object'],
    [{ object: 'page', entry: [{ changes: [{ field: 'leadgen', value: { leadgen_id: '' } }] }] }, 'entry[0].changes[0].value.leadgen_id must be a non-empty string or integer id'],
    [{ object: 'page', entry: [{ changes: [{ field: 'leadgen', value: { leadgen_id: 1.5 } }] }] }, 'entry[0].changes[0].value.leadgen_id must be a non-empty string or integer id'],
  ])('refuses %j: %s', (body, message) => {
    expect(() => parseMetaDelivery(body)).toThrow(new InvalidPayloadError(message));
  });
});
