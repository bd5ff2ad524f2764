import { readFileSync } from 'node:fs';
import { PASSWORD_MIN_LENGTH, PASSWORD_RULE } from './password-rule.js';

describe('password rule', () => {
  it('is the rule the README states wherever it names one', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const stated = [...readme.matchAll(/password[^.|\n]{0,25}?\b(\d+)\+? characters/gi)].map((m) => Number(m[1]));
    expect(stated.length).toBeGreaterThanOrEqual(2);
    expect(new Set(stated)).toEqual(new Set([PASSWORD_MIN_LENGTH]));
    expect(PASSWORD_RULE).toBe(`at least ${PASSWORD_MIN_LENGTH} characters`);
  });
});
