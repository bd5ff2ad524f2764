import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, resolveJwtSecret } from './load-config.js';

describe('loadConfig', () => {
  it('applies defaults and converts types', () => {
    const config = loadConfig({ PORT: '8080', TRUST_PROXY: 'true' });
    expect(config.PORT).toBe(8080);
    expect(config.TRUST_PROXY).toBe(true);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.AUTH_RATE_LIMIT).toBe(20);
  });

  it('names every wrong variable', () => {
    const load = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT: PORT must be an integer number \(got "eighty"\)/);
    expect(load).toThrow(/DATABASE_URL: DATABASE_URL must be a postgres/);
    expect(load).toThrow(/LOG_LEVEL: LOG_LEVEL must be one of the following values/);
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
