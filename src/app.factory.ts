import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type pino from 'pino';
import { AppModule } from './app.module.js';
import { documentValidationErrors } from './common/errors/validation-error-docs.js';
import { rejectDeepJsonBodies } from './common/input-limits.js';
import { createHttpLogger } from './common/logging/logger.js';
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
 * Helmet's default policy (scripts and connections to this origin only) plus the pages' inline import map (by hash),
 * PUBLIC_URL's origin (the API's links name it even when the page was opened at another host name; the pages map them
 * onto their own origin, see sameOriginUrl in api.js) and, when objects live in S3, the store's origin: the contributor
 * page PUTs upload parts straight to presigned S3 URLs.
 */
function contentSecurityDirectives(config: AppConfig): Record<string, string[]> {
  const connect = ["'self'", new URL(config.publicUrl).origin];
  if (config.S3_ENDPOINT) connect.push(new URL(config.S3_ENDPOINT).origin);
  else if (config.S3_BUCKET) connect.push('https://*.amazonaws.com');
  // blob: for previews the page fetched with the caller's credentials (an <img> or <video> cannot send them).
  return { connectSrc: connect, scriptSrc: pageScriptSources(), imgSrc: ["'self'", 'data:', 'blob:'], mediaSrc: ["'self'", 'blob:'] };
}

/** The OpenAPI document and /docs, built on the first request for either (scanning every route costs start-up time). */
function setUpOpenApi(app: INestApplication, config: AppConfig): void {
  const documentFactory = () =>
    documentValidationErrors(
      SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('Physical-AI data marketplace API')
          .setDescription('Captures, datasets with provenance and licences, checkout by card or USDC, verifiable revenue splits.')
          .setVersion('1')
          // Relative first: "Try it out" calls the host /docs was opened at (any host name that reaches the app, allowed
          // by the page's connect-src 'self'); PUBLIC_URL second, for clients generated from /docs-json elsewhere.
          .addServer('/', 'The host this document was fetched from')
          .addServer(config.publicUrl, 'PUBLIC_URL')
          .addBearerAuth()
          .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
          .build(),
      ),
    );
  SwaggerModule.setup('docs', app, documentFactory, { jsonDocumentUrl: 'docs-json' });
}

/**
 * Every API response may carry a token, a key, a signed URL or someone's own data (sign-in, API keys, part and
 * download URLs, certificates, orders), so none may be kept by a browser or a shared cache.
 */
function noStoreApiResponses(req: Request, res: Response, next: NextFunction): void {
  if (req.path.startsWith('/v1/')) res.setHeader('Cache-Control', 'no-store');
  next();
}

export interface AppOptions {
  /** Where the JSON log lines go (default: stdout); tests pass a stream to read them back. */
  logDestination?: pino.DestinationStream;
}

/** Builds the whole HTTP application; main.ts and the end-to-end tests both start it from here. */
export async function createApp(config: AppConfig, database: DatabaseConnection, options: AppOptions = {}): Promise<NestExpressApplication> {
  const httpLogger = createHttpLogger(config.LOG_LEVEL, options.logDestination);
  const module = AppModule.forRoot(config, database, httpLogger);
  const app = await NestFactory.create<NestExpressApplication>(module, { rawBody: true, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // First, so that every request gets its id and its log line, even one a later middleware refuses.
  app.use(httpLogger);
  app.use(noStoreApiResponses);
  app.use(helmet({ contentSecurityPolicy: { directives: contentSecurityDirectives(config) } }));
  // The pages' scripts, styles and libraries, served from this process (no CDN): see src/web.
  app.useStaticAssets(join(webPublicDir(), 'assets'), { prefix: '/assets/', index: false, fallthrough: false });
  for (const library of vendorLibraries()) app.useStaticAssets(library.dir, { prefix: library.urlPrefix, index: false, fallthrough: false });
  app.useBodyParser('json', { limit: config.BODY_LIMIT, type: parsedUnlessObjectBytes('application/json') });
  app.useBodyParser('urlencoded', { limit: config.BODY_LIMIT, extended: false, type: parsedUnlessObjectBytes('application/x-www-form-urlencoded') });
  app.use(rejectDeepJsonBodies());
  app.useGlobalPipes(createValidationPipe());
  setUpOpenApi(app, config);
  await app.init();
  return app;
}
