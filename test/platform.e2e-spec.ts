import type { AuthTokenResponse } from '../src/auth/dto/user.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface OpenApiDocument {
  paths: Record<string, unknown>;
  components: { securitySchemes: Record<string, unknown> };
  servers: { url: string; description?: string }[];
}

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
      database: { status: 'up', kind: process.env.DATABASE_URL ? 'postgres' : 'embedded', latencyMs: expect.any(Number) as number },
      uptimeSeconds: expect.any(Number) as number,
    });
  });

  it('GET /docs-json lists every route of the contract so far, and /docs serves the explorer', async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body as OpenApiDocument;
    expect(Object.keys(document.paths).sort()).toEqual(
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
        '/v1/captures/{id}/preview',
        '/v1/captures/{id}/preview/files/{name}',
        '/v1/captures/{id}/upload',
        '/v1/chain/memos/{signature}',
        '/v1/coverage',
        '/v1/datasets',
        '/v1/datasets/search',
        '/v1/datasets/{id}',
        '/v1/datasets/{id}/coverage',
        '/v1/datasets/{id}/croissant',
        '/v1/datasets/{id}/provenance',
        '/v1/datasets/{id}/submit',
        '/v1/datasets/{id}/versions/{version}/files',
        '/v1/datasets/{id}/consent',
        '/v1/datasets/{id}/consent-request',
        '/v1/datasets/{id}/consent/grants',
        '/v1/datasets/{id}/consent/declines',
        '/v1/datasets/{id}/consent/withdrawals',
        '/v1/admin/datasets/{id}/capture-takedowns',
        '/v1/admin/withdrawals',
        '/v1/me/consent-requests',
        '/v1/me/consents',
        '/v1/me/advance-grants',
        '/v1/me/advance-grants/message',
        '/v1/me/advance-grants/{id}/revoke',
        '/v1/datasets/{id}/versions/{version}/manifest',
        '/v1/datasets/{id}/versions/{version}/proof',
        '/v1/datasets/{id}/versions/{version}/spdx',
        '/v1/dev/solana/pay',
        '/v1/licences',
        '/v1/me/datasets',
        '/v1/networks/{network}/batches',
        '/v1/admin/orders',
        '/v1/admin/orders/{id}/refund',
        '/v1/orders',
        '/v1/orders/{id}',
        '/v1/orders/{id}/certificate',
        '/v1/orders/{id}/receipt',
        '/v1/orders/{id}/confirm-solana',
        '/v1/orders/{id}/downloads',
        '/v1/orders/{id}/training-content',
        '/v1/me/orders',
        '/v1/organisations',
        '/v1/organisations/{id}',
        '/v1/organisations/{id}/members',
        '/v1/organisations/{id}/members/{userId}',
        '/v1/organisations/{id}/leave',
        '/v1/platform/keys',
        '/v1/quotes',
        '/v1/quotes/{id}',
        '/v1/cart',
        '/v1/cart/count',
        '/v1/cart/lines',
        '/v1/cart/lines/{id}',
        '/v1/cart/checkout',
        '/v1/checkouts/{id}',
        '/v1/checkouts/{id}/confirm-solana',
        '/v1/payment-methods',
        '/v1/orders/{id}/split',
        '/v1/splits/{splitId}/proof',
        '/v1/me/earnings',
        '/v1/me/payout-method',
        '/v1/me/webhooks',
        '/v1/me/webhooks/{id}',
        '/v1/me/webhooks/{id}/deliveries',
        '/v1/me/webhooks/{id}/enable',
        '/v1/me/webhooks/{id}/rotate-secret',
        '/v1/me/subscriptions',
        '/v1/me/subscriptions/{id}',
        '/v1/me/subscriptions/{id}/cancel',
        '/v1/admin/payouts/run',
        '/v1/webhooks/stripe',
      ].sort(),
    );
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['api-key', 'bearer']);
    // "Try it out" calls the host /docs was opened at (relative first), whatever PUBLIC_URL names.
    expect(document.servers.map((server) => server.url)).toEqual(['/', t.config.publicUrl]);
    const page = await t.http().get('/docs').expect(200);
    expect(page.text).toContain('swagger-ui');
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await t.http().get('/v1/nothing-here').expect(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: 'Cannot GET /v1/nothing-here' });
  });

  it('answers invalid JSON with 400 and an oversized body with 413', async () => {
    const malformed = await t.http().post('/v1/auth/login').set('Content-Type', 'application/json').send('{"email": ').expect(400);
    expect((malformed.body as ErrorBody).code).toBe('MALFORMED_BODY');
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
    expect(res.headers['content-security-policy']).toContain(`connect-src 'self' ${new URL(t.config.publicUrl).origin}`);
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('marks every API response no-store, above all those carrying a token or a key', async () => {
    const register = await t
      .http()
      .post('/v1/auth/register')
      .send({ email: 'cache@example.com', password: 'a-long-password', role: 'buyer' })
      .expect(201);
    const token = (register.body as AuthTokenResponse).accessToken;
    const key = await t.http().post('/v1/api-keys').set('Authorization', `Bearer ${token}`).send({ name: 'pipeline' }).expect(201);
    const me = await t.http().get('/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    const refused = await t.http().get('/v1/auth/me').expect(401);
    for (const res of [register, key, me, refused]) expect(res.headers['cache-control']).toBe('no-store');
    // The pages and their assets are not API responses.
    expect((await t.http().get('/').expect(200)).headers['cache-control']).not.toBe('no-store');
  });

  it('rate-limits the auth routes per client, but not the others', async () => {
    // Without TRUST_PROXY, X-Forwarded-For is ignored: the client is the connection's address.
    const attempt = () =>
      t
        .http()
        .post('/v1/auth/login')
        .set('X-Forwarded-For', `198.51.100.${Math.floor(Math.random() * 250)}`)
        .send({ email: 'brute@example.com', password: 'guess-guess-guess' });
    // Earlier tests signed in too: the budget left is what the limiter says.
    const first = await attempt().expect(401);
    const remaining = Number(first.headers['ratelimit-remaining']);
    expect(remaining).toBeLessThan(5);
    for (let i = 0; i < remaining; i += 1) await attempt().expect(401);
    const limited = await attempt().expect(429);
    expect((limited.body as ErrorBody).code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
    for (let i = 0; i < 8; i += 1) await t.http().get('/health').expect(200);
  });
});

/**
 * Behind a reverse proxy, the client address is what the trusted proxy appended to X-Forwarded-For; whatever the
 * client wrote to the left of it does not get it a fresh sign-in budget.
 */
describe.each([
  ['true', 'one trusted hop'],
  ['loopback', 'the proxy named by address'],
])('sign-in rate limit with TRUST_PROXY=%s (%s) (e2e)', (trustProxy) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: trustProxy, AUTH_RATE_LIMIT: '5', AUTH_RATE_WINDOW_SECONDS: '86400' });
  });
  afterAll(() => t.close());

  // The proxy appends the address it saw; the part before it is the client's own.
  const attempt = (spoofed: string, client: string) =>
    t
      .http()
      .post('/v1/auth/login')
      .set('X-Forwarded-For', `${spoofed}, ${client}`)
      .send({ email: 'brute@example.com', password: 'guess-guess-guess' });

  it('keys on the address the proxy saw, so a spoofed X-Forwarded-For does not escape the limit', async () => {
    for (let i = 0; i < 5; i += 1) await attempt(`10.9.8.${i}`, '203.0.113.7').expect(401);
    for (let i = 5; i < 30; i += 1) expect((await attempt(`10.9.8.${i}, 192.0.2.${i}`, '203.0.113.7')).status).toBe(429);
    // Another client behind the same proxy has its own budget.
    await attempt('10.9.8.1', '203.0.113.8').expect(401);
    const buckets = await t.sql<{ bucket: string; hits: number }>(`SELECT bucket, hits FROM rate_limit_hits ORDER BY bucket`);
    expect(buckets).toEqual([
      { bucket: 'auth:203.0.113.7', hits: 30 },
      { bucket: 'auth:203.0.113.8', hits: 1 },
    ]);
  });
});
