import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { HttpLogger } from 'pino-http';

/**
 * nestjs-pino over the app's own pino-http instance (createHttpLogger), which app.factory mounts before every other
 * middleware so that no request escapes it. `useExisting`: nestjs-pino binds each request's `req.log` (carrying its
 * requestId) for the Nest loggers instead of mounting a second pino-http; logs outside a request go to the same
 * pino logger.
 */
@Module({})
export class LoggingModule {
  static forRoot(http: HttpLogger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger: http.logger, wrapSerializers: false, autoLogging: false }, useExisting: true })],
    };
  }
}
