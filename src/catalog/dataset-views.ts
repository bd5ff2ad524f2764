import { cellToParent, cellsToMultiPolygon, getResolution } from 'h3-js';
import { type ContributorShare, weightBps } from './coverage.js';
import { bigintToH3 } from './search-area.js';
import { missingDeclarations } from './declarations.js';
import { declarationSentences } from './metadata/declaration-words.js';
import {
  ContributorWeightView,
  CoverageView,
  DatasetDraftView,
  DatasetResponse,
  DatasetSummary,
  DatasetVersionView,
  LicenceView,
} from './dto/dataset.response.js';
import type { DatasetEntity } from './entities/dataset.entity.js';
import type { DatasetVersionEntity } from './entities/dataset-version.entity.js';
import type { SearchRow } from './repositories/dataset-version.repository.js';
import type { CoverageOutline } from './repositories/dataset-search.sql.js';

/** The status a reader sees: takedown wins, then publication, then the draft's state. */
export function datasetStatus(dataset: DatasetEntity): DatasetResponse['status'] {
  if (dataset.takenDownAt) return 'taken_down';
  if (dataset.latestVersion !== null) return 'published';
  return dataset.draftState === 'editing' || dataset.draftState === null ? 'draft' : dataset.draftState;
}

export function contributorWeights(shares: readonly ContributorShare[]): ContributorWeightView[] {
  const bps = weightBps(shares);
  return shares.map((share) =>
    Object.assign(new ContributorWeightView(), {
      contributorId: share.contributorId,
      files: share.files,
      bytes: share.bytes,
      weightBps: bps.get(share.contributorId) ?? 0,
    }),
  );
}

function bboxOf(row: { minLon: number | null; minLat: number | null; maxLon: number | null; maxLat: number | null }): CoverageView['bbox'] {
  const { minLon, minLat, maxLon, maxLat } = row;
  return minLon === null || minLat === null || maxLon === null || maxLat === null ? null : [minLon, minLat, maxLon, maxLat];
}

export function versionView(version: DatasetVersionEntity, privileged: boolean): DatasetVersionView {
  const view = Object.assign(new DatasetVersionView(), {
    version: version.version,
    title: version.title,
    description: version.description,
    tags: version.tags,
    coverage: Object.assign(new CoverageView(), {
      modalities: version.modalities,
      networks: version.networks,
      bbox: bboxOf(version),
      timeStart: version.timeStart,
      timeEnd: version.timeEnd,
      fileCount: version.fileCount,
      totalBytes: version.totalBytes,
      totalDurationSeconds: version.totalDurationSeconds,
      totalPoints: version.totalPoints,
      totalMessages: version.totalMessages,
    }),
    licence: Object.assign(new LicenceView(), {
      templateId: version.licenceTemplateId,
      slug: version.licenceSlug,
      name: version.licenceName,
      terms: version.licenceTerms,
      text: version.licenceText,
    }),
    priceUsdCents: version.priceUsdCents,
    unitPrices: version.unitPrices,
    declarations: version.declarations,
    declarationStatements: declarationSentences(version.declarations),
    sampleFiles: version.sampleFiles,
    contributorCount: version.contributors.length,
    splitPolicy: version.splitPolicy,
    merkleRoot: version.merkleRoot,
    publishedAt: version.publishedAt,
  });
  if (privileged) view.contributors = contributorWeights(version.contributors);
  return view;
}

export function draftView(dataset: DatasetEntity, reviewReason: string | null, shares?: readonly ContributorShare[]): DatasetDraftView | null {
  if (dataset.draftState === null) return null;
  const view = Object.assign(new DatasetDraftView(), {
    state: dataset.draftState,
    revision: dataset.draftRevision,
    title: dataset.title,
    description: dataset.description,
    tags: dataset.tags,
    captureIds: dataset.captureIds,
    sampleCaptureIds: dataset.sampleCaptureIds,
    licenceTemplateId: dataset.licenceTemplateId,
    licenceTerms: dataset.licenceTerms,
    priceUsdCents: dataset.priceUsdCents,
    unitPrices: dataset.unitPrices,
    declarations: dataset.declarations,
    missingDeclarations: missingDeclarations(dataset.declarations),
    splitPolicy: dataset.splitPolicy,
    submittedAt: dataset.submittedAt,
    reviewReason: dataset.draftState === 'rejected' || dataset.draftState === 'changes_requested' ? reviewReason : null,
  });
  if (shares) view.contributors = contributorWeights(shares);
  return view;
}

export function datasetResponse(
  dataset: DatasetEntity,
  options: {
    published: DatasetVersionEntity | null;
    versions: number[];
    privileged: boolean;
    reviewReason?: string | null;
    shares?: readonly ContributorShare[];
  },
): DatasetResponse {
  const response = Object.assign(new DatasetResponse(), {
    id: dataset.id,
    ownerId: dataset.ownerId,
    status: datasetStatus(dataset),
    latestVersion: dataset.latestVersion,
    versions: options.versions,
    published: options.published ? versionView(options.published, options.privileged) : null,
    createdAt: dataset.createdAt,
    updatedAt: dataset.updatedAt,
  });
  if (options.privileged) {
    response.draft = draftView(dataset, options.reviewReason ?? null, options.shares);
    response.takenDownAt = dataset.takenDownAt;
    response.takedownReason = dataset.takedownReason;
  }
  return response;
}

export function summaryOf(row: SearchRow): DatasetSummary {
  return Object.assign(new DatasetSummary(), {
    id: row.dataset_id,
    version: row.version,
    title: row.title,
    summary: row.summary,
    tags: row.tags,
    coverage: Object.assign(new CoverageView(), {
      modalities: row.modalities,
      networks: row.networks,
      bbox: bboxOf({ minLon: row.min_lon, minLat: row.min_lat, maxLon: row.max_lon, maxLat: row.max_lat }),
      timeStart: row.time_start,
      timeEnd: row.time_end,
      fileCount: row.file_count,
      totalBytes: Number(row.total_bytes),
      totalDurationSeconds: row.total_duration_seconds,
      totalPoints: Number(row.total_points),
      totalMessages: Number(row.total_messages),
    }),
    footprint: row.coverage_outline ?? coverageOutline(row.coverage_cells ?? []),
    licenceSlug: row.licence_slug,
    licenceName: row.licence_name,
    exclusive: row.exclusive,
    priceUsdCents: Number(row.price_usd_cents),
    unitPrices: row.unit_prices,
    publishedAt: row.published_at,
    relevance: row.relevance,
  });
}

/** Cells a search hit draws at most; wider coverage is drawn at coarser resolutions. */
const MAX_OUTLINE_CELLS = 300;

/** The outline of a hit's coverage cells (decimal H3 ids) as a GeoJSON MultiPolygon, coarsened to stay small. */
export function coverageOutline(cells: readonly string[]): CoverageOutline | null {
  if (cells.length === 0) return null;
  let hexes = [...new Set(cells.map(bigintToH3))];
  for (let res = getResolution(hexes[0]) - 1; hexes.length > MAX_OUTLINE_CELLS && res >= 0; res--) {
    hexes = [...new Set(hexes.map((h) => cellToParent(h, res)))];
  }
  return { type: 'MultiPolygon', coordinates: cellsToMultiPolygon(hexes, true) };
}
