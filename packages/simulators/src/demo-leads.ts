import { randomInt } from 'node:crypto';
import type { MetaGraphLead, MetaLeadForm, MetaLeadNotification } from '@leadflow/integration-meta';
import type { TikTokLead } from '@leadflow/integration-tiktok';

// Realistic people for the demo: Gulf and Egyptian customers, names in Arabic and Latin script,
// phones typed the many ways people type them.
const PEOPLE = [
  { name: 'سارة الحربي', email: 'sara.alharbi@example.com', phone: '0551234567', city: 'الرياض', country: 'SA' },
  { name: 'Mohammed Al-Qahtani', email: 'M.Qahtani@Example.com ', phone: '+966 50 987 6543', city: 'Riyadh', country: 'Saudi Arabia' },
  { name: 'نورة العتيبي', email: 'noura@example.sa', phone: '٠٥٠٣٣٣٤٤٥٥', city: 'جدة', country: 'SA' },
  { name: 'Fatima Hassan', email: 'fatima.hassan@example.ae', phone: '+971 50 123 4567', city: 'Dubai', country: 'AE' },
  { name: 'أحمد منصور', email: 'ahmed.mansour@example.com', phone: '+20 100 123 4567', city: 'القاهرة', country: 'EG' },
  { name: 'Khalid Al Shamsi', email: 'khalid@example.ae', phone: '971551112233', city: 'Abu Dhabi', country: 'AE' },
  { name: 'ريم الدوسري', email: 'reem.d@example.com', phone: '00966561239876', city: 'الدمام', country: 'SA' },
  { name: 'Omar Farouk', email: 'omar.farouk@example.com', phone: '0568887766', city: 'Jeddah', country: 'SA' },
];
const INTERESTS = ['Villa', 'Apartment', 'Townhouse', 'Land plot'];
const CAMPAIGNS = [
  { id: '23851000000000101', name: 'Riyadh villas – spring' },
  { id: '23851000000000202', name: 'Jeddah apartments – Ramadan' },
];

const pick = <T>(list: readonly T[]): T => list[randomInt(list.length)]!;
const digits = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 1 + randomInt(9) : randomInt(10))).join('');

export interface SimulatedMetaLead {
  lead: MetaGraphLead;
  form: MetaLeadForm;
  /** The `value` of the webhook's leadgen change. */
  change: { leadgen_id: string; form_id: string; page_id: string; ad_id: string; adgroup_id: string; created_time: number };
}

export const DEMO_META_PAGE_ID = '104285395839201';

export function fakeMetaLead(): SimulatedMetaLead {
  const person = pick(PEOPLE);
  const campaign = pick(CAMPAIGNS);
  const id = digits(16);
  const formId = '889912345678901';
  const adId = `${campaign.id.slice(0, -3)}${digits(3)}`;
  const created = Math.floor(Date.now() / 1000);
  return {
    lead: {
      id,
      created_time: new Date(created * 1000).toISOString().replace(/\.\d{3}Z$/, '+0000'),
      ad_id: adId,
      ad_name: 'Villa video 1',
      adset_id: `${campaign.id.slice(0, -3)}555`,
      adset_name: 'Riyadh 25-45',
      campaign_id: campaign.id,
      campaign_name: campaign.name,
      form_id: formId,
      is_organic: false,
      platform: pick(['fb', 'ig']),
      field_data: [
        { name: 'full_name', values: [person.name] },
        { name: 'email', values: [person.email] },
        { name: 'phone_number', values: [person.phone] },
        { name: 'city', values: [person.city] },
        { name: 'which_unit_type?', values: [pick(INTERESTS)] },
      ],
    },
    form: {
      id: formId,
      name: 'Villa enquiry',
      locale: 'ar_AR',
      questions: [
        { key: 'full_name', label: 'Full name', type: 'FULL_NAME' },
        { key: 'email', label: 'Email', type: 'EMAIL' },
        { key: 'phone_number', label: 'Phone number', type: 'PHONE' },
        { key: 'city', label: 'City', type: 'CITY' },
        { key: 'which_unit_type?', label: 'Which unit type?', type: 'CUSTOM' },
      ],
    },
    change: { leadgen_id: id, form_id: formId, page_id: DEMO_META_PAGE_ID, ad_id: adId, adgroup_id: adId, created_time: created },
  };
}

/** A Page webhook delivery batching the given leadgen changes, as Meta posts it. */
export function metaDelivery(changes: SimulatedMetaLead['change'][]): { object: 'page'; entry: object[] } {
  return {
    object: 'page',
    entry: [{ id: DEMO_META_PAGE_ID, time: Math.floor(Date.now() / 1000), changes: changes.map((value) => ({ field: 'leadgen', value })) }],
  };
}

export function notificationOf(change: SimulatedMetaLead['change']): MetaLeadNotification {
  return { leadgenId: change.leadgen_id, formId: change.form_id, pageId: change.page_id, adId: change.ad_id, adgroupId: change.adgroup_id, createdTime: change.created_time, entryId: change.page_id };
}

export interface SimulatedTikTokLead {
  advertiserId: string;
  lead: TikTokLead;
  /** The webhook notification body. */
  notification: { lead_id: string; advertiser_id: string; page_id: string; campaign_id: string; ad_id: string; create_time: string };
}

export function fakeTikTokLead(): SimulatedTikTokLead {
  const person = pick(PEOPLE);
  const advertiserId = '7001234567890123456';
  const leadId = digits(19);
  const created = String(Math.floor(Date.now() / 1000));
  const lead: TikTokLead = {
    lead_id: leadId,
    create_time: created,
    page_id: '7379123456789012345',
    page_name: 'Apartment instant form',
    campaign_id: '1790123456789012',
    campaign_name: 'TikTok – Jeddah apartments',
    adgroup_id: '1790123456789100',
    adgroup_name: 'Jeddah 20-35',
    ad_id: '1790123456789999',
    ad_name: 'Apartment tour',
    field_data: [
      { name: 'name', label: 'Name', value: person.name },
      { name: 'phone_number', label: 'Phone number', value: person.phone },
      { name: 'email', label: 'Email', value: person.email },
      { name: 'preferred_contact_time', label: 'Best time to call', value: pick(['Morning', 'Evening']) },
    ],
  };
  return {
    advertiserId,
    lead,
    notification: { lead_id: leadId, advertiser_id: advertiserId, page_id: lead.page_id!, campaign_id: lead.campaign_id!, ad_id: lead.ad_id!, create_time: created },
  };
}

export function fakeSnapchatLead() {
  const person = pick(PEOPLE);
  const [first, ...rest] = person.name.split(' ');
  return {
    lead_id: crypto.randomUUID(),
    create_time: String(Date.now()),
    form_id: '2b8f1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    form_name: 'Townhouse offer',
    ad_account_id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
    campaign_id: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
    campaign_name: 'Snap – Riyadh townhouses',
    ad_squad_id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    ad_squad_name: 'Riyadh 18-34',
    ad_id: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
    ad_name: 'Townhouse story',
    first_name: first!,
    last_name: rest.join(' '),
    email: person.email,
    phone_number: person.phone,
    custom_field_1: pick(INTERESTS),
  };
}
