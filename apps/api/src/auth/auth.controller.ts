import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { ErrorDto } from '../common/error.dto.js';
import { AuthService } from './auth.service.js';
import { ApiKeyCreatedDto, ApiKeySummaryDto, CreateApiKeyDto, CreateUserDto, LoginDto, LoginResponseDto, UpdateUserDto, UserDto } from './dto/auth.dto.js';
import { CurrentPrincipal, Roles, type Principal } from './principal.js';
import { Public } from './public.decorator.js';

@ApiTags('auth')
@Controller('crm/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password', description: 'Returns a bearer token. Repeated failures for one email from one address are refused for 15 minutes (429).' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiResponse({ status: 429, description: 'Too many failed attempts; retry after the time given.', type: ErrorDto })
  @ApiErrors(400, 401)
  login(@Body() body: LoginDto, @Req() req: FastifyRequest): Promise<LoginResponseDto> {
    return this.auth.login(body.email, body.password, req.ip);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(401)
  me(@CurrentPrincipal() principal: Principal): Promise<UserDto> {
    return this.auth.me(principal);
  }
}

@ApiTags('auth')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('crm/api-keys')
export class ApiKeysController {
  constructor(private readonly auth: AuthService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key for integrations or scripts', description: 'The key is in this answer only; it is stored hashed. It acts as the user who created it.' })
  @ApiCreatedResponse({ type: ApiKeyCreatedDto })
  @ApiErrors(400)
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateApiKeyDto): Promise<ApiKeyCreatedDto> {
    return this.auth.createApiKey(principal, body.name);
  }

  @Get()
  @ApiOperation({ summary: 'Your API keys (admins: all)' })
  @ApiOkResponse({ type: [ApiKeySummaryDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<ApiKeySummaryDto[]> {
    return this.auth.listApiKeys(principal);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  revoke(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.auth.revokeApiKey(principal, id);
  }
}

@ApiTags('auth')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('admin')
@Controller('crm/users')
export class UsersController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  @ApiOperation({ summary: 'Users (admin)' })
  @ApiOkResponse({ type: [UserDto] })
  list(): Promise<UserDto[]> {
    return this.auth.listUsers();
  }

  @Post()
  @ApiOperation({ summary: 'Create a user (admin)', description: 'Agents must be linked to an employee, managers to the branch they manage.' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors(400, 409)
  create(@Body() body: CreateUserDto): Promise<UserDto> {
    return this.auth.createUser(body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a user (only the fields sent)' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(400, 404, 409)
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: UpdateUserDto): Promise<UserDto> {
    return this.auth.updateUser(id, body);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a user' })
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(404, 409)
  remove(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.auth.deleteUser(id, principal);
  }
}
