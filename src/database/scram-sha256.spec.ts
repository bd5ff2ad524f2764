import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { ScramError, ScramServerExchange, scramVerifier } from './scram-sha256.js';

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();

/** The client side, as RFC 5802 defines it (what pg and psql compute). */
function clientFinal(password: string, clientFirstBare: string, serverFirst: string): { message: string; serverSignature: string } {
  const attributes = new Map(serverFirst.split(',').map((part) => [part[0], part.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(attributes.get('s') ?? '', 'base64'), Number(attributes.get('i')), 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=biws,r=${attributes.get('r') ?? ''}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = hmac(storedKey, authMessage);
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i])).toString('base64');
  return { message: `${withoutProof},p=${proof}`, serverSignature: hmac(hmac(salted, 'Server Key'), authMessage).toString('base64') };
}

describe('SCRAM-SHA-256 server exchange', () => {
  const verifier = scramVerifier('the-password', randomBytes(16));
  const clientFirstBare = `n=*,r=${randomBytes(18).toString('base64')}`;

  it('accepts the right password and proves itself with the server signature', () => {
    const exchange = new ScramServerExchange(verifier);
    const serverFirst = exchange.start(`n,,${clientFirstBare}`);
    expect(serverFirst).toMatch(/^r=[^,]+,s=[^,]+,i=4096$/);
    const { message, serverSignature } = clientFinal('the-password', clientFirstBare, serverFirst);
    expect(exchange.finish(message)).toBe(`v=${serverSignature}`);
  });

  it('refuses a wrong password, a replayed nonce and channel binding', () => {
    const exchange = new ScramServerExchange(verifier);
    const serverFirst = exchange.start(`n,,${clientFirstBare}`);
    expect(() => exchange.finish(clientFinal('a-wrong-password', clientFirstBare, serverFirst).message)).toThrow(ScramError);

    const other = new ScramServerExchange(verifier);
    other.start(`n,,${clientFirstBare}`);
    // A final message computed for another exchange's nonce does not continue this one.
    expect(() => other.finish(clientFinal('the-password', clientFirstBare, serverFirst).message)).toThrow('does not continue this exchange');

    expect(() => new ScramServerExchange(verifier).start(`p=tls-server-end-point,,${clientFirstBare}`)).toThrow(ScramError);
    expect(() => new ScramServerExchange(verifier).start('n,,r=')).toThrow(ScramError);
    expect(() => new ScramServerExchange(verifier).finish('c=biws,r=x,p=AAAA')).toThrow('before client-first-message');
  });
});
