import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import pino, { Logger as Pino } from 'pino';
import type { LogLevel } from '../../config/app-config.js';
import { requestContext } from './request-context.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** JSON lines to stdout (or to `destination`, which tests use to read them back). */
export function createRootLogger(level: LogLevel, destination?: pino.DestinationStream): Pino {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'marketplace' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
    mixin: () => {
      const requestId = requestContext.requestId();
      return requestId ? { requestId } : {};
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Express middleware: takes the caller's X-Request-Id when it is well-formed (or makes one), echoes it,
 * keeps it in async context for every log line of the request, and logs one line per finished request
 * (`request completed`, or `request aborted` when the client went away first): info below 400, warn for 4xx,
 * error for 5xx. Hand-rolled rather than pino-http, which built a child logger and serialised the request for
 * every request whether or not its line was written; this costs a few property reads when the level is off.
 */
export function requestLogging(root: Pino) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers['x-request-id'];
    const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    res.setHeader('X-Request-Id', id);
    (req as Request & { id: string }).id = id;
    const { method, url } = req;
    const started = performance.now();
    let logged = false;
    const log = () => {
      if (logged) return;
      logged = true;
      const aborted = !res.writableFinished;
      const level = aborted ? 'warn' : res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (!root.isLevelEnabled(level)) return;
      root[level](
        { requestId: id, req: { id, method, url }, res: { statusCode: res.statusCode }, responseTime: Math.round(performance.now() - started) },
        aborted ? 'request aborted' : 'request completed',
      );
    };
    res.once('finish', log);
    res.once('close', log);
    requestContext.run({ requestId: id }, next);
  };
}

/** Nest's logger interface over pino, so framework and module logs come out as the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Pino) {}

  log(message: unknown, context?: string) {
    this.root.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.root.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.root.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.root.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.root.trace({ context }, String(message));
  }
}
