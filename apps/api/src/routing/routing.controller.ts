import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { CreateRoutingRuleDto, ReorderRoutingRulesDto, RoutingRuleDto, SimulateRoutingDto, SimulationDto, UpdateRoutingRuleDto } from './dto/routing.dto.js';
import { RoutingRulesService } from './routing-rules.service.js';

@ApiTags('routing')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('admin')
@Controller('crm/routing')
export class RoutingController {
  constructor(private readonly rules: RoutingRulesService) {}

  @Get('rules')
  @ApiOperation({ summary: 'Routing rules in evaluation order (the default last)' })
  @ApiOkResponse({ type: [RoutingRuleDto] })
  list(): Promise<RoutingRuleDto[]> {
    return this.rules.list();
  }

  @Get('rules/:id')
  @ApiOperation({ summary: 'One routing rule' })
  @ApiOkResponse({ type: RoutingRuleDto })
  @ApiErrors(400, 404)
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<RoutingRuleDto> {
    return this.rules.get(id);
  }

  @Post('rules')
  @ApiOperation({ summary: 'Create a routing rule', description: 'Conditions over the lead, a target (team, or branch pooling its teams) and an assignment strategy.' })
  @ApiCreatedResponse({ type: RoutingRuleDto })
  @ApiErrors(400, 409)
  create(@Body() body: CreateRoutingRuleDto): Promise<RoutingRuleDto> {
    return this.rules.create(body);
  }

  @Patch('rules/:id')
  @ApiOperation({ summary: 'Change a routing rule (only the fields sent)' })
  @ApiOkResponse({ type: RoutingRuleDto })
  @ApiErrors(400, 404, 409)
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: UpdateRoutingRuleDto): Promise<RoutingRuleDto> {
    return this.rules.update(id, body);
  }

  @Delete('rules/:id')
  @ApiOperation({ summary: 'Delete a routing rule' })
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(404, 409)
  remove(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.rules.remove(id);
  }

  @Post('rules/reorder')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the evaluation order' })
  @ApiOkResponse({ type: [RoutingRuleDto] })
  @ApiErrors(400)
  reorder(@Body() body: ReorderRoutingRulesDto): Promise<RoutingRuleDto[]> {
    return this.rules.reorder(body.ruleIds);
  }

  @Post('simulate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Where leads would go under today\'s rules, and why',
    description: 'Give a lead, a stored lead id, or a received date range of stored leads. Nothing is assigned or written.',
  })
  @ApiOkResponse({ type: SimulationDto })
  @ApiErrors(400, 404)
  simulate(@Body() body: SimulateRoutingDto): Promise<SimulationDto> {
    return this.rules.simulate(body);
  }
}
