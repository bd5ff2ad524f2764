import { getBase58Decoder } from '@solana/kit';
import { testWallet as wallet } from '../../test/support/wallet.js';
import { buildSignInMessage, decodeBase58, isSolanaAddress, nonceOf, verifyWalletSignature } from './wallet-signature.js';

const base58 = getBase58Decoder();

describe('wallet signatures', () => {
  const alice = wallet();
  const message = buildSignInMessage({
    domain: 'localhost:3000',
    address: alice.address,
    uri: 'http://localhost:3000',
    nonce: 'n0nce-abcdefghijklmnop',
    issuedAt: new Date('2026-11-28T00:00:00Z'),
    expiresAt: new Date('2026-11-28T00:05:00Z'),
  });

  it('accepts the owner signature over the exact message', () => {
    expect(verifyWalletSignature(alice.address, message, alice.sign(message))).toBe(true);
  });

  it('rejects a signature by another key, over another message, or malformed', () => {
    const mallory = wallet();
    expect(verifyWalletSignature(alice.address, message, mallory.sign(message))).toBe(false);
    expect(verifyWalletSignature(alice.address, `${message} `, alice.sign(message))).toBe(false);
    expect(verifyWalletSignature(alice.address, message, 'not-base58-0OIl')).toBe(false);
    expect(verifyWalletSignature(alice.address, message, base58.decode(new Uint8Array(32)))).toBe(false);
  });

  it('verifies raw bytes exactly, including bytes that are not valid UTF-8', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    expect(verifyWalletSignature(alice.address, bytes, alice.signBytes(bytes))).toBe(true);
    // Decoding to text replaces the invalid bytes, so the text is not what was signed.
    expect(verifyWalletSignature(alice.address, bytes.toString('utf8'), alice.signBytes(bytes))).toBe(false);
  });

  it('recognises addresses and reads the nonce back', () => {
    expect(isSolanaAddress(alice.address)).toBe(true);
    expect(isSolanaAddress('0xdeadbeef')).toBe(false);
    expect(decodeBase58('0OIl')).toBeNull();
    expect(nonceOf(message)).toBe('n0nce-abcdefghijklmnop');
    expect(nonceOf('no nonce here')).toBeNull();
  });
});
