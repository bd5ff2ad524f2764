import type { FootprintGeometry } from '../../ingestion/footprints/footprint.types.js';
import type { LicenceTerms } from '../../licensing/licence-terms.js';
import type { UnitPrices } from '../unit-prices.js';

/** What checkout needs to sell one published dataset version: a snapshot, never an entity. */
export interface SaleableVersion {
  datasetId: string;
  version: number;
  title: string;
  /** The dataset's creator (contributor or curator). */
  ownerId: string;
  priceUsdCents: number;
  /** Per-unit prices of slices, frozen with the version; null: sold whole only. */
  unitPrices: UnitPrices | null;
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
  /** Its position in the version's Merkle tree (the manifest's leaf order). */
  leafIndex: number;
  captureId: string;
  contributorId: string;
  sizeBytes: number;
  sha256: string;
  /** Recording time (time_end - time_start), 0 when the file has no times. */
  durationMs: number;
  /** Geodesic length of its track in metres, 0 without one. */
  lengthM: number;
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

/**
 * A slice area as the buyer gave it: one of a bbox [minLon, minLat, maxLon, maxLat], a GeoJSON Polygon / MultiPolygon
 * geometry, or H3 cells of any resolution.
 */
export interface SliceAreaInput {
  bbox?: number[];
  polygon?: object;
  cells?: string[];
}

/** What a slice selects: captures in the area (any of its cells) during the window, of these modalities. */
export interface SliceQuery {
  area?: SliceAreaInput;
  from?: Date;
  to?: Date;
  modalities?: string[];
}

/** The area normalised as the cell index answers it: inclusive ranges of res-8 H3 ids (decimal strings). */
export interface SliceAreaRanges {
  res: number;
  lo: string[];
  hi: string[];
}

/** One file of a slice, with the quantities it is priced by. */
export interface SliceFile {
  leafIndex: number;
  path: string;
  captureId: string;
  contributorId: string;
  modality: string;
  sizeBytes: number;
  /** time_end - time_start in whole milliseconds; 0 when the capture has no times. */
  durationMs: number;
  /** The footprint's track length in whole metres; 0 without a track. */
  lengthM: number;
  /** The footprint's map geometry, for drawing the slice; null without a footprint, or past the caller's vertex budget. */
  geometry: FootprintGeometry | null;
  /** Vertices of that geometry (0 without a footprint). */
  vertices: number;
  /** The footprint's [minLon, minLat, maxLon, maxLat]; null without a footprint. */
  bbox: [number, number, number, number] | null;
}

/**
 * The files of a listed version a slice query selects, in leaf order. `emptyBecause` says which filter left nothing,
 * in the order they apply: no capture in the area, none of those in the window, none of those of the modalities.
 */
export interface Slice {
  listing: SaleableVersion;
  area: SliceAreaRanges | null;
  files: SliceFile[];
  emptyBecause: 'area' | 'window' | 'modalities' | null;
}

/** What one modality of an order's files amounts to. */
export interface ModalityTotals {
  modality: string;
  files: number;
  bytes: number;
  /** Recorded time of its files with times, in seconds. */
  durationSeconds: number;
}

/** The facts of an order's files a training-content summary needs (EU AI Act): frozen with the version, never recomputed. */
export interface TrainingContentFacts {
  datasetId: string;
  version: number;
  title: string;
  merkleRoot: string;
  licenceName: string;
  licenceSlug: string;
  /** Contributors whose files are among these. */
  contributorCount: number;
  files: number;
  bytes: number;
  modalities: ModalityTotals[];
  /** The earliest start and latest end of the files' recordings; null when none has times. */
  collectedFrom: Date | null;
  collectedTo: Date | null;
}
