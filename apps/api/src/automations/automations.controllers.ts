import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { AutomationsService } from './automations.service.js';
import {
  ActionRunDto,
  ActionRunPageDto,
  AutomationDto,
  CreateAutomationDto,
  ListActionRunsQuery,
  UpdateAutomationDto,
} from './dto/automation.dto.js';

const Id = () => Param('id', new ParseUUIDPipe());

@ApiTags('automations')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('admin')
@Controller('crm/automations')
export class AutomationsController {
  constructor(private readonly automations: AutomationsService) {}

  @Get()
  @ApiOperation({ summary: 'Automations' })
  @ApiOkResponse({ type: [AutomationDto] })
  list(): Promise<AutomationDto[]> {
    return this.automations.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One automation' })
  @ApiOkResponse({ type: AutomationDto })
  @ApiErrors(400, 404)
  get(@Id() id: string): Promise<AutomationDto> {
    return this.automations.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create an automation', description: 'A trigger, conditions (the routing rule language) and ordered actions with parameters, optional delays and a priority.' })
  @ApiCreatedResponse({ type: AutomationDto })
  @ApiErrors(400)
  create(@Body() body: CreateAutomationDto): Promise<AutomationDto> {
    return this.automations.create(body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a automation (only the fields sent)' })
  @ApiOkResponse({ type: AutomationDto })
  @ApiErrors(400, 404)
  update(@Id() id: string, @Body() body: UpdateAutomationDto): Promise<AutomationDto> {
    return this.automations.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an automation and its runs (disable it to keep them)' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  remove(@Id() id: string): Promise<void> {
    return this.automations.remove(id);
  }
}

@ApiTags('automations')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('admin')
@Controller('crm/action-runs')
export class ActionRunsController {
  constructor(private readonly automations: AutomationsService) {}

  @Get()
  @ApiOperation({ summary: 'Action runs, most recently changed first', description: '`?status=dead` lists what needs a retry.' })
  @ApiOkResponse({ type: ActionRunPageDto })
  @ApiErrors(400)
  list(@Query() query: ListActionRunsQuery): Promise<ActionRunPageDto> {
    return this.automations.listRuns(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One action run' })
  @ApiOkResponse({ type: ActionRunDto })
  @ApiErrors(400, 404)
  get(@Id() id: string): Promise<ActionRunDto> {
    return this.automations.getRun(id);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a failed or dead run again from its first attempt' })
  @ApiAcceptedResponse({ type: ActionRunDto })
  @ApiErrors(400, 404, 409)
  retry(@Id() id: string): Promise<ActionRunDto> {
    return this.automations.retryRun(id);
  }
}
