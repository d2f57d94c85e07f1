import { Module } from '@nestjs/common';
import { AnalyticsDeliveriesController } from './analytics-deliveries.controller.js';

@Module({ controllers: [AnalyticsDeliveriesController] })
export class AnalyticsModule {}
