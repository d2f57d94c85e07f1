import { Module } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { Ga4Client } from '@leadflow/integration-ga4';
import { MetaConversionsClient } from '@leadflow/integration-meta';
import { APP_CONFIG } from '@leadflow/runtime';
import { GA4_CLIENT, Ga4Forwarder } from './ga4-forwarder.service.js';
import { META_CONVERSIONS_CLIENT, MetaConversionsForwarder } from './meta-conversions-forwarder.service.js';

@Module({
  providers: [
    {
      provide: GA4_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => (config.ga4 ? new Ga4Client({ ...config.ga4, timeoutMs: config.httpTimeoutMs }) : null),
    },
    {
      provide: META_CONVERSIONS_CLIENT,
      inject: [APP_CONFIG],
      useFactory: ({ metaConversions: capi, httpTimeoutMs }: AppConfig) =>
        capi ? new MetaConversionsClient({ baseUrl: capi.graphApiUrl, version: capi.version, datasetId: capi.datasetId, accessToken: capi.accessToken, testEventCode: capi.testEventCode, timeoutMs: httpTimeoutMs }) : null,
    },
    Ga4Forwarder,
    MetaConversionsForwarder,
  ],
  exports: [Ga4Forwarder, MetaConversionsForwarder],
})
export class AnalyticsWorkerModule {}
