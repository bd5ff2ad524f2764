import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { readOrCreateSecretFile } from '../config/data-dir.js';
import { PlatformSigner, fromBase58, toBase58 } from './licence-certificate.js';

/** Reads a base58 key: a 32-byte Ed25519 seed, or a 64-byte Solana secret key (seed + public key). */
function seedOf(base58: string, source: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase58(base58.trim());
  } catch {
    throw new Error(`${source} is not base58`);
  }
  if (bytes.length === 32) return bytes;
  if (bytes.length === 64) {
    const seed = bytes.slice(0, 32);
    if (new PlatformSigner(seed).publicKey !== toBase58(bytes.slice(32))) throw new Error(`${source}: its public half does not match its seed`);
    return seed;
  }
  throw new Error(`${source} must be a 32-byte seed or a 64-byte secret key, got ${bytes.length} bytes`);
}

/**
 * The key that signs licence certificates: PLATFORM_SIGNING_KEY when set, otherwise one generated once and kept in
 * DATA_DIR/platform-signing-key (like the JWT secret), so certificates stay verifiable across restarts. Several
 * instances must share PLATFORM_SIGNING_KEY.
 */
export function resolvePlatformSigner(config: AppConfig): PlatformSigner {
  if (config.PLATFORM_SIGNING_KEY) return new PlatformSigner(seedOf(config.PLATFORM_SIGNING_KEY, 'PLATFORM_SIGNING_KEY'));
  const file = join(config.DATA_DIR, 'platform-signing-key');
  return new PlatformSigner(
    seedOf(
      readOrCreateSecretFile(file, () => toBase58(new Uint8Array(randomBytes(32)))),
      file,
    ),
  );
}
