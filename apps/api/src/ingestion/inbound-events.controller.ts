import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { InboundEventDto, InboundEventPageDto, ListInboundEventsQuery } from './dto/inbound-event.dto.js';
import { InboundEventsService } from './inbound-events.service.js';

@ApiTags('inbound events')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('admin')
@Controller('crm/inbound-events')
export class InboundEventsController {
  constructor(private readonly events: InboundEventsService) {}

  @Get()
  @ApiOperation({ summary: 'Stored lead notifications, newest first' })
  @ApiOkResponse({ type: InboundEventPageDto })
  @ApiErrors(400)
  list(@Query() query: ListInboundEventsQuery): Promise<InboundEventPageDto> {
    return this.events.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One stored lead notification' })
  @ApiOkResponse({ type: InboundEventDto })
  @ApiErrors(400, 404)
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<InboundEventDto> {
    return this.events.get(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Re-run a stored delivery through today\'s code',
    description: 'Queues the notification again (e.g. a dead letter after the token was renewed). The lead is updated in place, never duplicated.',
  })
  @ApiAcceptedResponse({ type: InboundEventDto })
  @ApiErrors(400, 404)
  replay(@Param('id', new ParseUUIDPipe()) id: string): Promise<InboundEventDto> {
    return this.events.replay(id);
  }
}
