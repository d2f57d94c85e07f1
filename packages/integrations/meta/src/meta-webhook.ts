import { InvalidPayloadError, idString, isObject, requireId } from '@leadflow/integration-common';

/** One `leadgen` change of a Page webhook: ids only, the lead itself is fetched from the Graph API. */
export interface MetaLeadNotification {
  leadgenId: string;
  formId?: string;
  pageId?: string;
  adId?: string;
  adgroupId?: string;
  /** Unix seconds. */
  createdTime?: number;
  /** The Page id of the `entry` that carried the change. */
  entryId?: string;
}

export interface ParsedMetaDelivery {
  notifications: MetaLeadNotification[];
  /** Changes of other fields (or other objects) that a leadgen subscription ignores. */
  ignored: number;
}

function unixSeconds(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.trunc(n) : undefined;
}

/**
 * `{ object: "page", entry: [{ id, time, changes: [{ field: "leadgen", value: {...} }] }] }`.
 * A delivery may batch many entries and changes; each leadgen change is one lead.
 * Throws InvalidPayloadError naming the first field that is not as documented.
 */
export function parseMetaDelivery(body: unknown): ParsedMetaDelivery {
  if (!isObject(body)) throw new InvalidPayloadError('body must be a JSON object');
  if (typeof body.object !== 'string') throw new InvalidPayloadError('object must be a string');
  if (!Array.isArray(body.entry)) throw new InvalidPayloadError('entry must be an array');

  const notifications: MetaLeadNotification[] = [];
  let ignored = 0;
  body.entry.forEach((entry, i) => {
    if (!isObject(entry)) throw new InvalidPayloadError(`entry[${i}] must be an object`);
    if (entry.changes === undefined) return;
    if (!Array.isArray(entry.changes)) throw new InvalidPayloadError(`entry[${i}].changes must be an array`);
    entry.changes.forEach((change, j) => {
      const path = `entry[${i}].changes[${j}]`;
      if (!isObject(change)) throw new InvalidPayloadError(`${path} must be an object`);
      if (body.object !== 'page' || change.field !== 'leadgen') {
        ignored += 1;
        return;
      }
      const value = change.value;
      if (!isObject(value)) throw new InvalidPayloadError(`${path}.value must be an object`);
      notifications.push({
        leadgenId: requireId(value.leadgen_id, `${path}.value.leadgen_id`),
        formId: idString(value.form_id),
        pageId: idString(value.page_id) ?? idString(entry.id),
        adId: idString(value.ad_id),
        adgroupId: idString(value.adgroup_id),
        createdTime: unixSeconds(value.created_time),
        entryId: idString(entry.id),
      });
    });
  });
  return { notifications, ignored };
}
