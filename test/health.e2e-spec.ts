import { createServer } from 'node:net';
import { generateKeyPairSigner } from '@solana/kit';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { HealthCheckResponse, HealthResponse } from '../src/health/health.response.js';
import { startS3rver, type TestS3 } from './support/s3rver.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { testSolanaSecretKey } from './support/wallet.js';

type NotReady = ErrorBody & { details: { details: HealthCheckResponse['details'] } };

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('health routes (e2e)', () => {
  describe('on the embedded defaults (local store, embedded ledger)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('GET /health/live answers while the process is up, asking no dependency', async () => {
      const res = await t.http().get('/health/live').expect(200);
      expect(res.body).toEqual({
        status: 'ok',
        info: { process: { status: 'up', uptimeSeconds: expect.any(Number) as number } },
        error: {},
        details: { process: { status: 'up', uptimeSeconds: expect.any(Number) as number } },
      });
    });

    it('GET /health/ready reports the database, the object store and the ledger by name', async () => {
      const body = (await t.http().get('/health/ready').expect(200)).body as HealthCheckResponse;
      expect(body.status).toBe('ok');
      expect(body.error).toEqual({});
      expect(body.details).toEqual({
        database: {
          status: 'up',
          kind: process.env.DATABASE_URL ? 'postgres' : 'embedded',
          latencyMs: expect.any(Number) as number,
          responseTime: expect.any(Number) as number,
        },
        storage: { status: 'up', kind: 'local', responseTime: expect.any(Number) as number },
        ledger: { status: 'up', cluster: 'litesvm', responseTime: expect.any(Number) as number },
      });
    });
  });

  describe('with S3', () => {
    let s3: TestS3;
    let t: TestApp;
    beforeAll(async () => {
      s3 = await startS3rver();
      t = await startTestApp(s3.env);
    });
    afterAll(async () => {
      await t.close();
      await s3.close().catch(() => undefined); // stopped by the test already
    });

    it('is ready while the store answers, and answers 503 naming storage once it is stopped', async () => {
      const up = (await t.http().get('/health/ready').expect(200)).body as HealthCheckResponse;
      expect(up.details.storage).toEqual({ status: 'up', kind: 's3', responseTime: expect.any(Number) as number });

      await s3.close();
      const down = await t.http().get('/health/ready').expect(503);
      const body = down.body as NotReady;
      expect(body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', code: 'HEALTH_NOT_READY' });
      expect(body.message).toMatch(/^Not ready: storage \(.+\) down$/);
      expect(body.details.details.storage).toEqual({
        status: 'down',
        message: expect.any(String) as string,
        responseTime: expect.any(Number) as number,
      });
      expect(body.details.details.database?.status).toBe('up');
      expect(body.details.details.ledger?.status).toBe('up');
      // Liveness and the old route ask nothing of the store: restarting would not bring it back.
      await t.http().get('/health/live').expect(200);
      expect(((await t.http().get('/health').expect(200)).body as HealthResponse).status).toBe('ok');
    });
  });

  describe('with a Solana cluster that does not answer', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        SOLANA_RPC_URL: `http://127.0.0.1:${await closedPort()}`,
        SOLANA_USDC_MINT: (await generateKeyPairSigner()).address,
        TREASURY_SECRET_KEY: JSON.stringify([...testSolanaSecretKey()]),
      });
    });
    afterAll(() => t.close());

    it('answers 503 naming the ledger', async () => {
      const body = (await t.http().get('/health/ready').expect(503)).body as NotReady;
      expect(body.code).toBe('HEALTH_NOT_READY');
      expect(body.message).toMatch(/^Not ready: ledger \(.+\) down$/);
      expect(Object.fromEntries(Object.entries(body.details.details).map(([part, state]) => [part, state?.status]))).toEqual({
        database: 'up',
        storage: 'up',
        ledger: 'down',
      });
    });
  });
});
