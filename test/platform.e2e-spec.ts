import { startTestApp, type TestApp } from './support/test-app.js';

describe('platform behaviour (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A day-long window: the limiter's windows are aligned to the clock, and a minute one can roll over mid-test.
    t = await startTestApp({ BODY_LIMIT: '16kb', AUTH_RATE_LIMIT: '5', AUTH_RATE_WINDOW_SECONDS: '86400' });
  });
  afterAll(() => t.close());

  it('GET /health checks the database', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      database: { status: 'up', kind: process.env.DATABASE_URL ? 'postgres' : 'embedded', latencyMs: expect.any(Number) },
      uptimeSeconds: expect.any(Number),
    });
  });

  it('GET /docs-json lists every route of the contract so far, and /docs serves the explorer', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths).sort()).toEqual(
      [
        '/health',
        '/health/live',
        '/health/ready',
        '/v1/admin/audit',
        '/v1/admin/datasets/{id}/approve',
        '/v1/admin/datasets/{id}/reinstate',
        '/v1/admin/datasets/{id}/reject',
        '/v1/admin/datasets/{id}/request-changes',
        '/v1/admin/datasets/{id}/takedown',
        '/v1/admin/licences',
        '/v1/admin/reviews',
        '/v1/admin/networks',
        '/v1/admin/networks/{slug}',
        '/v1/admin/users',
        '/v1/api-keys',
        '/v1/api-keys/{id}',
        '/v1/auth/login',
        '/v1/auth/me',
        '/v1/auth/register',
        '/v1/auth/wallet/challenge',
        '/v1/auth/wallet/verify',
        '/v1/captures',
        '/v1/captures/{id}',
        '/v1/captures/{id}/complete',
        '/v1/captures/{id}/upload',
        '/v1/chain/memos/{signature}',
        '/v1/datasets',
        '/v1/datasets/{id}',
        '/v1/datasets/{id}/provenance',
        '/v1/datasets/{id}/submit',
        '/v1/datasets/{id}/versions/{version}/manifest',
        '/v1/datasets/{id}/versions/{version}/proof',
        '/v1/dev/solana/pay',
        '/v1/licences',
        '/v1/me/datasets',
        '/v1/networks/{network}/batches',
        '/v1/admin/orders',
        '/v1/admin/orders/{id}/refund',
        '/v1/orders',
        '/v1/orders/{id}',
        '/v1/orders/{id}/certificate',
        '/v1/orders/{id}/confirm-solana',
        '/v1/orders/{id}/downloads',
        '/v1/me/orders',
        '/v1/organisations',
        '/v1/organisations/{id}',
        '/v1/organisations/{id}/members',
        '/v1/organisations/{id}/members/{userId}',
        '/v1/organisations/{id}/leave',
        '/v1/platform/keys',
        '/v1/orders/{id}/split',
        '/v1/splits/{splitId}/proof',
        '/v1/me/earnings',
        '/v1/me/payout-method',
        '/v1/admin/payouts/run',
        '/v1/webhooks/stripe',
      ].sort(),
    );
    expect(res.body.components.securitySchemes).toEqual(expect.objectContaining({ bearer: expect.any(Object), 'api-key': expect.any(Object) }));
    const page = await t.http().get('/docs').expect(200);
    expect(page.text).toContain('swagger-ui');
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await t.http().get('/v1/nothing-here').expect(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'Cannot GET /v1/nothing-here' });
  });

  it('answers invalid JSON with 400 and an oversized body with 413', async () => {
    const malformed = await t.http().post('/v1/auth/login').set('Content-Type', 'application/json').send('{"email": ').expect(400);
    expect(malformed.body.code).toBe('MALFORMED_BODY');
    const huge = await t
      .http()
      .post('/v1/auth/register')
      .send({ email: 'big@example.com', password: 'x'.repeat(20_000), role: 'buyer' })
      .expect(413);
    expect(huge.body).toEqual(expect.objectContaining({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' }));
    expect(await t.sql(`SELECT 1 FROM users WHERE email = 'big@example.com'`)).toHaveLength(0);
  });

  it('gives every response a request id, keeping a well-formed one from the caller', async () => {
    const mine = await t.http().get('/health').set('X-Request-Id', 'trace-123').expect(200);
    expect(mine.headers['x-request-id']).toBe('trace-123');
    const made = await t.http().get('/health').set('X-Request-Id', 'bad id with spaces').expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('rate-limits the auth routes per client, but not the others', async () => {
    const attempt = () => t.http().post('/v1/auth/login').send({ email: 'brute@example.com', password: 'guess-guess-guess' });
    for (let i = 0; i < 5; i += 1) await attempt().expect(401);
    const limited = await attempt().expect(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
    for (let i = 0; i < 8; i += 1) await t.http().get('/health').expect(200);
  });
});
