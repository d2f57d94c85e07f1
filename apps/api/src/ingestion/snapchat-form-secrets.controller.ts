import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Roles } from '../auth/principal.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { SnapchatFormSecrets } from './snapchat-form-secrets.service.js';

class PutSnapchatFormSecretDto {
  @ApiProperty({ description: 'The hmac_secret Snapchat returned when the form\'s webhook integration was created (shown only then).' })
  @IsString()
  @Length(8, 512)
  hmacSecret!: string;
}

class SnapchatFormSecretDto {
  @ApiProperty({ example: '2b8f1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' })
  formId!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: Date;
}

@ApiTags('integrations')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('admin')
@Controller('crm/integrations/snapchat/forms')
export class SnapchatFormSecretsController {
  constructor(private readonly secrets: SnapchatFormSecrets) {}

  @Get()
  @ApiOperation({ summary: 'Forms with their own webhook secret (the secrets are never returned)' })
  @ApiOkResponse({ type: [SnapchatFormSecretDto] })
  list(): Promise<SnapchatFormSecretDto[]> {
    return this.secrets.list();
  }

  @Put(':formId/secret')
  @HttpCode(204)
  @ApiOperation({ summary: "Store a form's webhook hmac_secret", description: 'Deliveries for this form then verify with it (SNAPCHAT_HMAC_SECRET still works too).' })
  @ApiNoContentResponse()
  @ApiErrors(400)
  async put(@Param('formId') formId: string, @Body() body: PutSnapchatFormSecretDto): Promise<void> {
    await this.secrets.put(formId, body.hmacSecret);
  }

  @Delete(':formId/secret')
  @HttpCode(204)
  @ApiOperation({ summary: "Forget a form's webhook secret" })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async remove(@Param('formId') formId: string): Promise<void> {
    if (!(await this.secrets.remove(formId))) throw new NotFoundException(`no secret stored for form ${formId}`);
  }
}
