import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestCredential } from '../auth/bearer.js';
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
      'EventSource cannot send headers: pass `?access_token=<token>`. A reconnecting browser sends `Last-Event-ID` (or `?lastEventId=`) and first receives what it missed. ' +
      'The token or key is checked again every SSE_HEARTBEAT_SECONDS: once it has expired, been revoked or its user deactivated, the stream ends with an `unauthorized` event (sign in again and reconnect).',
  })
  @ApiQuery({ name: 'access_token', required: false, description: 'The bearer token, for EventSource' })
  @ApiQuery({ name: 'lastEventId', required: false })
  @ApiHeader({ name: 'last-event-id', required: false, description: 'Sent by a reconnecting EventSource: the last id it received' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'A stream of `id:`/`event:`/`data:` messages.', schema: { type: 'string', example: 'id: 88231-1042\nevent: notification\ndata: {"id":"88231-1042","kind":"notification","payload":{"title":"New meta lead: سارة الحربي"}}\n\n' } })
  async events(
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Headers('last-event-id') lastEventIdHeader?: string,
    @Query('lastEventId') lastEventIdQuery?: string,
  ): Promise<void> {
    // The guard has accepted it; the stream checks it again as it lives.
    const credential = requestCredential(req)!;
    reply.hijack();
    await this.stream.open(principal, credential, reply.raw, lastEventIdHeader ?? lastEventIdQuery);
  }
}
