import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import packageJson from '../package.json' with { type: 'json' };

export const APP_TOKEN_SCHEME = 'app-token';
export const BEARER_SCHEME = 'bearer';

/** The backend API as OpenAPI, from the controllers and DTOs: UI at /docs, JSON at /docs-json. */
export function serveOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('pns')
      .setDescription(
        'Persistent notification inbox. The backend API needs the app token (X-Auth-Token or Authorization: Bearer). ' +
          'Devices connect with a WebSocket (or Server-Sent Events) to /subscribe; see the README for the device protocol.',
      )
      .setVersion(packageJson.version)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'APP_TOKEN' }, APP_TOKEN_SCHEME)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'APP_TOKEN as a bearer token' }, BEARER_SCHEME)
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
