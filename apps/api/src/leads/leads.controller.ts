import { Body, Controller, Get, Header, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AutomationDispatcher, LeadRouter, LeadStatusService } from '@leadflow/application';
import type { FastifyReply } from 'fastify';
import { actorOf, CurrentPrincipal, Roles, type Principal } from '../auth/principal.js';
import { ManualRunDto } from '../automations/dto/automation.dto.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { AddLeadNoteDto, AssignLeadDto, ChangeLeadStatusDto, RunAutomationDto, SetLeadTagsDto, StatusMirrorQueuedDto } from './dto/lead-actions.dto.js';
import { LeadDetailDto, LeadPageDto, LeadTimelineEventDto } from './dto/lead.dto.js';
import { ExportLeadsQuery, ListLeadsQuery } from './dto/list-leads.query.js';
import { LeadsService } from './leads.service.js';

const Id = () => Param('id', new ParseUUIDPipe());
/** `If-Match: "1795279244862"` (quotes and W/ optional) → the version. */
const IfMatch = () => Headers('if-match');
const versionFrom = (header?: string) => header?.replace(/^W\//, '').replace(/"/g, '').trim() || undefined;
const ETAG = { ETag: { description: 'The lead version, to send back as If-Match', schema: { type: 'string', example: '"1795279244862"' } } };
const IF_MATCH = { name: 'if-match', required: false, description: "The lead's `version` you read: a lead changed since then is refused with 409." };

@ApiTags('leads')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('crm/leads')
export class LeadsController {
  constructor(
    private readonly leads: LeadsService,
    private readonly router: LeadRouter,
    private readonly statuses: LeadStatusService,
    private readonly automations: AutomationDispatcher,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Leads you may see, with filters, sort and cursor pagination', description: 'Agents see the leads assigned to them, managers their branch, admins all.' })
  @ApiOkResponse({ type: LeadPageDto })
  @ApiErrors(400)
  list(@Query() query: ListLeadsQuery, @CurrentPrincipal() principal: Principal): Promise<LeadPageDto> {
    return this.leads.list(query, principal);
  }

  @Get('export.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="leads.csv"')
  @ApiOperation({ summary: 'The same filtered leads as CSV', description: 'Streamed; UTF-8 with a byte order mark so Excel shows Arabic names.' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ schema: { type: 'string', example: '\uFEFF"id","receivedAt","platform",…' } })
  @ApiErrors(400)
  export(@Query() query: ExportLeadsQuery, @CurrentPrincipal() principal: Principal, @Res() reply: FastifyReply): void {
    void reply.send(this.leads.export(query, principal));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One lead with its assignee, the same person\'s other leads, the full timeline and its action runs' })
  @ApiOkResponse({ type: LeadDetailDto, headers: ETAG })
  @ApiErrors(400, 404)
  get(@Id() id: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<LeadDetailDto> {
    return this.detail(id, principal, reply);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('admin', 'manager')
  @ApiOperation({ summary: 'Assign or reassign a lead by hand', description: 'Managers within their branch. The new owner gets a fresh first-contact deadline and `lead.assigned` automations fire.' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: LeadDetailDto, headers: ETAG })
  @ApiErrors(400, 403, 404, 409)
  async assign(@Id() id: string, @Body() body: AssignLeadDto, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply, @IfMatch() ifMatch?: string): Promise<LeadDetailDto> {
    await this.leads.assertVisible(id, principal);
    await this.router.assignManually(id, body.employeeId, actorOf(principal), {
      reason: body.reason,
      expectedVersion: versionFrom(ifMatch),
      branchId: principal.role === 'manager' ? principal.branchId : undefined,
    });
    return this.detail(id, principal, reply);
  }

  @Patch(':id/status')
  @ApiOperation({
    summary: 'Move a lead along the pipeline',
    description: 'new → contacted → qualified → proposal → won, or lost (with a reason) from any open status. Leaving `new` proves contact and stops the SLA clock.',
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: LeadDetailDto, headers: ETAG })
  @ApiErrors(400, 404, 409)
  async changeStatus(@Id() id: string, @Body() body: ChangeLeadStatusDto, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply, @IfMatch() ifMatch?: string): Promise<LeadDetailDto> {
    await this.leads.assertVisible(id, principal);
    await this.statuses.changeStatus(id, body.status, { actor: actorOf(principal), reason: body.reason, expectedVersion: versionFrom(ifMatch) });
    return this.detail(id, principal, reply);
  }

  @Post(':id/notes')
  @ApiOperation({ summary: 'Add a note to the lead\'s timeline' })
  @ApiCreatedResponse({ type: LeadTimelineEventDto })
  @ApiErrors(400, 404)
  addNote(@Id() id: string, @Body() body: AddLeadNoteDto, @CurrentPrincipal() principal: Principal): Promise<LeadTimelineEventDto> {
    return this.leads.addNote(id, body.body, principal);
  }

  @Put(':id/tags')
  @ApiOperation({ summary: 'Replace the lead\'s tags', description: 'Returns the lead with its new version.' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: LeadDetailDto, headers: ETAG })
  @ApiErrors(400, 404, 409)
  async setTags(@Id() id: string, @Body() body: SetLeadTagsDto, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply, @IfMatch() ifMatch?: string): Promise<LeadDetailDto> {
    await this.leads.setTags(id, body.tags, principal, { expectedVersion: versionFrom(ifMatch) });
    return this.detail(id, principal, reply);
  }

  @Post(':id/automations/:automationId/run')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({
    summary: 'Run an automation (or one action) for this lead now',
    description: 'Whatever its trigger and conditions. Runs that exist are left alone (idempotent) unless force, which queues them again.',
  })
  @ApiAcceptedResponse({ type: ManualRunDto })
  @ApiErrors(400, 403, 404, 409)
  async runAutomation(@Id() id: string, @Param('automationId', new ParseUUIDPipe()) automationId: string, @Body() body: RunAutomationDto): Promise<ManualRunDto> {
    return { runs: await this.automations.runManually(id, automationId, body) };
  }

  @Post(':id/sync-status')
  @HttpCode(202)
  @Roles('admin')
  @ApiOperation({
    summary: "Mirror the lead's current status to Odoo and its sheet row again",
    description: 'For a mirror that was given up (admins were told: Odoo refused it, a token expired) once the cause is fixed. Writes the status as it is when the job runs.',
  })
  @ApiAcceptedResponse({ type: StatusMirrorQueuedDto })
  @ApiErrors(403, 404)
  async resendStatus(@Id() id: string, @CurrentPrincipal() principal: Principal): Promise<StatusMirrorQueuedDto> {
    return this.leads.resendStatus(id, principal);
  }

  /** The lead as the caller may see it, its version also as ETag. */
  private async detail(id: string, principal: Principal, reply: FastifyReply): Promise<LeadDetailDto> {
    const lead = await this.leads.get(id, principal);
    void reply.header('etag', `"${lead.version}"`);
    return lead;
  }
}
