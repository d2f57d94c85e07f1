import { Module } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { Ga4Client } from '@leadflow/integration-ga4';
import { APP_CONFIG } from '@leadflow/runtime';
import { GA4_CLIENT, Ga4Forwarder } from './ga4-forwarder.service.js';

@Module({
  providers: [
    {
      provide: GA4_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => (config.ga4 ? new Ga4Client({ ...config.ga4, timeoutMs: config.httpTimeoutMs }) : null),
    },
    Ga4Forwarder,
  ],
  exports: [Ga4Forwarder],
})
export class AnalyticsWorkerModule {}
