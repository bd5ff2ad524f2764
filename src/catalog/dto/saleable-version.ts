import type { LicenceTerms } from '../../licensing/licence-terms.js';

/** What checkout needs to sell one published dataset version: a snapshot, never an entity. */
export interface SaleableVersion {
  datasetId: string;
  version: number;
  title: string;
  /** The dataset's creator (contributor or curator). */
  ownerId: string;
  priceUsdCents: number;
  licence: { templateId: string; slug: string; name: string; terms: LicenceTerms; text: string };
  /** Sold to one buyer only (licence.terms.exclusive). */
  exclusive: boolean;
  merkleRoot: string;
  /** True while this is the latest published version and the dataset is not taken down: only then is it for sale. */
  listed: boolean;
}

/** One file of a frozen version, as checkout hands it to an entitled buyer. */
export interface VersionFile {
  path: string;
  captureId: string;
  sizeBytes: number;
  sha256: string;
  /** Internal: where the bytes are in object storage. Never returned to clients. */
  objectKey: string;
}

/** What the revenue module needs to split a sale of one version: frozen at publication, never recomputed. */
export interface VersionSplitInputs {
  datasetId: string;
  version: number;
  /** The dataset owner, paid the curator share when the policy has one. */
  curatorId: string;
  /** Split policy as frozen; null means the default (weighting by bytes, no curator share). */
  splitPolicy: {
    weighting: 'bytes' | 'duration' | 'messages' | 'explicit';
    curatorBps: number;
    explicitBps?: { contributorId: string; bps: number }[];
  } | null;
  /** One row per contributor (user id), sorted by id, with the integer weight the policy divides by. */
  contributors: { contributorId: string; files: number; bytes: number; durationSeconds: number; messages: number; weight: number }[];
}
