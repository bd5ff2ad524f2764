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
    const chosen = leafIndexes === null ? null : new Set(leafIndexes);
    const files = (await this.versions.filesOf(datasetId, version)).filter((file) => chosen === null || chosen.has(file.leafIndex));
    const modalities = new Map<string, ModalityTotals>();
    let from: number | null = null;
    let to: number | null = null;
    for (const file of files) {
      const totals = modalities.get(file.modality) ?? { modality: file.modality, files: 0, bytes: 0, durationSeconds: 0 };
      totals.files += 1;
      totals.bytes += file.sizeBytes;
      if (file.timeStart && file.timeEnd) {
        totals.durationSeconds += Math.max(0, file.timeEnd.getTime() - file.timeStart.getTime()) / 1000;
        from = Math.min(from ?? Infinity, file.timeStart.getTime());
        to = Math.max(to ?? -Infinity, file.timeEnd.getTime());
      }
      modalities.set(file.modality, totals);
    }
    return {
      datasetId,
      version,
      title: row.title,
      merkleRoot: row.merkleRoot,
      licenceName: row.licenceName,
      licenceSlug: row.licenceSlug,
      contributorCount: new Set(files.map((file) => file.contributorId)).size,
      files: files.length,
      bytes: files.reduce((sum, file) => sum + file.sizeBytes, 0),
      modalities: [...modalities.values()].sort((a, b) => a.modality.localeCompare(b.modality)),
      collectedFrom: from === null ? null : new Date(from),
      collectedTo: to === null ? null : new Date(to),
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
