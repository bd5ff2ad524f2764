import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { getAddressDecoder, getBase58Decoder } from '@solana/kit';
import { freePort } from '../scripts/demo/service.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import { type PublishedDataset, TEST_ADMIN, auth, logIn, publishDataset, signUp } from './support/checkout.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** A 64-byte Solana secret key (seed, then public key) as TREASURY_SECRET_KEY takes it, in base58. */
function treasurySecretKey(): string {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return getBase58Decoder().decode(Buffer.concat([seed, raw]));
}

/**
 * SOLANA_RPC_URL names a port nobody listens on (a ledger node killed or restarting): every route that has to ask it
 * answers 503 CHAIN_LEDGER_UNAVAILABLE with Retry-After, never a 500, and the request can simply be sent again.
 */
describe('routes that ask an unreachable Solana RPC node (e2e)', () => {
  let t: TestApp;
  let buyer: string;
  let dataset: PublishedDataset;

  beforeAll(async () => {
    t = await startTestApp({
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      AUTH_RATE_LIMIT: '1000',
      // freePort closed the port it found: connections to it are refused.
      SOLANA_RPC_URL: `http://127.0.0.1:${await freePort()}`,
      SOLANA_USDC_MINT: getAddressDecoder().decode(randomBytes(32)),
      TREASURY_SECRET_KEY: treasurySecretKey(),
    });
    const admin = await logIn(t, TEST_ADMIN.email, TEST_ADMIN.password);
    const contributor = await signUp(t, 'maker@example.com', 'contributor');
    buyer = await signUp(t, 'buyer@example.com', 'buyer');
    dataset = await publishDataset(
      t,
      { contributor, admin },
      { title: 'Drives', licenceSlug: 'commercial-ai-training', priceUsdCents: 1500, seed: 1 },
    );
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  const expectUnavailable = (response: { status: number; headers: Record<string, string>; body: unknown }) => {
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toMatchObject({
      statusCode: 503,
      code: 'CHAIN_LEDGER_UNAVAILABLE',
      message: expect.stringMatching(/^the ledger \(localnet\) did not answer: fetch failed: .*ECONNREFUSED/) as unknown,
    });
  };

  it('answers confirm-solana with 503 and Retry-After while the node refuses connections, and the order stays payable', async () => {
    const order = (await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: dataset.datasetId, paymentMethod: 'solana' }).expect(201))
      .body as OrderResponse;
    expectUnavailable(await t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(buyer)).send({}));
    // With the signature a wallet returned, the one lookup fails the same way.
    const signature = getBase58Decoder().decode(randomBytes(64));
    expectUnavailable(await t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(buyer)).send({ signature }));
    const now = (await t.http().get(`/v1/orders/${order.id}`).set(auth(buyer)).expect(200)).body as OrderResponse;
    expect(now.status).toBe('pending');
  });

  it('answers a memo read-back with 503 and Retry-After', async () => {
    expectUnavailable(await t.http().get(`/v1/chain/memos/${getBase58Decoder().decode(randomBytes(64))}`));
  });

  it('reports the ledger down on the readiness check', async () => {
    const health = await t.http().get('/health/ready').expect(503);
    expect((health.body as { message: string }).message).toMatch(/^Not ready: ledger \(.*fetch failed.*\) down$/);
  });
});
