/** Where a lead came from. */
export const PLATFORMS = ['meta', 'tiktok', 'snapchat', 'whatsapp'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Platforms that push leads to our webhooks today. */
export const LEAD_AD_PLATFORMS = ['meta', 'tiktok', 'snapchat'] as const satisfies readonly Platform[];
export type LeadAdPlatform = (typeof LEAD_AD_PLATFORMS)[number];

/** The app inside Meta where the form was shown (`platform` on the Graph lead: `fb` / `ig`). */
export const META_CHANNELS = ['facebook', 'instagram'] as const;
export type MetaChannel = (typeof META_CHANNELS)[number];
