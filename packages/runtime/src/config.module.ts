import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { LoadedConfig } from '@leadflow/config';

/** Injection token of the validated AppConfig: `@Inject(APP_CONFIG) config: AppConfig`. */
export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** The config is loaded (and validated) by main.ts before Nest starts, so a bad one never half-starts the app. */
  static forRoot(loaded: LoadedConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: loaded.config }],
      exports: [APP_CONFIG],
    };
  }
}
