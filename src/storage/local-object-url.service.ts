import { createHmac, timingSafeEqual } from 'node:crypto';
import { StorageErrorCode, StorageException } from './storage.exception.js';

/** What a presigned part URL allows: PUTs of one part of one upload, of at most `size` bytes, until `exp` (seconds since the epoch). */
export interface PartUrlClaim {
  key: string;
  uploadId: string;
  partNumber: number;
  size: number;
  exp: number;
}

/** What a presigned download URL allows: GETs of one object until `exp`, saved under `name`, while `grant` holds. */
export interface DownloadUrlClaim {
  key: string;
  exp: number;
  name?: string;
  /** Checked with DownloadGrants at every use (an entitlement that a refund revokes). */
  grant?: string;
}

// `use` keeps a download token from being replayed as a part token and the other way round.
type SignedClaim = ({ use: 'part' } & PartUrlClaim) | ({ use: 'download' } & DownloadUrlClaim);

const MAX_TOKEN_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Signs and checks the local store's stand-ins for S3 presigned URLs: `<base64url(JSON claim)>.<base64url(HMAC)>`.
 * The HMAC key is derived from the JWT secret under a fixed label, so no new setting is needed and a JWT can never
 * pass for a URL token (different key, different format).
 */
export class LocalObjectUrlService {
  private readonly hmacKey: Buffer;

  constructor(
    jwtSecret: string,
    private readonly publicUrl: string,
    private readonly now: () => number = Date.now,
  ) {
    this.hmacKey = createHmac('sha256', jwtSecret).update('local-object-urls').digest();
  }

  /** Seconds since the epoch, `ttlSeconds` from now: the `exp` of a claim. */
  expiresIn(ttlSeconds: number): number {
    return Math.floor(this.now() / 1000) + ttlSeconds;
  }

  partUrl(claim: PartUrlClaim): string {
    const { key, uploadId, partNumber, size, exp } = claim;
    return `${this.publicUrl}/v1/storage/local/parts/${this.sign({ use: 'part', key, uploadId, partNumber, size, exp })}`;
  }

  downloadUrl(claim: DownloadUrlClaim): string {
    const { key, exp, name, grant } = claim;
    return `${this.publicUrl}/v1/storage/local/objects/${this.sign({ use: 'download', key, exp, name, grant })}`;
  }

  verifyPart(token: string): PartUrlClaim {
    const claim = this.verify(token);
    if (claim.use !== 'part' || typeof claim.uploadId !== 'string' || !Number.isInteger(claim.partNumber) || !Number.isSafeInteger(claim.size)) {
      throw invalid();
    }
    return { key: claim.key, uploadId: claim.uploadId, partNumber: claim.partNumber, size: claim.size, exp: claim.exp };
  }

  verifyDownload(token: string): DownloadUrlClaim {
    const claim = this.verify(token);
    if (claim.use !== 'download' || (claim.name !== undefined && typeof claim.name !== 'string')) throw invalid();
    if (claim.grant !== undefined && typeof claim.grant !== 'string') throw invalid();
    return { key: claim.key, exp: claim.exp, name: claim.name, grant: claim.grant };
  }

  private sign(claim: SignedClaim): string {
    const payload = Buffer.from(JSON.stringify(claim)).toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  private verify(token: string): SignedClaim {
    const [payload, signature, ...rest] = typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
    if (!payload || !signature || rest.length > 0 || !BASE64URL.test(payload) || !BASE64URL.test(signature)) throw invalid();
    // Compared as text, not as decoded bytes: base64url's last character of a 32-byte MAC carries 2 unused bits, so
    // decoding would take four spellings of each signature (and a URL altered in those bits) as the one we issued.
    const given = Buffer.from(signature);
    const expected = Buffer.from(this.mac(payload).toString('base64url'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    // The signature is good, so the payload is ours; still check its shape rather than trust a future format.
    const claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<SignedClaim>;
    if (typeof claim.key !== 'string' || !Number.isInteger(claim.exp)) throw invalid();
    if ((claim.exp as number) * 1000 <= this.now()) {
      throw new StorageException(StorageErrorCode.URL_EXPIRED, 'This storage URL has expired; ask the API for a new one');
    }
    return claim as SignedClaim;
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.hmacKey).update(payload).digest();
  }
}

function invalid(): StorageException {
  return new StorageException(StorageErrorCode.URL_INVALID, 'This storage URL is not valid');
}
