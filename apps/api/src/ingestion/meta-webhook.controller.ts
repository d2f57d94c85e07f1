import { Controller, Get, Header, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '@leadflow/config';
import { parseMetaDelivery, verifyMetaSignature } from '@leadflow/integration-meta';
import { APP_CONFIG } from '@leadflow/runtime';
import { Public } from '../auth/public.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { WebhookAckDto } from './dto/webhook-ack.dto.js';
import { META_DELIVERY_EXAMPLE } from './dto/webhook-examples.js';
import { WebhookIntakeService } from './webhook-intake.service.js';
import { answerHandshake, assertAuthentic, auditHeaders, parsePayload, rawBodyOf, type WebhookRequest } from './webhook-request.js';

@ApiTags('webhooks')
@Public()
@Controller('webhooks/meta')
export class MetaWebhookController {
  constructor(
    private readonly intake: WebhookIntakeService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'Meta subscription handshake', description: 'Echoes `hub.challenge` when `hub.verify_token` is META_VERIFY_TOKEN.' })
  @ApiQuery({ name: 'hub.mode', example: 'subscribe' })
  @ApiQuery({ name: 'hub.verify_token', example: 'my-verify-token' })
  @ApiQuery({ name: 'hub.challenge', example: '1158201444' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The challenge, as plain text.', schema: { type: 'string', example: '1158201444' } })
  @ApiErrors(400, 403)
  handshake(@Query('hub.mode') mode?: string, @Query('hub.verify_token') token?: string, @Query('hub.challenge') challenge?: string): string {
    return answerHandshake({ mode, token, challenge }, this.config.meta.verifyToken);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Meta Lead Ads notifications',
    description:
      'Signed with `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with META_APP_SECRET). A delivery may batch many entries and changes; ' +
      'each `leadgen` change is stored as one lead notification before the 200, then fetched from the Graph API by the worker.',
  })
  @ApiBody({ schema: { type: 'object', example: META_DELIVERY_EXAMPLE } })
  @ApiOkResponse({ type: WebhookAckDto })
  @ApiErrors(400, 401, 403, 503)
  async receive(@Req() req: WebhookRequest): Promise<WebhookAckDto> {
    const rawBody = rawBodyOf(req);
    assertAuthentic(verifyMetaSignature(rawBody, req.headers['x-hub-signature-256'] as string | undefined, this.config.meta.appSecret), 'X-Hub-Signature-256');
    const { notifications } = parsePayload(() => parseMetaDelivery(req.body));
    return this.intake.store({
      platform: 'meta',
      rawBody,
      headers: auditHeaders(req, ['x-hub-signature-256']),
      notifications: notifications.map((n) => ({ externalId: n.leadgenId, payload: n })),
    });
  }
}
