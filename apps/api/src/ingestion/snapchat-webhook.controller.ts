import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '@leadflow/config';
import { parseSnapchatDelivery, snapchatFormId, verifySnapchatSignature } from '@leadflow/integration-snapchat';
import { APP_CONFIG } from '@leadflow/runtime';
import { Public } from '../auth/public.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { WebhookAckDto } from './dto/webhook-ack.dto.js';
import { SNAPCHAT_DELIVERY_EXAMPLE } from './dto/webhook-examples.js';
import { SnapchatFormSecrets } from './snapchat-form-secrets.service.js';
import { WebhookIntakeService } from './webhook-intake.service.js';
import { assertAuthentic, auditHeaders, parsePayload, rawBodyOf, type WebhookRequest } from './webhook-request.js';

@ApiTags('webhooks')
@Public()
@Controller('webhooks/snapchat')
export class SnapchatWebhookController {
  constructor(
    private readonly intake: WebhookIntakeService,
    private readonly formSecrets: SnapchatFormSecrets,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Snapchat lead notifications',
    description:
      'One flat JSON lead per delivery, signed: `signature` = hex HMAC-SHA256 over `"<t>.<raw body>"` with the form\'s hmac_secret ' +
      '(or SNAPCHAT_HMAC_SECRET), `t` = Unix seconds (milliseconds accepted). Deliveries signed more than SNAPCHAT_MAX_SIGNATURE_AGE_SECONDS away from now are refused.',
  })
  @ApiHeader({ name: 'signature', required: true, description: 'hex HMAC-SHA256' })
  @ApiHeader({ name: 't', required: true, description: 'Unix time of signing' })
  @ApiBody({ schema: { type: 'object', example: SNAPCHAT_DELIVERY_EXAMPLE } })
  @ApiOkResponse({ type: WebhookAckDto })
  @ApiErrors(400, 401, 403, 503)
  async receive(@Req() req: WebhookRequest): Promise<WebhookAckDto> {
    const rawBody = rawBodyOf(req);
    const formSecret = await this.formSecrets.secretFor(snapchatFormId(req.body));
    const check = verifySnapchatSignature({
      rawBody,
      signature: req.headers.signature as string | undefined,
      timestamp: req.headers.t as string | undefined,
      secrets: formSecret ? [formSecret, this.config.snapchat.hmacSecret] : [this.config.snapchat.hmacSecret],
      maxAgeSeconds: this.config.snapchat.maxSignatureAgeSeconds,
    });
    assertAuthentic(check, 'Snapchat signature');
    const lead = parsePayload(() => parseSnapchatDelivery(req.body));
    return this.intake.store({
      platform: 'snapchat',
      rawBody,
      headers: auditHeaders(req, ['signature', 't']),
      notifications: [{ externalId: lead.lead_id, payload: lead }],
    });
  }
}
