import { generateKeyPairSync, sign } from 'node:crypto';
import { getBase58Decoder } from '@solana/kit';

const base58 = getBase58Decoder();

/** A real Ed25519 keypair standing in for a Solana wallet: its base58 address and a signMessage like a wallet's. */
export function testWallet() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  return {
    address: base58.decode(raw),
    sign: (message: string) => base58.decode(sign(null, Buffer.from(message, 'utf8'), privateKey)),
    signBytes: (bytes: Uint8Array) => base58.decode(sign(null, bytes, privateKey)),
    /** The raw 64-byte signature, as a wallet's signMessage answers it. */
    signRaw: (bytes: Uint8Array) => Array.from(sign(null, bytes, privateKey)),
  };
}

/** A Solana secret key as a CLI key file holds it: 64 bytes, the Ed25519 seed then the public key. */
export function testSolanaSecretKey(): Uint8Array {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return Uint8Array.from(Buffer.concat([seed, pub]));
}
