import { Injectable } from '@nestjs/common';
import { StorageErrorCode, StorageException } from './storage.exception.js';

/**
 * Decides, each time the local store serves a download, whether the right its URL was handed out under still
 * holds. The module that hands out grants implements it (checkout: the licence is not refunded or ended, the member
 * is still in the organisation); a grant is opaque here. S3's presigned URLs cannot be asked: they only expire.
 */
export abstract class DownloadGrantChecker {
  /** Null while the grant holds; otherwise why it no longer does. */
  abstract whyRevoked(grant: string): Promise<string | null>;
}

/** Where the module that hands out download grants plugs its checker in at start-up (storage cannot import it). */
@Injectable()
export class DownloadGrants {
  private checker: DownloadGrantChecker | null = null;

  use(checker: DownloadGrantChecker): void {
    this.checker = checker;
  }

  /** Throws URL_REVOKED when the grant no longer holds; a grant nobody can check is refused, never served. */
  async assertHolds(grant: string): Promise<void> {
    const why = this.checker ? await this.checker.whyRevoked(grant) : 'nothing on this instance can check it';
    if (why !== null) throw new StorageException(StorageErrorCode.URL_REVOKED, `This download URL no longer works: ${why}`);
  }
}
