import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { createRootLogger, requestLogging } from './logger.js';
import type { LogLevel } from '../../config/app-config.js';

/** An Express app behind the request logging middleware, with the JSON lines it logs. */
function appWithLog(level: LogLevel) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
      done();
    },
  });
  const root = createRootLogger(level, sink);
  const app = express();
  app.use(requestLogging(root));
  app.get('/ok', (_req, res) => {
    root.info('inside the handler');
    setImmediate(() => res.json({ ok: true }));
  });
  app.get('/missing', (_req, res) => res.status(404).json({}));
  app.get('/broken', (_req, res) => res.status(500).json({}));
  return { app, lines };
}

describe('requestLogging', () => {
  it('echoes a well-formed X-Request-Id and makes one up otherwise', async () => {
    const { app } = appWithLog('info');
    expect((await request(app).get('/ok').set('X-Request-Id', 'trace-123.a_b').expect(200)).headers['x-request-id']).toBe('trace-123.a_b');
    expect((await request(app).get('/ok').set('X-Request-Id', 'bad id').expect(200)).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await request(app).get('/ok').expect(200)).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one line per request at a level by status, and tags lines logged during the request with its id', async () => {
    const { app, lines } = appWithLog('info');
    await request(app).get('/ok?x=1').set('X-Request-Id', 'r-1').expect(200);
    await request(app).get('/missing').set('X-Request-Id', 'r-2').expect(404);
    await request(app).get('/broken').set('X-Request-Id', 'r-3').expect(500);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.find((line) => line.msg === 'inside the handler')).toMatchObject({ requestId: 'r-1', level: 30 });
    const done = lines.filter((line) => line.msg === 'request completed');
    expect(done.map((line) => [line.level, line.req, line.res])).toEqual([
      [30, { id: 'r-1', method: 'GET', url: '/ok?x=1' }, { statusCode: 200 }],
      [40, { id: 'r-2', method: 'GET', url: '/missing' }, { statusCode: 404 }],
      [50, { id: 'r-3', method: 'GET', url: '/broken' }, { statusCode: 500 }],
    ]);
    expect(done.map((line) => line.requestId)).toEqual(['r-1', 'r-2', 'r-3']);
    expect(done.every((line) => typeof line.responseTime === 'number' && line.service === 'marketplace')).toBe(true);
  });

  it('writes nothing for requests below the configured level', async () => {
    const { app, lines } = appWithLog('warn');
    await request(app).get('/ok').expect(200);
    await request(app).get('/missing').expect(404);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((line) => [line.msg, line.level])).toEqual([['request completed', 40]]);
  });
});
