import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import * as argon2 from 'argon2';
import { loadConfig } from '../../config/load-config.js';
import { PasswordHasherService } from './password-hasher.service.js';

const hasher = (env: Record<string, string> = {}) => new PasswordHasherService(loadConfig({ LOG_LEVEL: 'silent', ...env }));

describe('PasswordHasherService', () => {
  // Start-up warns below OWASP's floor; caught here, where the test hashes cheaply on purpose.
  let warn: jest.SpiedFunction<Logger['warn']>;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    warn.mockRestore();
  });

  it('warns at start-up when the costs are below OWASP floor, and only then', () => {
    hasher();
    hasher({ PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_TIME_COST: '2' });
    expect(warn).not.toHaveBeenCalled();
    hasher({ PASSWORD_HASH_MEMORY_KIB: '1024', PASSWORD_HASH_TIME_COST: '1' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/1024 KiB x 1 passes, below OWASP's floor of 19456 KiB x 2/);
  });

  it('hashes with argon2id at 64 MiB x 3 passes unless configured otherwise', async () => {
    const hash = await hasher().hash('a-long-password');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);
    expect(await hasher().verify(hash, 'a-long-password')).toBe(true);
    expect(await hasher().verify(hash, 'a-wrong-password')).toBe(false);
  });

  it('uses the configured costs, and says which stored hashes were made with others', async () => {
    const cheap = hasher({ PASSWORD_HASH_MEMORY_KIB: '1024', PASSWORD_HASH_TIME_COST: '1' });
    const hash = await cheap.hash('a-long-password');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,p=4,t=1\$/);
    expect(cheap.needsRehash(hash)).toBe(false);
    expect(hasher().needsRehash(hash)).toBe(true);
    expect(cheap.needsRehash(await argon2.hash('a-long-password', { type: argon2.argon2id, memoryCost: 2048, timeCost: 1 }))).toBe(true);
  });

  it('answers false for an unknown account after the same work as for a known one', async () => {
    expect(await hasher({ PASSWORD_HASH_MEMORY_KIB: '1024', PASSWORD_HASH_TIME_COST: '1' }).verify(null, 'a-long-password')).toBe(false);
  });

  it('refuses costs argon2 cannot take', () => {
    expect(() => loadConfig({ PASSWORD_HASH_MEMORY_KIB: '512' })).toThrow(/PASSWORD_HASH_MEMORY_KIB/);
    expect(() => loadConfig({ PASSWORD_HASH_TIME_COST: '0' })).toThrow(/PASSWORD_HASH_TIME_COST/);
  });
});
