import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import {
  BranchDto,
  CreateBranchDto,
  CreateEmployeeDto,
  CreateTeamDto,
  EmployeeDto,
  TeamDto,
  UpdateBranchDto,
  UpdateEmployeeDto,
  UpdateTeamDto,
} from './dto/organisation.dto.js';
import { OrganisationService } from './organisation.service.js';

const Id = () => Param('id', new ParseUUIDPipe());
const OptionalUuid = (name: string) => Query(name, new ParseUUIDPipe({ optional: true }));

@ApiTags('organisation')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('crm/branches')
export class BranchesController {
  constructor(private readonly organisation: OrganisationService) {}

  @Get()
  @ApiOperation({ summary: 'Branches' })
  @ApiOkResponse({ type: [BranchDto] })
  list(): Promise<BranchDto[]> {
    return this.organisation.listBranches();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One branch' })
  @ApiOkResponse({ type: BranchDto })
  @ApiErrors(400, 404)
  get(@Id() id: string): Promise<BranchDto> {
    return this.organisation.getBranch(id);
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Create a branch', description: 'Its timezone and working hours govern its teams: eligibility, SLA clocks, hour-of-day rules.' })
  @ApiCreatedResponse({ type: BranchDto })
  @ApiErrors(400, 409)
  create(@Body() body: CreateBranchDto): Promise<BranchDto> {
    return this.organisation.createBranch(body);
  }

  @Roles('admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a branch (only the fields sent)' })
  @ApiOkResponse({ type: BranchDto })
  @ApiErrors(400, 404, 409)
  update(@Id() id: string, @Body() body: UpdateBranchDto): Promise<BranchDto> {
    return this.organisation.updateBranch(id, body);
  }

  @Roles('admin')
  @Delete(':id')
  @ApiOperation({ summary: 'Delete a branch' })
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(404, 409)
  remove(@Id() id: string): Promise<void> {
    return this.organisation.deleteBranch(id);
  }
}

@ApiTags('organisation')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('crm/teams')
export class TeamsController {
  constructor(private readonly organisation: OrganisationService) {}

  @Get()
  @ApiOperation({ summary: 'Teams, optionally of one branch' })
  @ApiQuery({ name: 'branchId', required: false })
  @ApiOkResponse({ type: [TeamDto] })
  list(@OptionalUuid('branchId') branchId?: string): Promise<TeamDto[]> {
    return this.organisation.listTeams(branchId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One team' })
  @ApiOkResponse({ type: TeamDto })
  @ApiErrors(400, 404)
  get(@Id() id: string): Promise<TeamDto> {
    return this.organisation.getTeam(id);
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Create a team', description: 'With its SLA (working minutes to first contact), escalation ladder, manager and fallback team.' })
  @ApiCreatedResponse({ type: TeamDto })
  @ApiErrors(400, 409)
  create(@Body() body: CreateTeamDto): Promise<TeamDto> {
    return this.organisation.createTeam(body);
  }

  @Roles('admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a team (only the fields sent)' })
  @ApiOkResponse({ type: TeamDto })
  @ApiErrors(400, 404, 409)
  update(@Id() id: string, @Body() body: UpdateTeamDto): Promise<TeamDto> {
    return this.organisation.updateTeam(id, body);
  }

  @Roles('admin')
  @Delete(':id')
  @ApiOperation({ summary: 'Delete a team' })
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(404, 409)
  remove(@Id() id: string): Promise<void> {
    return this.organisation.deleteTeam(id);
  }
}

@ApiTags('organisation')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('crm/employees')
export class EmployeesController {
  constructor(private readonly organisation: OrganisationService) {}

  @Get()
  @ApiOperation({ summary: 'Employees, optionally of one team' })
  @ApiQuery({ name: 'teamId', required: false })
  @ApiOkResponse({ type: [EmployeeDto] })
  list(@OptionalUuid('teamId') teamId?: string): Promise<EmployeeDto[]> {
    return this.organisation.listEmployees(teamId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One employee' })
  @ApiOkResponse({ type: EmployeeDto })
  @ApiErrors(400, 404)
  get(@Id() id: string): Promise<EmployeeDto> {
    return this.organisation.getEmployee(id);
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Create an employee', description: 'Languages and products make them preferred for matching leads; capacity caps their open, uncontacted leads.' })
  @ApiCreatedResponse({ type: EmployeeDto })
  @ApiErrors(400)
  create(@Body() body: CreateEmployeeDto): Promise<EmployeeDto> {
    return this.organisation.createEmployee(body);
  }

  @Roles('admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a employee (only the fields sent)' })
  @ApiOkResponse({ type: EmployeeDto })
  @ApiErrors(400, 404)
  update(@Id() id: string, @Body() body: UpdateEmployeeDto): Promise<EmployeeDto> {
    return this.organisation.updateEmployee(id, body);
  }

  @Roles('admin')
  @Delete(':id')
  @ApiOperation({ summary: 'Delete a employee' })
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(404, 409)
  remove(@Id() id: string): Promise<void> {
    return this.organisation.deleteEmployee(id);
  }
}
