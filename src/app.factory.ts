import type { IncomingMessage } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AppModule } from './app.module.js';
import { createRootLogger, PinoNestLogger, requestLogging } from './common/logging/logger.js';
import { createValidationPipe } from './common/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import type { DatabaseConnection } from './database/database-connection.js';

/**
 * Parts PUT to the local store's presigned URLs are raw file bytes whatever their Content-Type (a browser sends a
 * slice of a .json file as application/json), so the body parsers leave that route's bodies to the storage module.
 */
function parsedUnlessObjectBytes(mediaType: string) {
  return (req: IncomingMessage) =>
    !req.url?.startsWith('/v1/storage/local/') && (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === mediaType;
}

function setUpOpenApi(app: INestApplication, config: AppConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Physical-AI data marketplace API')
      .setDescription('Captures, datasets with provenance and licences, checkout by card or USDC, verifiable revenue splits.')
      .setVersion('1')
      .addServer(config.publicUrl)
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/** Builds the whole HTTP application; main.ts and the end-to-end tests both start it from here. */
export async function createApp(config: AppConfig, database: DatabaseConnection): Promise<NestExpressApplication> {
  const root = createRootLogger(config.LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, database), {
    rawBody: true,
    logger: new PinoNestLogger(root),
  });
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');
  app.use(requestLogging(root));
  app.use(helmet());
  app.useBodyParser('json', { limit: config.BODY_LIMIT, type: parsedUnlessObjectBytes('application/json') });
  app.useBodyParser('urlencoded', { limit: config.BODY_LIMIT, extended: false, type: parsedUnlessObjectBytes('application/x-www-form-urlencoded') });
  app.useGlobalPipes(createValidationPipe());
  setUpOpenApi(app, config);
  await app.init();
  return app;
}
