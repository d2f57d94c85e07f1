import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { ActionsReportDto, FirstContactQueryDto, FirstContactReportDto, FunnelReportDto, LeadsReportDto, LeadsReportQueryDto, OverviewReportDto, ReportQueryDto } from './dto/report.dto.js';
import { ReportsService } from './reports.service.js';

const SCOPE = 'Admins see everything, managers their branch, agents their own leads. Days are local to each lead\'s branch.';

@ApiTags('reports')
@ApiBearerAuth()
@ApiErrors(400, 401)
@Controller('crm/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('overview')
  @ApiOperation({ summary: 'The dashboard: totals, platforms, today, first contact, SLA and action success', description: SCOPE })
  @ApiOkResponse({ type: OverviewReportDto })
  overview(@Query() query: ReportQueryDto, @CurrentPrincipal() principal: Principal): Promise<OverviewReportDto> {
    return this.reports.overview(query, principal);
  }

  @Get('leads')
  @ApiOperation({ summary: 'Leads and conversion rates per day, week or month, by platform, campaign, ad set, ad, form, branch, team or employee', description: SCOPE })
  @ApiOkResponse({ type: LeadsReportDto })
  leads(@Query() query: LeadsReportQueryDto, @CurrentPrincipal() principal: Principal): Promise<LeadsReportDto> {
    return this.reports.leads(query, principal);
  }

  @Get('funnel')
  @ApiOperation({ summary: 'The funnel: received → contacted → qualified → proposal → won', description: SCOPE })
  @ApiOkResponse({ type: FunnelReportDto })
  funnel(@Query() query: ReportQueryDto, @CurrentPrincipal() principal: Principal): Promise<FunnelReportDto> {
    return this.reports.funnel(query, principal);
  }

  @Get('first-contact')
  @ApiOperation({ summary: 'Time to first contact (median, p90) and SLA compliance per branch, team or employee', description: SCOPE })
  @ApiOkResponse({ type: FirstContactReportDto })
  firstContact(@Query() query: FirstContactQueryDto, @CurrentPrincipal() principal: Principal): Promise<FirstContactReportDto> {
    return this.reports.firstContact(query, principal);
  }

  @Get('actions')
  @Roles('admin', 'manager')
  @ApiOperation({ summary: 'Action success rates per connector and action type (all branches)' })
  @ApiOkResponse({ type: ActionsReportDto })
  @ApiErrors(403)
  actions(@Query() query: ReportQueryDto): Promise<ActionsReportDto> {
    return this.reports.actions(query);
  }
}
