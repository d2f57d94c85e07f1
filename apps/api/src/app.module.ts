import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApplicationModule } from '@leadflow/application';
import type { LoadedConfig } from '@leadflow/config';
import { RuntimeModule } from '@leadflow/runtime';
import { AnalyticsModule } from './analytics/analytics.module.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { AutomationsModule } from './automations/automations.module.js';
import { ApplicationErrorsFilter } from './common/application-errors.filter.js';
import { HealthController } from './health/health.controller.js';
import { ShutdownState } from './health/shutdown-state.js';
import { MetricsController } from './ops/metrics.controller.js';
import { IngestionModule } from './ingestion/ingestion.module.js';
import { LeadsModule } from './leads/leads.module.js';
import { EventsModule } from './events/events.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OrganisationModule } from './organisation/organisation.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { RoutingModule } from './routing/routing.module.js';
import { SyncModule } from './sync/sync.module.js';

@Module({})
export class ApiModule {
  static forRoot(loaded: LoadedConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [RuntimeModule.forRoot(loaded, 'api'), ApplicationModule, AuthModule, IngestionModule, LeadsModule, OrganisationModule, RoutingModule, AutomationsModule, NotificationsModule, EventsModule, ReportsModule, AnalyticsModule, SyncModule],
      controllers: [HealthController, MetricsController],
      providers: [
        ShutdownState,
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_FILTER, useClass: ApplicationErrorsFilter },
      ],
    };
  }
}
