import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { EventStream } from './event-stream.service.js';

@ApiTags('events')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('crm/events')
export class EventsController {
  constructor(private readonly stream: EventStream) {}

  @Get()
  @ApiOperation({
    summary: 'Server-Sent Events: your notifications and changes to the leads you may see',
    description:
      'Events: `notification`, `lead.<step>` (`lead.routed`, `lead.assigned`, `lead.status_changed`, `lead.note`, `lead.action_done`, …), each with an id. ' +
      'EventSource cannot send headers: pass `?access_token=<token>`. A reconnecting browser sends `Last-Event-ID` (or `?lastEventId=`) and first receives what it missed.',
  })
  @ApiQuery({ name: 'access_token', required: false, description: 'The bearer token, for EventSource' })
  @ApiQuery({ name: 'lastEventId', required: false })
  @ApiHeader({ name: 'last-event-id', required: false, description: 'Sent by a reconnecting EventSource: the last id it received' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'A stream of `id:`/`event:`/`data:` messages.', schema: { type: 'string', example: 'id: 88231-1042\nevent: notification\ndata: {"id":"88231-1042","kind":"notification","payload":{"title":"New meta lead: سارة الحربي"}}\n\n' } })
  async events(
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
    @Headers('last-event-id') lastEventIdHeader?: string,
    @Query('lastEventId') lastEventIdQuery?: string,
  ): Promise<void> {
    reply.hijack();
    await this.stream.open(principal, reply.raw, lastEventIdHeader ?? lastEventIdQuery);
  }
}
