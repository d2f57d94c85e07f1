import { Module } from '@nestjs/common';
import { EventStream } from './event-stream.service.js';
import { EventsController } from './events.controller.js';
import { StreamRelay } from './stream-relay.service.js';

@Module({ controllers: [EventsController], providers: [EventStream, StreamRelay], exports: [EventStream] })
export class EventsModule {}
