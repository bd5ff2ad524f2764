import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import type { LogLevel } from '../../config/app-config.js';
import { createHttpLogger } from './logger.js';

type LogLine = Record<string, unknown> & { msg?: string; level?: number; requestId?: string };

/** An Express app behind the request logger, with the JSON lines it writes. */
function appWithLog(level: LogLevel) {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').trim().split('\n')) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const http = createHttpLogger(level, sink);
  const app = express();
  app.use(http);
  app.get('/ok', (req, res) => {
    req.log.info('inside the handler');
    setImmediate(() => res.json({ ok: true }));
  });
  app.get('/missing', (_req, res) => res.status(404).json({}));
  app.get('/broken', (_req, res) => res.status(500).json({}));
  app.post('/login', express.json(), (req, res) => {
    req.log.warn({ attempt: { password: 'hunter2-hunter2', user: 'ada' } }, 'login with Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl');
    res.status(401).json({});
  });
  return { app, lines, root: http.logger };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createHttpLogger', () => {
  it('echoes a well-formed X-Request-Id and makes one up otherwise', async () => {
    const { app } = appWithLog('info');
    expect((await request(app).get('/ok').set('X-Request-Id', 'trace-123.a_b').expect(200)).headers['x-request-id']).toBe('trace-123.a_b');
    expect((await request(app).get('/ok').set('X-Request-Id', 'bad id').expect(200)).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await request(app).get('/ok').expect(200)).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one JSON line per request at a level by status, and tags lines logged during the request with its id', async () => {
    const { app, lines } = appWithLog('info');
    await request(app).get('/ok?x=1').set('X-Request-Id', 'r-1').expect(200);
    await request(app).get('/missing').set('X-Request-Id', 'r-2').expect(404);
    await request(app).get('/broken').set('X-Request-Id', 'r-3').expect(500);
    await settle();
    expect(lines.find((line) => line.msg === 'inside the handler')).toMatchObject({ requestId: 'r-1', level: 30 });
    const done = lines.filter((line) => line.req !== undefined);
    expect(done.map((line) => [line.msg, line.level, line.requestId, line.res])).toEqual([
      ['request completed', 30, 'r-1', { statusCode: 200 }],
      ['request completed', 40, 'r-2', { statusCode: 404 }],
      ['request errored', 50, 'r-3', { statusCode: 500 }],
    ]);
    expect(done.map((line) => (line.req as { url: string; method: string }).url)).toEqual(['/ok?x=1', '/missing', '/broken']);
    expect(done.every((line) => typeof line.responseTime === 'number' && line.service === 'marketplace')).toBe(true);
  });

  it('writes nothing for requests below the configured level', async () => {
    const { app, lines } = appWithLog('warn');
    await request(app).get('/ok').expect(200);
    await request(app).get('/missing').expect(404);
    await settle();
    expect(lines.map((line) => [line.msg, line.level])).toEqual([['request completed', 40]]);
  });

  it('redacts credential headers, never logs the body, and cuts secrets out of messages and fields', async () => {
    const { app, lines } = appWithLog('info');
    await request(app)
      .post('/login')
      .set('Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl')
      .set('X-API-Key', 'mk_0123456789abcdef0123456789abcdef')
      .set('Cookie', 'session=s3cr3t-cookie')
      .set('Stripe-Signature', 't=1,v1=deadbeefdeadbeef')
      .set('X-Network-Signature', '5NetworkSignatureBase58')
      .send({ email: 'ada@example.com', password: 'body-password-123' })
      .expect(401);
    await settle();
    const text = lines.map((line) => JSON.stringify(line)).join('\n');
    for (const secret of [
      'c2lnbmF0dXJl',
      'mk_0123456789abcdef',
      's3cr3t-cookie',
      'deadbeefdeadbeef',
      '5NetworkSignatureBase58',
      'body-password-123',
      'hunter2',
    ]) {
      expect([secret, text.includes(secret)]).toEqual([secret, false]);
    }
    const completed = lines.find((line) => line.msg === 'request completed');
    expect((completed?.req as { headers: Record<string, string> }).headers).toMatchObject({
      authorization: '[REDACTED]',
      'x-api-key': '[REDACTED]',
      cookie: '[REDACTED]',
      'stripe-signature': '[REDACTED]',
      'x-network-signature': '[REDACTED]',
    });
    expect(lines.find((line) => line.level === 40 && line.attempt)).toMatchObject({
      msg: 'login with Bearer [REDACTED]',
      attempt: { password: '[REDACTED]', user: 'ada' },
    });
  });

  it('logs the route of a signed URL, not its token or signature, in request lines, messages and errors', async () => {
    const { app, lines, root } = appWithLog('info');
    const token = 'eyJ1c2UiOiJkb3dubG9hZCJ9.SiGnAtUrE_of_the_url';
    await request(app).get(`/v1/storage/local/objects/${token}`).expect(404);
    await request(app).put(`/v1/storage/local/parts/${token}?partNumber=1`).expect(404);
    const s3 =
      'https://bucket.s3.amazonaws.com/captures/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261204&X-Amz-Signature=abcdef0123456789';
    root.error({ err: new Error(`upload to ${s3} failed`) }, `could not reach http://marketplace.test/v1/storage/local/parts/${token}`);
    root.warn({ database: 'postgres://postgres:pg-password-1@127.0.0.1:5432/postgres' }, 'connecting');
    await settle();
    const text = lines.map((line) => JSON.stringify(line)).join('\n');
    for (const secret of ['SiGnAtUrE_of_the_url', 'abcdef0123456789', 'AKIAEXAMPLE', 'pg-password-1']) {
      expect([secret, text.includes(secret)]).toEqual([secret, false]);
    }
    const urls = lines.filter((line) => line.req !== undefined).map((line) => (line.req as { url: string }).url);
    expect(urls).toEqual(['/v1/storage/local/objects/[REDACTED]', '/v1/storage/local/parts/[REDACTED]']);
    const failed = lines.find((line) => line.level === 50 && line.err);
    expect(failed?.msg).toBe('could not reach http://marketplace.test/v1/storage/local/parts/[REDACTED]');
    expect((failed?.err as { message: string; stack: string }).message).toContain('X-Amz-Signature=[REDACTED]');
    expect((failed?.err as { message: string; stack: string }).stack).toContain('X-Amz-Credential=[REDACTED]');
    expect(lines.find((line) => line.msg === 'connecting')?.database).toBe('postgres://postgres:[REDACTED]@127.0.0.1:5432/postgres');
  });
});
