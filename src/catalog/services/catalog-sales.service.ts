import { Injectable } from '@nestjs/common';
import type { ModalityTotals, SaleableVersion, TrainingContentFacts, VersionFile, VersionSplitInputs } from '../dto/saleable-version.js';
import { DatasetRepository } from '../repositories/dataset.repository.js';
import { DatasetVersionRepository } from '../repositories/dataset-version.repository.js';
import type { DatasetVersionEntity } from '../entities/dataset-version.entity.js';
import { fileMeasures } from '../unit-prices.js';

/** What checkout reads from the catalog: published versions as snapshots, and their files. */
@Injectable()
export class CatalogSalesService {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly versions: DatasetVersionRepository,
  ) {}

  /** The given published version, or the latest one when `version` is omitted; null when there is none. */
  async findSaleable(datasetId: string, version?: number): Promise<SaleableVersion | null> {
    const dataset = await this.datasets.findById(datasetId);
    const number = version ?? dataset?.latestVersion;
    if (!dataset || number === null || number === undefined) return null;
    const row = await this.versions.find(datasetId, number);
    if (!row) return null;
    return saleableOf(row);
  }

  async versionFiles(datasetId: string, version: number): Promise<VersionFile[]> {
    return (await this.versions.saleFilesOf(datasetId, version)).map((file) => ({
      path: file.path,
      leafIndex: file.leaf_index,
      captureId: file.capture_id,
      contributorId: file.contributor_id,
      sizeBytes: Number(file.size_bytes),
      sha256: file.sha256,
      ...fileMeasures(file),
      objectKey: file.object_key,
    }));
  }

  /**
   * What the given files of a published version are, per modality, and when they were recorded: every file, or the
   * leaves of a slice. Null when there is no such version.
   */
  async trainingContent(datasetId: string, version: number, leafIndexes: readonly number[] | null): Promise<TrainingContentFacts | null> {
    const row = await this.versions.find(datasetId, version);
    if (!row) return null;
    const totals = await this.versions.contentTotals(datasetId, version, leafIndexes);
    const modalities: ModalityTotals[] = totals.modalities.map((row) => ({
      modality: row.modality,
      files: row.files,
      bytes: Number(row.bytes),
      durationSeconds: row.duration_seconds,
    }));
    const starts = totals.modalities.flatMap((row) => (row.first ? [new Date(row.first).getTime()] : []));
    const ends = totals.modalities.flatMap((row) => (row.last ? [new Date(row.last).getTime()] : []));
    return {
      datasetId,
      version,
      title: row.title,
      merkleRoot: row.merkleRoot,
      licenceName: row.licenceName,
      licenceSlug: row.licenceSlug,
      contributorCount: totals.contributors,
      files: modalities.reduce((sum, totals) => sum + totals.files, 0),
      bytes: modalities.reduce((sum, totals) => sum + totals.bytes, 0),
      modalities: modalities.sort((a, b) => a.modality.localeCompare(b.modality)),
      collectedFrom: starts.length === 0 ? null : new Date(Math.min(...starts)),
      collectedTo: ends.length === 0 ? null : new Date(Math.max(...ends)),
    };
  }

  /** The frozen split policy and contributor weights of a published version; null when there is no such version. */
  async splitInputs(datasetId: string, version: number): Promise<VersionSplitInputs | null> {
    const row = await this.versions.find(datasetId, version);
    if (!row) return null;
    return { datasetId, version, curatorId: row.ownerId, splitPolicy: row.splitPolicy, contributors: row.contributors };
  }
}

/** A frozen version as the modules that sell it see it. */
export function saleableOf(row: DatasetVersionEntity): SaleableVersion {
  return {
    datasetId: row.datasetId,
    version: row.version,
    title: row.title,
    ownerId: row.ownerId,
    priceUsdCents: row.priceUsdCents,
    unitPrices: row.unitPrices,
    licence: { templateId: row.licenceTemplateId, slug: row.licenceSlug, name: row.licenceName, terms: row.licenceTerms, text: row.licenceText },
    exclusive: row.exclusive,
    merkleRoot: row.merkleRoot,
    listed: row.listed,
  };
}
