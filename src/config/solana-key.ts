import { createPrivateKey, createPublicKey } from 'node:crypto';
import { getBase58Encoder } from '@solana/kit';

const SECRET_KEY_BYTES = 64;
// PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Decodes a Solana secret key as a key file holds it (a JSON array of 64 bytes: the 32-byte seed, then the public
 * key) or as base58 of the same 64 bytes, and checks that the public half belongs to the seed, so a truncated or
 * mixed-up key fails at start-up instead of at the first transaction. Throws an Error saying what is wrong
 * (never echoing the key).
 */
export function decodeSolanaSecretKey(text: string): Uint8Array {
  const trimmed = text.trim();
  let bytes: Uint8Array;
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error('is not a valid JSON array');
    }
    if (!Array.isArray(parsed) || !parsed.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) {
      throw new Error('must be a JSON array of integers 0-255');
    }
    bytes = Uint8Array.from(parsed as number[]);
  } else {
    try {
      bytes = new Uint8Array(getBase58Encoder().encode(trimmed));
    } catch {
      throw new Error('is neither a JSON array of 64 bytes nor base58');
    }
  }
  if (bytes.length !== SECRET_KEY_BYTES) throw new Error(`must hold ${SECRET_KEY_BYTES} bytes, got ${bytes.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, bytes.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  const publicKey = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url');
  if (!publicKey.equals(bytes.subarray(32))) throw new Error('holds a public key that does not belong to its secret half');
  return bytes;
}
