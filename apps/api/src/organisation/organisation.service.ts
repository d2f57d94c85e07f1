import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidRequestError, NotFoundError } from '@leadflow/application';
import type { Branch, Employee, Team } from '@leadflow/contracts';
import { PrismaClient, type Prisma } from '@leadflow/db';
import { calendarProblems, escalationProblems, timeOffProblems } from '@leadflow/domain';
import type { CreateBranchDto, CreateEmployeeDto, CreateTeamDto, UpdateBranchDto, UpdateEmployeeDto, UpdateTeamDto } from './dto/organisation.dto.js';
import { toBranch, toEmployee, toTeam } from './organisation.presenter.js';

// Sun–Thu 09:00–17:00: the Saudi working week, the default a new branch starts from.
const DEFAULT_WORKING_HOURS = Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu'].map((d) => [d, [{ start: '09:00', end: '17:00' }]]));

function check(problems: string[]): void {
  if (problems.length) throw new InvalidRequestError(problems);
}

/** Branches, teams and employees: the people leads are routed to. */
@Injectable()
export class OrganisationService {
  constructor(private readonly prisma: PrismaClient) {}

  listBranches(): Promise<Branch[]> {
    return this.prisma.branch.findMany({ orderBy: { name: 'asc' } }).then((rows) => rows.map(toBranch));
  }

  async getBranch(id: string): Promise<Branch> {
    return toBranch(await this.found(this.prisma.branch.findUnique({ where: { id } }), `branch ${id}`));
  }

  async createBranch(input: CreateBranchDto): Promise<Branch> {
    check(calendarProblems(input));
    return toBranch(await this.prisma.branch.create({ data: { ...input, workingHours: (input.workingHours ?? DEFAULT_WORKING_HOURS) as Prisma.InputJsonValue, holidays: input.holidays ?? [] } }));
  }

  async updateBranch(id: string, input: UpdateBranchDto): Promise<Branch> {
    check(calendarProblems(input));
    await this.getBranch(id);
    return toBranch(await this.prisma.branch.update({ where: { id }, data: input as Prisma.BranchUpdateInput }));
  }

  async deleteBranch(id: string): Promise<void> {
    await this.getBranch(id);
    if (await this.prisma.team.count({ where: { branchId: id } })) throw new ConflictError('the branch still has teams; move or delete them first');
    await this.prisma.branch.delete({ where: { id } });
  }

  listTeams(branchId?: string): Promise<Team[]> {
    return this.prisma.team.findMany({ where: { branchId }, orderBy: { name: 'asc' } }).then((rows) => rows.map(toTeam));
  }

  async getTeam(id: string): Promise<Team> {
    return toTeam(await this.found(this.prisma.team.findUnique({ where: { id } }), `team ${id}`));
  }

  async createTeam(input: CreateTeamDto): Promise<Team> {
    await this.checkTeamRefs(input);
    return toTeam(await this.prisma.team.create({ data: { ...input, escalation: (input.escalation ?? []) as unknown as Prisma.InputJsonValue } }));
  }

  async updateTeam(id: string, input: UpdateTeamDto): Promise<Team> {
    await this.getTeam(id);
    if (input.fallbackTeamId === id) throw new InvalidRequestError('a team cannot be its own fallback');
    await this.checkTeamRefs(input);
    return toTeam(await this.prisma.team.update({ where: { id }, data: { ...input, escalation: input.escalation as unknown as Prisma.InputJsonValue | undefined } }));
  }

  async deleteTeam(id: string): Promise<void> {
    await this.getTeam(id);
    if (await this.prisma.employee.count({ where: { teamId: id } })) throw new ConflictError('the team still has employees; move or delete them first');
    if (await this.prisma.routingRule.count({ where: { teamId: id } })) throw new ConflictError('routing rules send leads to this team; change them first');
    await this.prisma.team.delete({ where: { id } });
  }

  listEmployees(teamId?: string): Promise<Employee[]> {
    return this.prisma.employee.findMany({ where: { teamId }, orderBy: { name: 'asc' } }).then((rows) => rows.map(toEmployee));
  }

  async getEmployee(id: string): Promise<Employee> {
    return toEmployee(await this.found(this.prisma.employee.findUnique({ where: { id } }), `employee ${id}`));
  }

  async createEmployee(input: CreateEmployeeDto): Promise<Employee> {
    await this.checkEmployeeInput(input);
    return toEmployee(await this.prisma.employee.create({ data: { ...input, timeOff: (input.timeOff ?? []) as unknown as Prisma.InputJsonValue } }));
  }

  async updateEmployee(id: string, input: UpdateEmployeeDto): Promise<Employee> {
    await this.getEmployee(id);
    await this.checkEmployeeInput(input);
    return toEmployee(await this.prisma.employee.update({ where: { id }, data: { ...input, timeOff: input.timeOff as unknown as Prisma.InputJsonValue | undefined } }));
  }

  /** Refused while they hold open leads (reassign first) or a rule names them; deactivating is the usual way out. */
  async deleteEmployee(id: string): Promise<void> {
    await this.getEmployee(id);
    const open = await this.prisma.lead.count({ where: { assigneeId: id, status: { notIn: ['won', 'lost'] } } });
    if (open) throw new ConflictError(`the employee still owns ${open} open lead(s); reassign them or set active to false`);
    if (await this.prisma.routingRule.count({ where: { employeeId: id } })) throw new ConflictError('a fixed-employee routing rule names this employee; change it first');
    await this.prisma.$transaction([this.prisma.team.updateMany({ where: { managerId: id }, data: { managerId: null } }), this.prisma.employee.delete({ where: { id } })]);
  }

  private async checkTeamRefs(input: UpdateTeamDto): Promise<void> {
    if (input.escalation !== undefined) check(escalationProblems(input.escalation));
    if (input.branchId && !(await this.prisma.branch.findUnique({ where: { id: input.branchId } }))) throw new InvalidRequestError(`branch ${input.branchId} does not exist`);
    if (input.fallbackTeamId && !(await this.prisma.team.findUnique({ where: { id: input.fallbackTeamId } }))) throw new InvalidRequestError(`fallback team ${input.fallbackTeamId} does not exist`);
    if (input.managerId && !(await this.prisma.employee.findUnique({ where: { id: input.managerId } }))) throw new InvalidRequestError(`manager ${input.managerId} does not exist`);
  }

  private async checkEmployeeInput(input: UpdateEmployeeDto): Promise<void> {
    if (input.timeOff !== undefined) check(timeOffProblems(input.timeOff));
    if (input.teamId && !(await this.prisma.team.findUnique({ where: { id: input.teamId } }))) throw new InvalidRequestError(`team ${input.teamId} does not exist`);
  }

  private async found<T>(query: Promise<T | null>, what: string): Promise<T> {
    const row = await query;
    if (!row) throw new NotFoundError(`${what} does not exist`);
    return row;
  }
}
