import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { stripeGatewayFor } from '../stripe/stripe.module.js';
import { PlatformSigner, fromBase58, toBase58 } from './licence-certificate.js';
import { resolvePlatformSigner } from './platform-signing-key.js';
import { StripeSdkGateway, UnconfiguredStripeGateway } from '../stripe/stripe-sdk.gateway.js';

describe('checkout configuration', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'checkout-config-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates the platform signing key once into DATA_DIR and keeps it', () => {
    const first = resolvePlatformSigner(loadConfig({ DATA_DIR: dataDir }));
    const again = resolvePlatformSigner(loadConfig({ DATA_DIR: dataDir }));
    expect(again.publicKey).toBe(first.publicKey);
    const file = join(dataDir, 'platform-signing-key');
    expect(fromBase58(readFileSync(file, 'utf8'))).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps the generated key where only the service user reads it: a missing DATA_DIR made 0700, an old key file closed to 0600', () => {
    const nested = join(dataDir, 'fresh', 'data');
    const signer = resolvePlatformSigner(loadConfig({ DATA_DIR: nested }));
    expect(statSync(nested).mode & 0o777).toBe(0o700);
    const file = join(nested, 'platform-signing-key');
    chmodSync(file, 0o644);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n`);
    expect(resolvePlatformSigner(loadConfig({ DATA_DIR: nested })).publicKey).toBe(signer.publicKey);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('takes PLATFORM_SIGNING_KEY as a 32-byte seed or a 64-byte Solana secret key, and refuses a mismatched one', () => {
    const seed = new Uint8Array(randomBytes(32));
    const expected = new PlatformSigner(seed).publicKey;
    expect(resolvePlatformSigner(loadConfig({ DATA_DIR: dataDir, PLATFORM_SIGNING_KEY: toBase58(seed) })).publicKey).toBe(expected);
    const secretKey = toBase58(new Uint8Array([...seed, ...fromBase58(expected)]));
    expect(resolvePlatformSigner(loadConfig({ DATA_DIR: dataDir, PLATFORM_SIGNING_KEY: secretKey })).publicKey).toBe(expected);
    const mismatched = toBase58(new Uint8Array([...seed, ...new Uint8Array(32)]));
    expect(() => resolvePlatformSigner(loadConfig({ DATA_DIR: dataDir, PLATFORM_SIGNING_KEY: mismatched }))).toThrow('does not match');
    expect(() => loadConfig({ DATA_DIR: dataDir, PLATFORM_SIGNING_KEY: 'not base58 at all!' })).toThrow('PLATFORM_SIGNING_KEY');
  });

  it('takes card payments only with both Stripe secrets', () => {
    expect(stripeGatewayFor(loadConfig({ DATA_DIR: dataDir }))).toBeInstanceOf(UnconfiguredStripeGateway);
    expect(() => stripeGatewayFor(loadConfig({ DATA_DIR: dataDir, STRIPE_SECRET_KEY: 'sk_test_12345678' }))).toThrow('go together');
    const both = stripeGatewayFor(loadConfig({ DATA_DIR: dataDir, STRIPE_SECRET_KEY: 'sk_test_12345678', STRIPE_WEBHOOK_SECRET: 'whsec_12345678' }));
    expect(both).toBeInstanceOf(StripeSdkGateway);
    expect(both.configured).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir }).ORDER_TTL_MINUTES).toBe(30);
    expect(() => loadConfig({ DATA_DIR: dataDir, ORDER_TTL_MINUTES: '0' })).toThrow('ORDER_TTL_MINUTES');
  });
});
