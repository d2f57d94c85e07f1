import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ApplicationModule } from '@leadflow/application';
import type { LoadedConfig } from '@leadflow/config';
import { JobHandlerRegistry, RuntimeModule } from '@leadflow/runtime';
import { AnalyticsWorkerModule } from './analytics/analytics-worker.module.js';
import { AutomationsWorkerModule } from './automations/automations-worker.module.js';
import { IngestionWorkerModule } from './ingestion/ingestion-worker.module.js';
import { RouteLeadProcessor } from './routing/route-lead.processor.js';
import { LostJobSweep } from './scheduler/lost-job-sweep.service.js';
import { RetentionSweep } from './scheduler/retention-sweep.service.js';
import { SchedulerService } from './scheduler/scheduler.service.js';
import { SyncWorkerModule } from './sync/sync-worker.module.js';

@Module({})
export class WorkerModule {
  static forRoot(loaded: LoadedConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [RuntimeModule.forRoot(loaded, 'worker'), ApplicationModule, DiscoveryModule, IngestionWorkerModule, AutomationsWorkerModule, AnalyticsWorkerModule, SyncWorkerModule],
      providers: [JobHandlerRegistry, RouteLeadProcessor, SchedulerService, RetentionSweep, LostJobSweep],
    };
  }
}
