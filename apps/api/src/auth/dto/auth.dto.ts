import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { USER_ROLES, type ApiKeyCreated, type ApiKeySummary, type LoginRequest, type LoginResponse, type User, type UserRole, type CreateUserRequest, type UpdateUserRequest, type CreateApiKeyRequest } from '@leadflow/contracts';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';

export class LoginDto implements LoginRequest {
  @ApiProperty({ example: 'admin@demo.leadflow' })
  @IsEmail()
  email!: string;

  @ApiProperty({ example: 'demo-admin-password' })
  @IsString()
  @Length(1, 200)
  password!: string;
}

export class UserDto implements User {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'sara@demo.leadflow' }) email!: string;
  @ApiProperty({ example: 'Sara Al-Harbi' }) name!: string;
  @ApiProperty({ enum: USER_ROLES }) role!: UserRole;
  @ApiProperty() active!: boolean;
  @ApiPropertyOptional({ format: 'uuid' }) employeeId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) branchId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) lastLoginAt?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class LoginResponseDto implements LoginResponse {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiJ9…' }) accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ example: 43200 }) expiresIn!: number;
  @ApiProperty({ type: UserDto }) user!: UserDto;
}

export class CreateUserDto implements CreateUserRequest {
  @ApiProperty({ example: 'omar@example.com' })
  @IsEmail()
  email!: string;

  @ApiProperty({ example: 'Omar Farouk' })
  @IsString()
  @Length(1, 120)
  name!: string;

  @ApiProperty({ enum: USER_ROLES })
  @IsIn(USER_ROLES)
  role!: UserRole;

  @ApiProperty({ description: 'At least 10 characters.', example: 'correct-horse-battery' })
  @IsString()
  @Length(10, 200)
  password!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for agents.' })
  @IsOptional()
  @IsUUID()
  employeeId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for managers.' })
  @IsOptional()
  @IsUUID()
  branchId?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateUserDto extends PartialType(CreateUserDto) implements UpdateUserRequest {}

export class CreateApiKeyDto implements CreateApiKeyRequest {
  @ApiProperty({ example: 'Zapier import' })
  @IsString()
  @Length(1, 120)
  name!: string;
}

export class ApiKeySummaryDto implements ApiKeySummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Zapier import' }) name!: string;
  @ApiProperty({ example: 'lfk_3kQ9' }) prefix!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) lastUsedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) revokedAt?: string;
}

export class ApiKeyCreatedDto extends ApiKeySummaryDto implements ApiKeyCreated {
  @ApiProperty({ description: 'Shown only now: store it, it cannot be read again.', example: 'lfk_3kQ9…' }) key!: string;
}
