import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { ListNotificationsQuery, MarkedReadDto, NotificationDto, NotificationPageDto } from './notification.dto.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('notifications')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('crm/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'Your notifications, newest first, with the unread count' })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiErrors(400)
  list(@Query() query: ListNotificationsQuery, @CurrentPrincipal() principal: Principal): Promise<NotificationPageDto> {
    return this.notifications.list(query, principal);
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark all your notifications read' })
  @ApiOkResponse({ type: MarkedReadDto })
  async readAll(@CurrentPrincipal() principal: Principal): Promise<MarkedReadDto> {
    return { marked: await this.notifications.markAllRead(principal) };
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one notification read' })
  @ApiOkResponse({ type: NotificationDto })
  @ApiErrors(400, 404)
  read(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<NotificationDto> {
    return this.notifications.markRead(id, principal);
  }
}
