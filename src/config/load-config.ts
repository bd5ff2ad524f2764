import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isAddress } from '@solana/kit';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { scrubSecrets } from '../common/logging/secret-scrubber.js';
import { AppConfig } from './app-config.js';
import { ConfigError } from './config-error.js';
import { readOrCreateSecretFile } from './data-dir.js';
import { decodeSolanaSecretKey } from './solana-key.js';
import { parseTrustProxy } from './trust-proxy.js';

/** Variables whose values are secrets: a message about them never repeats the value (it may end up in a log). */
const SECRET_VARIABLES = new Set([
  'JWT_SECRET',
  'ADMIN_PASSWORD',
  'S3_SECRET_ACCESS_KEY',
  'TREASURY_SECRET_KEY',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'PLATFORM_SIGNING_KEY',
]);

function shown(name: string, raw: Record<string, string>): string {
  if (SECRET_VARIABLES.has(name)) return 'a value that is not shown';
  const value = raw[name] as string | undefined;
  return value === undefined ? 'null' : JSON.stringify(scrubSecrets(value));
}

function describe(errors: ValidationError[], raw: Record<string, string>): string[] {
  return errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((text) => `${error.property}: ${text} (got ${shown(error.property, raw)})`),
  );
}

/** Reads and validates the configuration; throws a ConfigError naming every wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Class fields are defined even without an initializer (ES2022 semantics), so this lists every variable.
  const known = new Set(Object.keys(new AppConfig()));
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (known.has(key) && value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw, { enableImplicitConversion: true, exposeDefaultValues: true });
  const problems = describe(validateSync(config, { whitelist: true }), raw);
  if ((config.ADMIN_EMAIL === undefined) !== (config.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL / ADMIN_PASSWORD: set both to create the first admin, or neither');
  }
  try {
    parseTrustProxy(config.TRUST_PROXY);
  } catch (error) {
    problems.push(`TRUST_PROXY: ${(error as Error).message}`);
  }
  problems.push(...solanaProblems(config));
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  config.DATA_DIR = resolve(config.DATA_DIR);
  return config;
}

/**
 * The JWT signing secret: JWT_SECRET when set, otherwise one generated once and kept in DATA_DIR,
 * so tokens survive a restart of a single-machine install. Several instances must share JWT_SECRET.
 */
export function resolveJwtSecret(config: AppConfig): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  return readOrCreateSecretFile(join(config.DATA_DIR, 'jwt-secret'), () => randomBytes(48).toString('base64url'));
}

/** The cluster settings that only make sense together; the key file itself is read by resolveTreasurySecretKey. */
function solanaProblems(config: AppConfig): string[] {
  const problems: string[] = [];
  if (config.SOLANA_USDC_MINT !== undefined && !isAddress(config.SOLANA_USDC_MINT)) {
    problems.push('SOLANA_USDC_MINT: not a 32-byte base58 address');
  }
  if (config.TREASURY_SECRET_KEY !== undefined) {
    try {
      decodeSolanaSecretKey(config.TREASURY_SECRET_KEY);
    } catch (error) {
      problems.push(`TREASURY_SECRET_KEY: ${(error as Error).message}`);
    }
  }
  if (config.TREASURY_SECRET_KEY !== undefined && config.TREASURY_KEY_FILE !== undefined) {
    problems.push('TREASURY_SECRET_KEY / TREASURY_KEY_FILE: set one, not both');
  }
  if (config.SOLANA_RPC_URL !== undefined) {
    if (config.SOLANA_USDC_MINT === undefined) problems.push('SOLANA_USDC_MINT: required when SOLANA_RPC_URL is set');
    if (config.TREASURY_SECRET_KEY === undefined && config.TREASURY_KEY_FILE === undefined) {
      problems.push('TREASURY_SECRET_KEY / TREASURY_KEY_FILE: one is required when SOLANA_RPC_URL is set');
    }
  }
  return problems;
}

/**
 * The treasury's 64-byte secret key from TREASURY_SECRET_KEY or the file named by TREASURY_KEY_FILE (resolved
 * against the working directory); undefined when neither is set. Throws a ConfigError naming the variable.
 */
export function resolveTreasurySecretKey(config: AppConfig): Uint8Array | undefined {
  if (config.TREASURY_SECRET_KEY !== undefined) return decodeSolanaSecretKey(config.TREASURY_SECRET_KEY);
  if (config.TREASURY_KEY_FILE === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(resolve(config.TREASURY_KEY_FILE), 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  TREASURY_KEY_FILE: cannot read ${config.TREASURY_KEY_FILE} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return decodeSolanaSecretKey(text);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  TREASURY_KEY_FILE: the key in ${config.TREASURY_KEY_FILE} ${(error as Error).message}`);
  }
}
