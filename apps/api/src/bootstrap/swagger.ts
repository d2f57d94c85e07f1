import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('LeadFlow CRM API')
    .setDescription(
      'Lead ads from Meta, TikTok and Snapchat arrive on `/webhooks/*`, are stored before they are answered and normalized into one Lead shape. ' +
        '`/crm/*` serves the frontend and operations; authenticate with `Authorization: Bearer <token>`: a sign-in token from `POST /crm/auth/login`, an API key, or ADMIN_API_KEY. ' +
        'The API guide (docs/api-guide.md) describes the flow, pagination, errors and the event stream.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A sign-in token (JWT), an API key (`lfk_…`), or ADMIN_API_KEY' })
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs, the OpenAPI JSON at /docs-json. */
export function mountSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
