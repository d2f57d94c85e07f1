import { Controller, ForbiddenException, HttpCode, Inject, Post, Query, Req, UnauthorizedException } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '@leadflow/config';
import { safeEqual } from '@leadflow/integration-common';
import { parseTikTokDelivery, tiktokExternalId } from '@leadflow/integration-tiktok';
import { APP_CONFIG } from '@leadflow/runtime';
import { Public } from '../auth/public.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { WebhookAckDto } from './dto/webhook-ack.dto.js';
import { TIKTOK_DELIVERY_EXAMPLE } from './dto/webhook-examples.js';
import { WebhookIntakeService } from './webhook-intake.service.js';
import { auditHeaders, parsePayload, rawBodyOf, type WebhookRequest } from './webhook-request.js';

@ApiTags('webhooks')
@Public()
@Controller('webhooks/tiktok')
export class TikTokWebhookController {
  constructor(
    private readonly intake: WebhookIntakeService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'TikTok lead notifications',
    description:
      'TikTok documents no signature for lead webhooks, so the callback URL carries TIKTOK_WEBHOOK_TOKEN and the worker re-reads every lead ' +
      'from the Business API (`/open_api/v1.3/lead/get/`) rather than trusting the body.',
  })
  @ApiQuery({ name: 'token', description: 'TIKTOK_WEBHOOK_TOKEN', example: 'my-tiktok-webhook-token' })
  @ApiBody({ schema: { type: 'object', example: TIKTOK_DELIVERY_EXAMPLE } })
  @ApiOkResponse({ type: WebhookAckDto })
  @ApiErrors(400, 401, 403, 503)
  async receive(@Req() req: WebhookRequest, @Query('token') token?: string): Promise<WebhookAckDto> {
    if (typeof token !== 'string' || token === '') throw new UnauthorizedException('token query parameter is missing');
    if (!safeEqual(token, this.config.tiktok.webhookToken)) throw new ForbiddenException('token does not match');
    const rawBody = rawBodyOf(req);
    const notifications = parsePayload(() => parseTikTokDelivery(req.body));
    return this.intake.store({
      platform: 'tiktok',
      rawBody,
      headers: auditHeaders(req, []),
      notifications: notifications.map((n) => ({ externalId: tiktokExternalId(n), payload: n })),
    });
  }
}
