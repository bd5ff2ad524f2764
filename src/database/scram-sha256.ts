import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** PostgreSQL's own default iteration count (scram_iterations). */
const ITERATIONS = 4096;

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

/** What a server keeps of a password: the salt and the two derived keys, never the password itself (RFC 5802 §3). */
export interface ScramVerifier {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = ITERATIONS): ScramVerifier {
  const saltedPassword = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  return { salt, iterations, storedKey: sha256(hmac(saltedPassword, 'Client Key')), serverKey: hmac(saltedPassword, 'Server Key') };
}

export class ScramError extends Error {
  override readonly name = 'ScramError';
}

/** `a=1,b=2` attributes of a SCRAM message; values may contain '='. */
function attributes(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at !== 1) throw new ScramError(`malformed SCRAM attribute ${JSON.stringify(part.slice(0, 20))}`);
    map.set(part[0], part.slice(2));
  }
  return map;
}

/**
 * The server side of one SCRAM-SHA-256 exchange without channel binding, as PostgreSQL runs it in its wire protocol
 * (the client's user name is taken from the startup packet, so the SCRAM `n=` attribute is ignored, as PostgreSQL
 * does). `start` takes the client-first-message and answers the server-first-message; `finish` takes the
 * client-final-message and answers the server-final-message, or throws ScramError when the proof is wrong.
 */
export class ScramServerExchange {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private gs2Header = '';

  constructor(private readonly verifier: ScramVerifier) {}

  start(clientFirst: string): string {
    const match = /^([ny]),(a=[^,]*)?,(.*)$/.exec(clientFirst);
    // 'p' (channel binding) is refused: this server offers SCRAM-SHA-256 only, not SCRAM-SHA-256-PLUS.
    if (!match) throw new ScramError('malformed client-first-message, or channel binding requested');
    this.gs2Header = clientFirst.slice(0, clientFirst.length - match[3].length);
    this.clientFirstBare = match[3];
    const fields = attributes(this.clientFirstBare);
    const clientNonce = fields.get('r');
    if (fields.has('m') || !fields.has('n') || !clientNonce || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) {
      throw new ScramError('malformed client-first-message');
    }
    this.nonce = clientNonce + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString('base64')},i=${this.verifier.iterations}`;
    return this.serverFirst;
  }

  finish(clientFinal: string): string {
    if (!this.serverFirst) throw new ScramError('client-final-message before client-first-message');
    const proofAt = clientFinal.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramError('client-final-message without a proof');
    const withoutProof = clientFinal.slice(0, proofAt);
    const fields = attributes(withoutProof);
    if (fields.get('c') !== Buffer.from(this.gs2Header).toString('base64') || fields.get('r') !== this.nonce) {
      throw new ScramError('client-final-message does not continue this exchange');
    }
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.verifier.storedKey, authMessage);
    if (proof.length !== clientSignature.length) throw new ScramError('wrong password');
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ clientSignature[i]));
    if (!timingSafeEqual(sha256(clientKey), this.verifier.storedKey)) throw new ScramError('wrong password');
    return `v=${hmac(this.verifier.serverKey, authMessage).toString('base64')}`;
  }
}
