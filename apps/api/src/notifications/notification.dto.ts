import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NOTIFICATION_CATEGORIES, type Notification, type NotificationCategory, type ListNotificationsQuery as ListNotificationsRequest, type NotificationPage, type MarkedRead } from '@leadflow/contracts';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQuery } from '../common/page.query.js';

export class NotificationDto implements Notification {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ format: 'uuid' }) employeeId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) userId?: string;
  @ApiProperty({ enum: NOTIFICATION_CATEGORIES, example: 'lead_assigned' }) category!: NotificationCategory;
  @ApiProperty({ example: 'New meta lead: سارة الحربي' }) title!: string;
  @ApiProperty({ example: '+966551234567 · Riyadh villas – spring · call within the SLA' }) body!: string;
  @ApiPropertyOptional({ format: 'uuid' }) leadId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) readAt?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ListNotificationsQuery extends PageQuery implements ListNotificationsRequest {
  @ApiPropertyOptional({ description: 'Only unread ones' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value))
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;
}

export class NotificationPageDto implements NotificationPage {
  @ApiProperty({ type: [NotificationDto] }) data!: NotificationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
  @ApiProperty({ example: 3, description: 'Unread notifications in all, whatever the page.' }) unreadCount!: number;
}

export class MarkedReadDto implements MarkedRead {
  @ApiProperty({ example: 3 }) marked!: number;
}
