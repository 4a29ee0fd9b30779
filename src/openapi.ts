import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import packageJson from '../package.json' with { type: 'json' };
import { completeErrors } from './openapi/error-responses.js';
import { operationIdOf } from './openapi/operation-ids.js';
import { serveDeviceProtocol } from './openapi/device-protocol.js';

export const APP_TOKEN_SCHEME = 'app-token';
export const BEARER_SCHEME = 'bearer';

/** The backend API as OpenAPI, from the controllers and DTOs: UI at /docs, JSON at /docs-json; the device protocol at /docs-asyncapi.json. */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  serveDeviceProtocol(app);
}

export function openApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('pns')
      .setDescription(
        'Persistent notification inbox. The backend API needs the app token (X-Auth-Token, or Authorization: Bearer with the same token). ' +
          'Every error answers `{"statusCode","error","message"}`. Devices connect with a WebSocket (or Server-Sent Events) to /subscribe; ' +
          'their frames are described at /docs-asyncapi.json.',
      )
      .setVersion(packageJson.version)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'the app token (APP_TOKEN)' }, APP_TOKEN_SCHEME)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'the app token (APP_TOKEN) as a bearer token' }, BEARER_SCHEME)
      .build(),
    { operationIdFactory: operationIdOf },
  );
  // An opaque shared secret: Nest's bearer scheme says JWT unless told otherwise, and generators believe it.
  delete (document.components?.securitySchemes?.[BEARER_SCHEME] as { bearerFormat?: string } | undefined)?.bearerFormat;
  return completeErrors(document);
}
