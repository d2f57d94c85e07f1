import { Module } from '@nestjs/common';
import type { AppConfig } from '@leadflow/config';
import { BigQueryClient } from '@leadflow/integration-bigquery';
import { APP_CONFIG } from '@leadflow/runtime';
import { BIGQUERY_CLIENT, BigQueryExport } from './bigquery-export.service.js';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { MetaBackfill } from './meta-backfill.service.js';
import { OdooChangesSync } from './odoo-changes-sync.service.js';
import { RunSyncProcessor } from './run-sync.processor.js';

@Module({
  imports: [ConnectorsModule],
  providers: [
    {
      provide: BIGQUERY_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => (config.bigquery ? new BigQueryClient({ ...config.bigquery, timeoutMs: config.httpTimeoutMs }) : null),
    },
    BigQueryExport,
    MetaBackfill,
    OdooChangesSync,
    RunSyncProcessor,
  ],
})
export class SyncWorkerModule {}
