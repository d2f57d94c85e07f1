import { Module } from '@nestjs/common';
import { InboundEventsController } from './inbound-events.controller.js';
import { InboundEventsService } from './inbound-events.service.js';
import { MetaWebhookController } from './meta-webhook.controller.js';
import { SnapchatFormSecretsController } from './snapchat-form-secrets.controller.js';
import { SnapchatFormSecrets } from './snapchat-form-secrets.service.js';
import { SnapchatWebhookController } from './snapchat-webhook.controller.js';
import { TikTokWebhookController } from './tiktok-webhook.controller.js';
import { WebhookIntakeService } from './webhook-intake.service.js';
import { WhatsAppWebhookController } from './whatsapp-webhook.controller.js';

/** The front door: platform webhooks verified and stored before they are answered; replay of any of them. */
@Module({
  controllers: [MetaWebhookController, TikTokWebhookController, SnapchatWebhookController, WhatsAppWebhookController, InboundEventsController, SnapchatFormSecretsController],
  providers: [WebhookIntakeService, InboundEventsService, SnapchatFormSecrets],
})
export class IngestionModule {}
