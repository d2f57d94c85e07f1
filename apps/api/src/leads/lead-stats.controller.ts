import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { LEAD_STATUSES, PLATFORMS, type CrmStats, type LeadStatus, type Platform } from '@leadflow/contracts';
import { PrismaClient } from '@leadflow/db';
import { DEFAULT_TIMEZONE, instantAt, localTime } from '@leadflow/domain';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { leadScope } from './lead-access.js';

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

class CrmStatsDto implements CrmStats {
  @ApiProperty({ example: 1240 }) total!: number;
  @ApiProperty({ example: { new: 310, contacted: 402, qualified: 180, proposal: 96, won: 121, lost: 131 } }) byStatus!: Record<LeadStatus, number>;
  @ApiProperty({ example: { meta: 820, tiktok: 210, snapchat: 150, whatsapp: 60 } }) bySource!: Record<Platform, number>;
  @ApiProperty({ example: 988 }) open!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.0976 }) conversionRate!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.4802 }) winRate!: number | null;
  @ApiProperty({ example: 37 }) today!: number;
  @ApiProperty({ example: 212 }) thisWeek!: number;
  @ApiProperty({ example: 'Asia/Riyadh' }) timezone!: string;
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
}

const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

@ApiTags('reports')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('crm')
export class LeadStatsController {
  constructor(private readonly prisma: PrismaClient) {}

  @Get('stats')
  @ApiOperation({
    summary: 'The CRM overview: leads by current status and source, conversion, today and this week',
    description: `Counts the leads the caller may see (admins all, managers their branch, agents their own) as they stand now — a stage change, won or lost made in Odoo shows once the Odoo sync has read it. Today and this week are in ${DEFAULT_TIMEZONE} (weeks start on Monday).`,
  })
  @ApiOkResponse({ type: CrmStatsDto })
  async stats(@CurrentPrincipal() principal: Principal): Promise<CrmStatsDto> {
    const now = new Date();
    const local = localTime(now, DEFAULT_TIMEZONE);
    const today = instantAt(local.date, 0, DEFAULT_TIMEZONE);
    const daysSinceMonday = (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).indexOf(local.weekday);
    const monday = new Date(Date.parse(`${local.date}T00:00:00Z`) - daysSinceMonday * 86_400_000).toISOString().slice(0, 10);
    const weekStart = instantAt(monday, 0, DEFAULT_TIMEZONE);
    const scope = leadScope(principal);
    const [groups, todayCount, weekCount] = await Promise.all([
      this.prisma.lead.groupBy({ by: ['status', 'platform'], where: scope, _count: { _all: true } }),
      this.prisma.lead.count({ where: { AND: [scope, { receivedAt: { gte: today } }] } }),
      this.prisma.lead.count({ where: { AND: [scope, { receivedAt: { gte: weekStart } }] } }),
    ]);
    const byStatus = zeros(LEAD_STATUSES);
    const bySource = zeros(PLATFORMS);
    for (const group of groups) {
      byStatus[group.status] += group._count._all;
      bySource[group.platform] += group._count._all;
    }
    const total = Object.values(byStatus).reduce((n, c) => n + c, 0);
    return {
      total,
      byStatus,
      bySource,
      open: total - byStatus.won - byStatus.lost,
      conversionRate: rate(byStatus.won, total),
      winRate: rate(byStatus.won, byStatus.won + byStatus.lost),
      today: todayCount,
      thisWeek: weekCount,
      timezone: DEFAULT_TIMEZONE,
      generatedAt: now.toISOString(),
    };
  }
}
