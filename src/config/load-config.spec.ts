import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBase58Decoder } from '@solana/kit';
import { testSolanaSecretKey } from '../../test/support/wallet.js';
import { ConfigError } from './config-error.js';
import { loadConfig, resolveJwtSecret, resolveTreasurySecretKey } from './load-config.js';

describe('loadConfig', () => {
  it('applies defaults and converts types', () => {
    const config = loadConfig({ PORT: '8080', TRUST_PROXY: 'true' });
    expect(config.PORT).toBe(8080);
    expect(config.trustProxy).toBe(1);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.AUTH_RATE_LIMIT).toBe(20);
  });

  it('reads a yes/no variable as written: false, 0, no and off are false; other words are refused, naming the variable', () => {
    for (const word of ['false', '0', 'no', 'off', ' FALSE ']) {
      const config = loadConfig({ JOBS_LISTEN: word, S3_FORCE_PATH_STYLE: word, WEBHOOKS_ALLOW_LOOPBACK: word });
      expect([config.JOBS_LISTEN, config.S3_FORCE_PATH_STYLE, config.WEBHOOKS_ALLOW_LOOPBACK]).toEqual([false, false, false]);
    }
    for (const word of ['true', '1', 'yes', 'On']) {
      const config = loadConfig({ JOBS_LISTEN: word, S3_FORCE_PATH_STYLE: word, WEBHOOKS_ALLOW_LOOPBACK: word });
      expect([config.JOBS_LISTEN, config.S3_FORCE_PATH_STYLE, config.WEBHOOKS_ALLOW_LOOPBACK]).toEqual([true, true, true]);
    }
    const defaults = loadConfig({});
    expect([defaults.JOBS_LISTEN, defaults.S3_FORCE_PATH_STYLE, defaults.WEBHOOKS_ALLOW_LOOPBACK]).toEqual([true, false, false]);
    expect(() => loadConfig({ WEBHOOKS_ALLOW_LOOPBACK: 'maybe' })).toThrow(
      /WEBHOOKS_ALLOW_LOOPBACK: WEBHOOKS_ALLOW_LOOPBACK must be a boolean value \(got "maybe"\)/,
    );
  });

  it('names every wrong variable', () => {
    const load = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT: PORT must be an integer number \(got "eighty"\)/);
    expect(load).toThrow(/DATABASE_URL: DATABASE_URL must be a postgres/);
    expect(load).toThrow(/LOG_LEVEL: LOG_LEVEL must be one of the following values/);
  });

  it('never repeats the value of a secret variable in its message', () => {
    const load = () =>
      loadConfig({
        JWT_SECRET: 'short-jwt-secret',
        ADMIN_EMAIL: 'root@example.com',
        ADMIN_PASSWORD: 'tiny-pw',
        STRIPE_SECRET_KEY: 'sk',
        DATABASE_URL: 'mysql://user:db-password@host/db',
      });
    expect(load).toThrow(/JWT_SECRET: JWT_SECRET must be at least 32 characters long \(got a value that is not shown\)/);
    expect(load).toThrow(/DATABASE_URL: .*\(got "mysql:\/\/user:\[REDACTED\]@host\/db"\)/);
    let message = '';
    try {
      load();
    } catch (error) {
      message = (error as Error).message;
    }
    for (const secret of ['short-jwt-secret', 'tiny-pw', 'db-password']) expect([secret, message.includes(secret)]).toEqual([secret, false]);
  });

  it('takes TRUST_PROXY as a hop count or a list of proxy addresses, and names a wrong one', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.internal' })).toThrow(/TRUST_PROXY: must be true\/false, a hop count, or .*; not "proxy.internal"/);
  });

  it('wants ADMIN_EMAIL and ADMIN_PASSWORD together, and a long enough password', () => {
    expect(() => loadConfig({ ADMIN_EMAIL: 'root@example.com' })).toThrow(/ADMIN_EMAIL \/ ADMIN_PASSWORD: set both/);
    expect(() => loadConfig({ ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD must be at least 12/);
  });

  it('ignores unrelated and empty variables', () => {
    const config = loadConfig({ HOME: '/root', DATABASE_URL: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(Object.keys(config)).not.toContain('HOME');
  });
});

describe('resolveJwtSecret', () => {
  it('generates a secret once, keeps it private in DATA_DIR, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mkt-config-'));
    try {
      const first = resolveJwtSecret(loadConfig({ DATA_DIR: dir }));
      expect(first.length).toBeGreaterThanOrEqual(48);
      expect(resolveJwtSecret(loadConfig({ DATA_DIR: dir }))).toBe(first);
      expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(first);
      expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prefers JWT_SECRET when set', () => {
    expect(resolveJwtSecret(loadConfig({ JWT_SECRET: 's'.repeat(40) }))).toBe('s'.repeat(40));
  });
});

describe('Solana settings', () => {
  const mint = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
  const key = testSolanaSecretKey();
  const rpc = { SOLANA_RPC_URL: 'https://api.devnet.solana.com', SOLANA_USDC_MINT: mint };

  it('defaults to the embedded ledger and a 15% platform fee', () => {
    const config = loadConfig({});
    expect(config.SOLANA_RPC_URL).toBeUndefined();
    expect(config.PLATFORM_FEE_BPS).toBe(1500);
    expect(resolveTreasurySecretKey(config)).toBeUndefined();
  });

  it('takes the treasury key as a JSON array (a key file) or base58, and checks its public half', () => {
    const json = loadConfig({ ...rpc, TREASURY_SECRET_KEY: JSON.stringify([...key]) });
    expect(resolveTreasurySecretKey(json)).toEqual(key);
    const base58 = loadConfig({ ...rpc, TREASURY_SECRET_KEY: getBase58Decoder().decode(key) });
    expect(resolveTreasurySecretKey(base58)).toEqual(key);
    const mixed = Uint8Array.from([...key.subarray(0, 32), ...testSolanaSecretKey().subarray(32)]);
    expect(() => loadConfig({ TREASURY_SECRET_KEY: JSON.stringify([...mixed]) })).toThrow(
      /TREASURY_SECRET_KEY: holds a public key that does not belong to its secret half/,
    );
    expect(() => loadConfig({ TREASURY_SECRET_KEY: '[1,2,3]' })).toThrow(/TREASURY_SECRET_KEY: must hold 64 bytes, got 3/);
    expect(() => loadConfig({ TREASURY_SECRET_KEY: 'not-base58-0OIl' })).toThrow(/TREASURY_SECRET_KEY: is neither a JSON array/);
  });

  it('reads TREASURY_KEY_FILE and names it when the file is missing or wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mkt-key-'));
    try {
      const file = join(dir, 'treasury.json');
      writeFileSync(file, JSON.stringify([...key]));
      expect(resolveTreasurySecretKey(loadConfig({ ...rpc, TREASURY_KEY_FILE: file }))).toEqual(key);
      writeFileSync(file, '[1,2]');
      expect(() => resolveTreasurySecretKey(loadConfig({ ...rpc, TREASURY_KEY_FILE: file }))).toThrow(
        /TREASURY_KEY_FILE: the key in .* must hold 64 bytes/,
      );
      const missing = loadConfig({ ...rpc, TREASURY_KEY_FILE: join(dir, 'nope.json') });
      expect(() => resolveTreasurySecretKey(missing)).toThrow(ConfigError);
      expect(() => resolveTreasurySecretKey(missing)).toThrow(/TREASURY_KEY_FILE: cannot read .*nope.json \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('wants the mint and one treasury key with SOLANA_RPC_URL, naming what is missing', () => {
    expect(() => loadConfig({ SOLANA_RPC_URL: 'https://api.devnet.solana.com' })).toThrow(/SOLANA_USDC_MINT: required when SOLANA_RPC_URL is set/);
    expect(() => loadConfig(rpc)).toThrow(/TREASURY_SECRET_KEY \/ TREASURY_KEY_FILE: one is required when SOLANA_RPC_URL is set/);
    expect(() => loadConfig({ ...rpc, TREASURY_SECRET_KEY: JSON.stringify([...key]), TREASURY_KEY_FILE: '/tmp/k.json' })).toThrow(
      /set one, not both/,
    );
  });

  it('validates the URLs, the mint and the fee', () => {
    const load = () => loadConfig({ SOLANA_RPC_URL: 'ftp://x', SOLANA_WS_URL: 'http://x', SOLANA_USDC_MINT: '1111', PLATFORM_FEE_BPS: '10001' });
    expect(load).toThrow(/SOLANA_RPC_URL: SOLANA_RPC_URL must be a URL/);
    expect(load).toThrow(/SOLANA_WS_URL: SOLANA_WS_URL must be a URL/);
    expect(load).toThrow(/SOLANA_USDC_MINT: SOLANA_USDC_MINT must be a base58 address/);
    expect(load).toThrow(/PLATFORM_FEE_BPS: PLATFORM_FEE_BPS must not be greater than 10000/);
    expect(() => loadConfig({ SOLANA_USDC_MINT: '11111111111111111111111111111111111' })).toThrow(/SOLANA_USDC_MINT: not a 32-byte base58 address/);
    expect(loadConfig({ SOLANA_WS_URL: 'wss://api.devnet.solana.com', PLATFORM_FEE_BPS: '0' }).PLATFORM_FEE_BPS).toBe(0);
  });
});
