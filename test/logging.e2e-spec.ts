import { Writable } from 'node:stream';
import type { AuthTokenResponse } from '../src/auth/dto/user.response.js';
import { ObjectStorage } from '../src/storage/object-storage.port.js';
import { settled, sha256 } from './support/captures.js';
import { csvTelemetry } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

interface LogLine {
  level: number;
  msg?: string;
  requestId?: string;
  req?: { id: string; method: string; url: string; headers: Record<string, string> };
  res?: { statusCode: number };
}

interface CaptureCreated {
  id: string;
  upload: { partSizeBytes: number; parts: { partNumber: number; url: string }[] };
}

/**
 * The whole app logging at info into a stream the test reads: one JSON line per request with its id, and no
 * credential in any line, whether it came in a header, a body, a signed URL or the configuration.
 */
describe('logging (e2e)', () => {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').trim().split('\n')) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const jwtSecret = 'a-jwt-secret-that-must-never-be-logged-0123456789';
  let t: TestApp;
  let contributor: AuthTokenResponse;

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info', JWT_SECRET: jwtSecret, AUTH_RATE_LIMIT: '1000' }, undefined, { logDestination: sink });
    contributor = (
      await t.http().post('/v1/auth/register').send({ email: 'logs@example.com', password: 'password-in-a-body-1', role: 'contributor' }).expect(201)
    ).body as AuthTokenResponse;
  });
  afterAll(() => t.close());

  const requestLines = () => lines.filter((line) => line.req !== undefined);
  const everything = () => lines.map((line) => JSON.stringify(line)).join('\n');

  it('writes one line per request, with the request id it echoes', async () => {
    const before = requestLines().length;
    const res = await t.http().get('/health/live').set('X-Request-Id', 'trace-logging-1').expect(200);
    expect(res.headers['x-request-id']).toBe('trace-logging-1');
    const mine = requestLines().filter((line) => line.requestId === 'trace-logging-1');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ level: 30, msg: 'request completed', req: { method: 'GET', url: '/health/live' }, res: { statusCode: 200 } });
    expect(requestLines()).toHaveLength(before + 1);
    // Even a body the parser refuses gets its id and its line.
    await t
      .http()
      .post('/v1/auth/login')
      .set('Content-Type', 'application/json')
      .set('X-Request-Id', 'trace-bad-json')
      .send('{"email": ')
      .expect(400);
    expect(requestLines().filter((line) => line.requestId === 'trace-bad-json')).toEqual([
      expect.objectContaining({ level: 40, res: { statusCode: 400 } }) as LogLine,
    ]);
  });

  it('logs signed part and download URLs by their route only', async () => {
    const bytes = csvTelemetry(50);
    const auth = { Authorization: `Bearer ${contributor.accessToken}` };
    const created = (
      await t
        .http()
        .post('/v1/captures')
        .set(auth)
        .send({ filename: 'log.csv', sizeBytes: bytes.length, sha256: sha256(bytes) })
        .expect(201)
    ).body as CaptureCreated;
    const partUrl = new URL(created.upload.parts[0].url);
    const put = await t.http().put(partUrl.pathname).set('Content-Type', 'application/octet-stream').send(bytes).expect(200);
    await t
      .http()
      .post(`/v1/captures/${created.id}/complete`)
      .set(auth)
      .send({ parts: [{ partNumber: 1, etag: put.headers.etag }] })
      .expect(200);
    // The verified object (the staged upload is gone once the capture is processed).
    expect((await settled(t, contributor.accessToken, created.id)).status).toBe('ready');
    const [{ content_key: contentKey }] = await t.sql<{ content_key: string }>('SELECT content_key FROM captures WHERE id = $1', [created.id]);
    const downloadUrl = new URL(await t.app.get(ObjectStorage).presignDownload(contentKey, 60));
    const download = await t.http().get(downloadUrl.pathname).expect(200);
    expect(Buffer.from(download.body as Buffer).equals(bytes)).toBe(true);

    const partToken = partUrl.pathname.split('/').pop() ?? '';
    const downloadToken = downloadUrl.pathname.split('/').pop() ?? '';
    expect(partToken.length).toBeGreaterThan(40);
    const text = everything();
    for (const [name, secret] of Object.entries({
      partToken,
      downloadToken,
      partSignature: partToken.split('.')[1],
      downloadSignature: downloadToken.split('.')[1],
    })) {
      expect([name, text.includes(secret)]).toEqual([name, false]);
    }
    // A request's line is written when its response has finished, which can be just after the client has it all.
    const storageLines = await waitFor(() => {
      const lines = requestLines().filter((line) => line.req?.url.startsWith('/v1/storage/local/'));
      return lines.length >= 2 ? lines : undefined;
    }, 'the storage request log lines');
    expect(storageLines.map((line) => [line.req?.method, line.req?.url, line.res?.statusCode])).toEqual([
      ['PUT', '/v1/storage/local/parts/[REDACTED]', 200],
      ['GET', '/v1/storage/local/objects/[REDACTED]', 200],
    ]);
  });

  it('redacts credential headers and never logs bodies, tokens or configuration', async () => {
    const key = (await t.http().post('/v1/auth/login').send({ email: 'logs@example.com', password: 'password-in-a-body-1' }).expect(200))
      .body as AuthTokenResponse;
    await t
      .http()
      .get('/v1/auth/me')
      .set('Authorization', `Bearer ${key.accessToken}`)
      .set('Cookie', 'session=cookie-value-123')
      .set('X-Request-Id', 'trace-headers')
      .expect(200);
    await t.http().get('/v1/auth/me').set('X-API-Key', 'mk_an-api-key-that-does-not-exist-000000000').expect(401);
    await t.http().post('/v1/webhooks/stripe').set('Stripe-Signature', 't=1,v1=stripe-signature-value').send({ id: 'evt_1' });
    await t.http().post('/v1/networks/dimo/batches').set('X-Network-Signature', 'network-signature-value').send({ batchId: 'b', items: [] });

    const headers = requestLines().find((line) => line.requestId === 'trace-headers')?.req?.headers;
    expect(headers).toMatchObject({ authorization: '[REDACTED]', cookie: '[REDACTED]' });
    const text = everything();
    const secrets = {
      accessToken: key.accessToken,
      signature: key.accessToken.split('.')[2],
      password: 'password-in-a-body-1',
      cookie: 'cookie-value-123',
      apiKey: 'mk_an-api-key-that-does-not-exist',
      stripeSignature: 'stripe-signature-value',
      networkSignature: 'network-signature-value',
      jwtSecret,
    };
    for (const [name, secret] of Object.entries(secrets)) expect([name, text.includes(secret)]).toEqual([name, false]);
    expect(text).toContain('"x-api-key":"[REDACTED]"');
    expect(text).toContain('"stripe-signature":"[REDACTED]"');
    expect(text).toContain('"x-network-signature":"[REDACTED]"');
  });
});
