import type { Provider } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import type { Platform } from '@leadflow/contracts';
import type { PlatformLeadAdapter } from '@leadflow/integration-common';
import { MetaGraphClient, MetaLeadAdapter } from '@leadflow/integration-meta';
import { SnapchatLeadAdapter } from '@leadflow/integration-snapchat';
import { TikTokLeadAdapter, TikTokLeadClient } from '@leadflow/integration-tiktok';
import { WhatsAppLeadAdapter } from '@leadflow/integration-whatsapp';
import { APP_CONFIG } from '@leadflow/runtime';

/** Injection token of `Map<Platform, PlatformLeadAdapter>`. */
export const LEAD_ADAPTERS = Symbol('LEAD_ADAPTERS');
export type LeadAdapters = Map<Platform, PlatformLeadAdapter>;

/** One adapter per platform (WhatsApp conversations included), each with its real client pointed at the configured base URL. */
export const leadAdaptersProvider: Provider = {
  provide: LEAD_ADAPTERS,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): LeadAdapters => {
    const graph = new MetaGraphClient({
      baseUrl: config.meta.graphApiUrl,
      version: config.meta.graphApiVersion,
      pageAccessToken: config.meta.pageAccessToken,
      timeoutMs: config.httpTimeoutMs,
    });
    const tiktok = new TikTokLeadClient({ baseUrl: config.tiktok.apiUrl, accessToken: config.tiktok.accessToken, timeoutMs: config.httpTimeoutMs });
    const adapters: PlatformLeadAdapter[] = [new MetaLeadAdapter(graph), new TikTokLeadAdapter(tiktok), new SnapchatLeadAdapter(), new WhatsAppLeadAdapter(graph)];
    return new Map(adapters.map((adapter) => [adapter.platform, adapter]));
  },
};
