import { ApiProperty } from '@nestjs/swagger';
import type { WebhookAck } from '@leadflow/contracts';

export class WebhookAckDto implements WebhookAck {
  @ApiProperty({ description: 'Lead notifications stored for the first time by this delivery.', example: 1 })
  accepted!: number;

  @ApiProperty({ description: 'Lead notifications we already had (platform redeliveries); stored once, processed once.', example: 0 })
  duplicates!: number;
}
