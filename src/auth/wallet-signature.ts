import { createPublicKey, verify } from 'node:crypto';
import { getBase58Encoder, isAddress } from '@solana/kit';

// DER prefix of an Ed25519 SubjectPublicKeyInfo; followed by the 32 raw key bytes.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const base58 = getBase58Encoder();

export function isSolanaAddress(address: string): boolean {
  return isAddress(address);
}

/** Bytes of a base58 string, or null when it is not base58. */
export function decodeBase58(text: string): Uint8Array | null {
  try {
    return new Uint8Array(base58.encode(text));
  } catch {
    return null;
  }
}

/** Verifies an Ed25519 signature by a Solana address (its 32-byte public key) over the message (text as UTF-8, or raw bytes). */
export function verifyWalletSignature(address: string, message: string | Uint8Array, signatureBase58: string): boolean {
  const publicKey = decodeBase58(address);
  const signature = decodeBase58(signatureBase58);
  if (!publicKey || publicKey.length !== 32 || !signature || signature.length !== 64) return false;
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  return verify(null, typeof message === 'string' ? Buffer.from(message, 'utf8') : message, key, signature);
}

export interface SignInMessageFields {
  domain: string;
  address: string;
  uri: string;
  nonce: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** A Sign-In-With-Solana style message: what the wallet shows its owner, so it says plainly what signing does. */
export function buildSignInMessage(fields: SignInMessageFields): string {
  return [
    `${fields.domain} wants you to sign in with your Solana account:`,
    fields.address,
    '',
    'Sign in to the physical-AI data marketplace. Signing proves you own this wallet; it costs nothing and moves no funds.',
    '',
    `URI: ${fields.uri}`,
    'Version: 1',
    `Nonce: ${fields.nonce}`,
    `Issued At: ${fields.issuedAt.toISOString()}`,
    `Expiration Time: ${fields.expiresAt.toISOString()}`,
  ].join('\n');
}

/** The nonce line of a sign-in message, or null when the message has none. */
export function nonceOf(message: string): string | null {
  const match = /^Nonce: ([A-Za-z0-9_-]{16,128})$/m.exec(message);
  return match ? match[1] : null;
}
