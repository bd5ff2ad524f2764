import { Injectable } from '@nestjs/common';
import type { SaleableVersion, VersionFile, VersionSplitInputs } from '../dto/saleable-version.js';
import { DatasetRepository } from '../repositories/dataset.repository.js';
import { DatasetVersionRepository } from '../repositories/dataset-version.repository.js';
import type { DatasetVersionEntity } from '../entities/dataset-version.entity.js';

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
    return (await this.versions.filesOf(datasetId, version)).map((file) => ({
      path: file.path,
      leafIndex: file.leafIndex,
      captureId: file.captureId,
      contributorId: file.contributorId,
      sizeBytes: file.sizeBytes,
      sha256: file.sha256,
      durationMs: file.timeStart && file.timeEnd ? Math.max(0, file.timeEnd.getTime() - file.timeStart.getTime()) : 0,
      lengthM: file.footprint ? Math.round(file.footprint.lengthKm * 1000) : 0,
      objectKey: file.objectKey,
    }));
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
