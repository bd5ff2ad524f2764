import type { CaptureSnapshot } from '../ingestion/dto/capture-snapshot.js';
import type { ResolvedLicence } from '../licensing/services/licence-template.service.js';
import { buildMerkleTree, toHex } from '../provenance/merkle-tree.js';
import { type ManifestEntry, manifestLeaves } from '../provenance/manifest-leaf.js';
import { contributorShares, coverageOf, manifestPaths } from './coverage.js';
import type { Declarations } from './declarations.js';
import { normalisedUnitPrices } from './unit-prices.js';
import { SampleFile } from './dto/dataset.response.js';
import type { DatasetEntity } from './entities/dataset.entity.js';
import { DatasetVersionFileEntity } from './entities/dataset-version-file.entity.js';
import { DatasetVersionEntity } from './entities/dataset-version.entity.js';

export interface FreezeInput {
  draft: DatasetEntity;
  version: number;
  /** The draft's captures, all ready, in any order. */
  captures: readonly CaptureSnapshot[];
  licence: ResolvedLicence;
  approvedBy: string;
  publishedAt: Date;
  listed: boolean;
}

const DEFAULT_SAMPLES = 3;

/**
 * Freezes a draft into an immutable version: the manifest (one file per capture, paths `<modality>/<filename>`),
 * its leaves in canonical order (UTF-8 bytes of the path), the Merkle root over them, coverage and contributor
 * weights derived from the captures. Pure: the same draft and captures always give the same root.
 */
export function freezeVersion(input: FreezeInput): { version: DatasetVersionEntity; files: DatasetVersionFileEntity[] } {
  const { draft, captures, licence } = input;
  const paths = manifestPaths(captures);
  const byId = new Map(captures.map((capture) => [capture.id, capture]));
  const entries: ManifestEntry[] = captures.map((capture) => ({
    datasetId: draft.id,
    version: input.version,
    captureId: capture.id,
    sha256: capture.sha256 ?? '',
    sizeBytes: capture.sizeBytes ?? -1,
    path: paths.get(capture.id) ?? '',
  }));
  const ordered = manifestLeaves(entries);
  const tree = buildMerkleTree(ordered.leaves);
  const files = ordered.entries.map((entry, leafIndex) => {
    const capture = byId.get(entry.captureId) as CaptureSnapshot;
    return Object.assign(new DatasetVersionFileEntity(), {
      datasetId: draft.id,
      version: input.version,
      path: entry.path,
      leafIndex,
      captureId: capture.id,
      contributorId: capture.ownerId,
      objectKey: verifiedKeyOf(capture),
      sizeBytes: entry.sizeBytes,
      sha256: entry.sha256,
      modality: capture.modality ?? 'other',
      format: capture.format ?? 'unknown',
      deviceSignatureValid: capture.deviceSignatureValid,
      metadata: capture.metadata,
      footprint: capture.footprint,
      footprintReason: capture.footprintReason,
      gnssQuality: capture.gnssQuality,
      timeStart: capture.timeStart,
      timeEnd: capture.timeEnd,
    });
  });
  const coverage = coverageOf(captures);
  const [minLon, minLat, maxLon, maxLat] = coverage.bbox ?? [null, null, null, null];
  const version = Object.assign(new DatasetVersionEntity(), {
    datasetId: draft.id,
    version: input.version,
    ownerId: draft.ownerId,
    title: draft.title,
    description: draft.description,
    tags: draft.tags,
    modalities: coverage.modalities,
    networks: coverage.networks,
    licenceTemplateId: licence.templateId,
    licenceSlug: licence.slug,
    licenceName: licence.name,
    licenceTerms: licence.terms,
    licenceText: licence.text,
    exclusive: licence.terms.exclusive,
    priceUsdCents: draft.priceUsdCents,
    unitPrices: normalisedUnitPrices(draft.unitPrices),
    declarations: draft.declarations as Declarations,
    splitPolicy: draft.splitPolicy,
    contributors: contributorShares(captures, draft.splitPolicy ?? undefined),
    sampleFiles: sampleFilesOf(draft, files),
    minLon,
    minLat,
    maxLon,
    maxLat,
    timeStart: coverage.timeStart,
    timeEnd: coverage.timeEnd,
    fileCount: coverage.fileCount,
    totalBytes: coverage.totalBytes,
    totalDurationSeconds: coverage.totalDurationSeconds,
    totalPoints: coverage.totalPoints,
    totalMessages: coverage.totalMessages,
    merkleRoot: toHex(tree.root),
    listed: input.listed,
    publishedAt: input.publishedAt,
    approvedBy: input.approvedBy,
  });
  return { version, files };
}

/** Only verified, content-addressed bytes go into a version (DatasetCapturesService.usable lets no other capture through). */
function verifiedKeyOf(capture: CaptureSnapshot): string {
  if (capture.objectKey === null) throw new Error(`Capture ${capture.id} has no verified object to freeze`);
  return capture.objectKey;
}

/** The chosen sample captures, or else the first file of each modality (up to three). */
function sampleFilesOf(draft: DatasetEntity, files: readonly DatasetVersionFileEntity[]): SampleFile[] {
  let chosen: DatasetVersionFileEntity[];
  if (draft.sampleCaptureIds.length > 0) {
    const wanted = new Set(draft.sampleCaptureIds);
    chosen = files.filter((file) => wanted.has(file.captureId));
  } else {
    const seen = new Set<string>();
    chosen = files.filter((file) => !seen.has(file.modality) && seen.add(file.modality)).slice(0, DEFAULT_SAMPLES);
  }
  return chosen.map((file) =>
    Object.assign(new SampleFile(), {
      path: file.path,
      captureId: file.captureId,
      modality: file.modality,
      format: file.format,
      sizeBytes: file.sizeBytes,
      metadata: file.metadata,
    }),
  );
}
