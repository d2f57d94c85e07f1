import { Module } from '@nestjs/common';
import { ActionRunner } from '@leadflow/application';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { ActionRunProcessor } from './action-run.processor.js';
import { RunAutomationsProcessor } from './run-automations.processor.js';

/** Automations: triggers become action runs; each run is executed by its action type's executor. */
@Module({
  imports: [ConnectorsModule],
  providers: [ActionRunner, RunAutomationsProcessor, ActionRunProcessor],
  exports: [ActionRunner],
})
export class AutomationsWorkerModule {}
