// Composed examples of each platform's delivery, shown in Swagger.

export const META_DELIVERY_EXAMPLE = {
  object: 'page',
  entry: [
    {
      id: '104285395839201',
      time: 1717000000,
      changes: [
        {
          field: 'leadgen',
          value: {
            leadgen_id: '1219012345678901',
            form_id: '889912345678901',
            page_id: '104285395839201',
            ad_id: '23851234567890123',
            adgroup_id: '23851234567890123',
            created_time: 1717000000,
          },
        },
      ],
    },
  ],
};

export const TIKTOK_DELIVERY_EXAMPLE = {
  lead_id: '7380123456789012345',
  advertiser_id: '7001234567890123456',
  page_id: '7379123456789012345',
  campaign_id: '1790123456789012',
  ad_id: '1790123456789999',
  create_time: '1717000000',
};

export const SNAPCHAT_DELIVERY_EXAMPLE = {
  lead_id: '5c0a4b3e-1d2f-4a5b-9c8d-7e6f5a4b3c2d',
  create_time: '1717000000000',
  form_id: '2b8f1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  form_name: 'Spring offer',
  ad_account_id: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
  campaign_id: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
  campaign_name: 'Riyadh spring',
  ad_squad_id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  ad_squad_name: 'Riyadh 25-45',
  ad_id: 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9',
  ad_name: 'Spring video',
  first_name: 'Sara',
  last_name: 'Al-Harbi',
  email: 'Sara@Example.com ',
  phone_number: '0551234567',
  custom_field_1: 'Villa',
};
