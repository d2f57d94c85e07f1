import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InvalidRequestError, WhatsAppConversations, type ConversationState } from '@leadflow/application';
import type { SendWhatsAppRequest, WhatsAppConversation, WhatsAppMessageView } from '@leadflow/contracts';
import { PrismaClient } from '@leadflow/db';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length } from 'class-validator';
import { actorOf, CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { LeadsService } from './leads.service.js';

class SendWhatsAppDto implements SendWhatsAppRequest {
  @ApiPropertyOptional({ example: 'أهلاً سارة، هل يناسبك اتصال الساعة السادسة؟', description: 'Free text: only within 24 hours of the person\'s last message.' })
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  text?: string;

  @ApiPropertyOptional({ example: 'lead_welcome', description: 'An approved template (WHATSAPP_TEMPLATES): allowed at any time.' })
  @IsOptional()
  @IsString()
  template?: string;

  @ApiPropertyOptional({ example: 'ar' })
  @IsOptional()
  @IsString()
  language?: string;

  @ApiPropertyOptional({ type: [String], example: ['سارة', 'Riyadh HQ', 'Omar'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  params?: string[];
}

class WhatsAppMessageDto implements WhatsAppMessageView {
  @ApiProperty({ example: 'wamid.HBgM…' }) wamid!: string;
  @ApiProperty({ enum: ['inbound', 'outbound'] }) direction!: 'inbound' | 'outbound';
  @ApiProperty({ example: 'text' }) type!: string;
  @ApiPropertyOptional({ example: 'Yes please call me' }) body?: string;
  @ApiPropertyOptional({ example: 'lead_welcome' }) template?: string;
  @ApiProperty({ example: 'delivered' }) status!: string;
  @ApiPropertyOptional({ example: 'Re-engagement message' }) errorTitle?: string;
  @ApiPropertyOptional({ example: { id: '1234567890', mimeType: 'image/jpeg', caption: 'the plot' } }) media?: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

class WhatsAppConversationDto implements WhatsAppConversation {
  @ApiProperty() windowOpen!: boolean;
  @ApiPropertyOptional({ format: 'date-time' }) windowClosesAt?: string;
  @ApiProperty() optedOut!: boolean;
  @ApiProperty({ type: [String], enum: ['text', 'template'], example: ['text', 'template'] }) allowed!: ('text' | 'template')[];
  @ApiProperty({ type: [WhatsAppMessageDto] }) messages!: WhatsAppMessageDto[];
}

class SentWhatsAppDto {
  @ApiProperty({ example: 'wamid.HBgM…' }) wamid!: string;
  @ApiProperty() windowOpen!: boolean;
  @ApiProperty({ type: [String], enum: ['text', 'template'] }) allowed!: ('text' | 'template')[];
}

const stateView = (state: ConversationState) => ({ windowOpen: state.windowOpen, windowClosesAt: state.windowClosesAt?.toISOString(), optedOut: state.optedOut, allowed: state.allowed });

@ApiTags('leads')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('crm/leads/:id/whatsapp')
export class LeadWhatsAppController {
  constructor(
    private readonly leads: LeadsService,
    private readonly conversations: WhatsAppConversations,
    private readonly prisma: PrismaClient,
  ) {}

  @Get()
  @ApiOperation({ summary: "The lead's WhatsApp conversation and what may be sent now", description: 'Free text only within 24 hours of the person\'s last message; templates any time; nothing after they opted out.' })
  @ApiOkResponse({ type: WhatsAppConversationDto })
  @ApiErrors(400, 404)
  async conversation(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() principal: Principal): Promise<WhatsAppConversationDto> {
    await this.leads.assertVisible(id, principal);
    const [state, rows] = await Promise.all([this.conversations.state(id), this.prisma.whatsAppMessage.findMany({ where: { leadId: id }, orderBy: { createdAt: 'asc' } })]);
    const messages = rows.map((m) => ({
      wamid: m.wamid,
      direction: m.direction as 'inbound' | 'outbound',
      type: m.type,
      body: m.body ?? undefined,
      template: m.template ?? undefined,
      status: m.status,
      errorTitle: m.errorTitle ?? undefined,
      media: (m.media as Record<string, unknown> | null) ?? undefined,
      createdAt: m.createdAt.toISOString(),
    }));
    return { ...stateView(state), messages };
  }

  @Post()
  @ApiOperation({ summary: 'Reply on WhatsApp: free text inside the 24-hour window, an approved template outside it', description: 'A refused message is a 409 saying what is allowed now.' })
  @ApiCreatedResponse({ type: SentWhatsAppDto })
  @ApiErrors(400, 404, 409)
  async send(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: SendWhatsAppDto, @CurrentPrincipal() principal: Principal): Promise<SentWhatsAppDto> {
    await this.leads.assertVisible(id, principal);
    if (Boolean(body.text) === Boolean(body.template)) throw new InvalidRequestError('send either text or template');
    const message = body.text ? { text: body.text } : { template: body.template!, language: body.language, params: body.params };
    const { wamid, state } = await this.conversations.send(id, message, actorOf(principal));
    return { wamid, ...stateView(state) };
  }
}
