import { Module } from '@nestjs/common';
import { RoutingController } from './routing.controller.js';
import { RoutingRulesService } from './routing-rules.service.js';

@Module({ controllers: [RoutingController], providers: [RoutingRulesService] })
export class RoutingModule {}
