import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AppModule } from './app.module.js';
import { createRootLogger, PinoNestLogger, requestLogging } from './common/logging/logger.js';
import { createValidationPipe } from './common/validation.pipe.js';
import { pageScriptSources } from './web/page-layout.js';
import { vendorLibraries, webPublicDir } from './web/web-assets.js';
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

/**
 * Helmet's default policy (scripts and connections to this origin only) plus the pages' inline import map (by hash) and,
 * when objects live in S3, the store's origin: the contributor page PUTs upload parts straight to presigned S3 URLs.
 */
function contentSecurityDirectives(config: AppConfig): Record<string, string[]> {
  const connect = ["'self'"];
  if (config.S3_ENDPOINT) connect.push(new URL(config.S3_ENDPOINT).origin);
  else if (config.S3_BUCKET) connect.push('https://*.amazonaws.com');
  return { connectSrc: connect, scriptSrc: pageScriptSources() };
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
  app.use(helmet({ contentSecurityPolicy: { directives: contentSecurityDirectives(config) } }));
  // The pages' scripts, styles and libraries, served from this process (no CDN): see src/web.
  app.useStaticAssets(join(webPublicDir(), 'assets'), { prefix: '/assets/', index: false, fallthrough: false });
  for (const library of vendorLibraries()) app.useStaticAssets(library.dir, { prefix: library.urlPrefix, index: false, fallthrough: false });
  app.useBodyParser('json', { limit: config.BODY_LIMIT, type: parsedUnlessObjectBytes('application/json') });
  app.useBodyParser('urlencoded', { limit: config.BODY_LIMIT, extended: false, type: parsedUnlessObjectBytes('application/x-www-form-urlencoded') });
  app.useGlobalPipes(createValidationPipe());
  setUpOpenApi(app, config);
  await app.init();
  return app;
}
