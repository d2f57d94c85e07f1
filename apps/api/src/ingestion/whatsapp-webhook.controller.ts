import { Controller, Get, Header, HttpCode, Inject, NotFoundException, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { WhatsAppStatusService } from '@leadflow/application';
import type { AppConfig } from '@leadflow/config';
import { verifyMetaSignature } from '@leadflow/integration-meta';
import { parseWhatsAppDelivery } from '@leadflow/integration-whatsapp';
import { APP_CONFIG } from '@leadflow/runtime';
import { Public } from '../auth/public.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { WebhookIntakeService } from './webhook-intake.service.js';
import { answerHandshake, assertAuthentic, auditHeaders, parsePayload, rawBodyOf, type WebhookRequest } from './webhook-request.js';

class WhatsAppAckDto {
  @ApiProperty({ description: 'Messages from people stored now (each becomes a lead or joins its sender\'s open lead).', example: 1 })
  accepted!: number;

  @ApiProperty({ description: 'Messages already stored (redeliveries).', example: 0 })
  duplicates!: number;

  @ApiProperty({ description: 'Statuses that moved a message forward.', example: 1 })
  applied!: number;

  @ApiProperty({ description: 'Repeats, stragglers older than what we know, or messages we did not send.', example: 0 })
  ignored!: number;
}

const STATUS_EXAMPLE = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550001111', phone_number_id: '106540352242922' },
            statuses: [{ id: 'wamid.HBgMOTY2NTAxMjM0NTY3FQIAERgSQUY', status: 'failed', timestamp: '1717000000', recipient_id: '966501234567', errors: [{ code: 131047, title: 'Re-engagement message' }] }],
          },
        },
      ],
    },
  ],
};

@ApiTags('webhooks')
@Public()
@Controller('webhooks/whatsapp')
export class WhatsAppWebhookController {
  constructor(
    private readonly intake: WebhookIntakeService,
    private readonly statuses: WhatsAppStatusService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get whatsapp(): NonNullable<AppConfig['whatsapp']> {
    if (!this.config.whatsapp) throw new NotFoundException('WhatsApp is not configured');
    return this.config.whatsapp;
  }

  @Get()
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'WhatsApp subscription handshake', description: 'Echoes `hub.challenge` when `hub.verify_token` is WHATSAPP_VERIFY_TOKEN.' })
  @ApiQuery({ name: 'hub.mode', example: 'subscribe' })
  @ApiQuery({ name: 'hub.verify_token' })
  @ApiQuery({ name: 'hub.challenge', example: '1158201444' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string', example: '1158201444' } })
  @ApiErrors(400, 403, 404)
  handshake(@Query('hub.mode') mode?: string, @Query('hub.verify_token') token?: string, @Query('hub.challenge') challenge?: string): string {
    return answerHandshake({ mode, token, challenge }, this.whatsapp.verifyToken);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'WhatsApp Cloud API notifications: messages from people, and statuses of ours',
    description:
      'Signed like Meta webhooks (`X-Hub-Signature-256` with WHATSAPP_APP_SECRET) and stored before the answer. A message from an unknown number becomes a lead ' +
      '(platform `whatsapp`, attributed to the click-to-WhatsApp ad of its referral); from someone with an open lead it joins that lead\'s conversation. ' +
      'Each status moves its message forward (sent → delivered → read, or failed with its error code) on the lead\'s timeline; a failure marks the run that sent it failed.',
  })
  @ApiBody({ schema: { type: 'object', example: STATUS_EXAMPLE } })
  @ApiOkResponse({ type: WhatsAppAckDto })
  @ApiErrors(400, 401, 403, 404, 503)
  async receive(@Req() req: WebhookRequest): Promise<WhatsAppAckDto> {
    const rawBody = rawBodyOf(req);
    assertAuthentic(verifyMetaSignature(rawBody, req.headers['x-hub-signature-256'] as string | undefined, this.whatsapp.appSecret), 'X-Hub-Signature-256');
    const { statuses, messages } = parsePayload(() => parseWhatsAppDelivery(req.body));
    const stored = await this.intake.store({
      platform: 'whatsapp',
      rawBody,
      headers: auditHeaders(req, ['x-hub-signature-256']),
      notifications: messages.map((message) => ({ externalId: message.wamid, payload: message })),
    });
    return { ...stored, ...(await this.statuses.apply(statuses)) };
  }
}
