import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import pino from 'pino';
import { type HttpLogger, type Options, pinoHttp, type StdSerializedResults } from 'pino-http';
import type { LogLevel } from '../../config/app-config.js';
import { scrubSecrets, scrubSecretsDeep, scrubSerializedError } from './secret-scrubber.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Request headers that are credentials: logged as `[REDACTED]`. */
export const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'x-api-key', 'cookie', 'stripe-signature', 'x-network-signature'];

/** Property names that hold secrets wherever they appear in a logged object (top level or one level down). */
const SECRET_PROPERTIES = ['password', 'accessToken', 'refreshToken', 'token', 'secret', 'apiKey', 'privateKey', 'secretKey'];

const REDACT_PATHS = [
  ...CREDENTIAL_HEADERS.map((header) => `req.headers["${header}"]`),
  'res.headers["set-cookie"]',
  ...SECRET_PROPERTIES.flatMap((name) => [name, `*.${name}`]),
];

/**
 * The request as a line shows it: never the body, the URL with any signed token or signature taken out, and the
 * client's address as Express derives it under TRUST_PROXY.
 */
function requestSerializer(req: StdSerializedResults['req']) {
  const client = (req.raw as Partial<Request>).ip ?? req.remoteAddress;
  return { id: req.id, method: req.method, url: scrubSecrets(req.url), headers: req.headers, remoteAddress: client };
}

function responseSerializer(res: StdSerializedResults['res']) {
  return { statusCode: res.statusCode };
}

/** Takes the caller's X-Request-Id when it is well-formed (or makes one), and echoes it on the response. */
function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

function levelOf(_req: IncomingMessage, res: ServerResponse, error?: Error): pino.LevelWithSilent {
  if (error || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400 || !res.writableEnded) return 'warn';
  return 'info';
}

/**
 * The service's logger: pino-http, mounted first so that every request (even one refused by the body parser) gets a
 * request id and exactly one JSON line (`request completed`, `request aborted` or `request errored`; info below 400,
 * warn for 4xx and aborted requests, error for 5xx). Lines logged while a request is handled (through nestjs-pino)
 * carry its `requestId`. Credentials never reach the output: credential headers are redacted, as are secret-named
 * properties; signed URLs, bearer tokens, API keys and database passwords are cut out of every message, URL and
 * error (see secret-scrubber.ts). Bodies are never logged. `destination` lets tests read the lines back.
 */
export function createHttpLogger(level: LogLevel, destination?: pino.DestinationStream): HttpLogger {
  const options: Options = {
    level,
    base: { service: 'marketplace' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    // pino-http hands each of these the standard serialization first.
    serializers: { req: requestSerializer, res: responseSerializer, err: (err: StdSerializedResults['err']) => scrubSerializedError(err) },
    formatters: { log: (object) => scrubSecretsDeep(object) },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg: unknown) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as Parameters<pino.LogFn>);
      },
    },
    genReqId: requestIdOf,
    customAttributeKeys: { reqId: 'requestId' },
    quietReqLogger: true,
    customLogLevel: levelOf,
    // For a 5xx without a thrown error pino-http makes one up ("failed with status code"), whose stack is its own
    // internals; the exception filter has logged the real one already.
    customErrorObject: (_req, res, error, line: Record<string, unknown>) =>
      res.err === undefined && error.message.startsWith('failed with status code') ? { ...line, err: undefined } : line,
  };
  return pinoHttp(options, destination);
}
