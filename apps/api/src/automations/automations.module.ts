import { Module } from '@nestjs/common';
import { ActionRunsController, AutomationsController } from './automations.controllers.js';
import { AutomationsService } from './automations.service.js';

@Module({ controllers: [AutomationsController, ActionRunsController], providers: [AutomationsService] })
export class AutomationsModule {}
