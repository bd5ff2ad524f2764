import { Injectable } from '@nestjs/common';
import { CustodyLogService } from '../../provenance/services/custody-log.service.js';
import { grantSetHash, grantsPerVersion } from '../consent-record-walk.js';

/** The consent that cleared a published version, as a licence certificate names it. */
export interface VersionGrantSet {
  /** The hash GET /v1/datasets/:id/consent lists for the version. */
  grantSetHash: string;
  /** How many signed grants the set holds. */
  grants: number;
}

/**
 * The grant set that cleared one published version, read from the custody log alone (so it is frozen when the
 * version is published, whatever is withdrawn later): what the checkout puts on licence certificates.
 */
@Injectable()
export class ConsentGrantSetService {
  constructor(private readonly custody: CustodyLogService) {}

  /** Null when the log holds no publication of that version. */
  async ofVersion(datasetId: string, version: number): Promise<VersionGrantSet | null> {
    const published = grantsPerVersion(await this.custody.list(datasetId)).find((entry) => entry.version === version);
    return published ? { grantSetHash: grantSetHash(published.grantHashes), grants: published.grantHashes.length } : null;
  }
}
