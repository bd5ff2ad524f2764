import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user.js';
import { AppConfig } from '../../config/app-config.js';
import { AnchorService } from '../../provenance/services/anchor.service.js';
import { CatalogErrorCode, CatalogException } from '../catalog.exception.js';
import { FileFootprintSummary, VersionFilePage, VersionFileView } from '../dto/version-files.dto.js';
import type { DatasetVersionEntity } from '../entities/dataset-version.entity.js';
import type { DatasetVersionFileEntity } from '../entities/dataset-version-file.entity.js';
import { croissantDocument, type JsonLd } from '../metadata/croissant-document.js';
import { mediaTypeOf } from '../metadata/media-types.js';
import { spdxDocument } from '../metadata/spdx-document.js';
import { DatasetVersionRepository } from '../repositories/dataset-version.repository.js';
import { DatasetProvenanceService } from './dataset-provenance.service.js';

/**
 * What pipelines and the dataset card read about a published version: its Croissant 1.1 and SPDX 3 documents and its
 * file list, page by page. Visible as the manifest is: listed datasets to anyone, others to their owner and admins.
 */
@Injectable()
export class DatasetMetadataService {
  constructor(
    private readonly provenance: DatasetProvenanceService,
    private readonly versions: DatasetVersionRepository,
    private readonly anchors: AnchorService,
    private readonly config: AppConfig,
  ) {}

  private get origin(): string {
    return new URL(this.config.publicUrl).origin;
  }

  /** The version asked for, or the listed one (an owner or admin of an unlisted dataset: its latest). */
  private async version(user: AuthUser | null, datasetId: string, number?: number): Promise<DatasetVersionEntity> {
    const dataset = await this.provenance.visible(user, datasetId);
    const row =
      number !== undefined
        ? await this.versions.find(datasetId, number)
        : ((await this.versions.findListed(datasetId)) ??
          (dataset.latestVersion === null ? null : await this.versions.find(datasetId, dataset.latestVersion)));
    if (!row) {
      throw new CatalogException(
        CatalogErrorCode.VERSION_NOT_FOUND,
        `Dataset ${datasetId} has no published version${number === undefined ? '' : ` ${number}`}`,
      );
    }
    return row;
  }

  async croissant(user: AuthUser | null, datasetId: string, number?: number): Promise<JsonLd> {
    const version = await this.version(user, datasetId, number);
    const [files, anchors] = await Promise.all([this.versions.filesOf(datasetId, version.version), this.anchors.anchorsOf(datasetId)]);
    const anchor = anchors.find((a) => a.version === version.version) ?? null;
    return croissantDocument({ origin: this.origin, version, files, anchor });
  }

  /** The Croissant description of a listed dataset as anyone sees it; null when there is none to show (for the page's head). */
  async publicCroissant(datasetId: string): Promise<JsonLd | null> {
    try {
      return await this.croissant(null, datasetId);
    } catch (error) {
      if (error instanceof CatalogException) return null;
      throw error;
    }
  }

  async spdx(user: AuthUser | null, datasetId: string, number: number): Promise<JsonLd> {
    const version = await this.version(user, datasetId, number);
    const files = await this.versions.filesOf(datasetId, version.version);
    return spdxDocument({ origin: this.origin, version, files, created: version.publishedAt });
  }

  async files(user: AuthUser | null, datasetId: string, number: number, limit: number, cursor?: string): Promise<VersionFilePage> {
    const version = await this.version(user, datasetId, number);
    const after = cursor === undefined ? -1 : Number(cursor);
    const rows = await this.versions.filePage(datasetId, version.version, after, limit + 1);
    const page = rows.slice(0, limit);
    return Object.assign(new VersionFilePage(), {
      version: version.version,
      total: version.fileCount,
      items: page.map(fileView),
      nextCursor: rows.length > limit ? String(page[page.length - 1].leafIndex) : null,
    });
  }
}

function fileView(file: DatasetVersionFileEntity): VersionFileView {
  const footprint = file.footprint;
  return Object.assign(new VersionFileView(), {
    path: file.path,
    sizeBytes: file.sizeBytes,
    sha256: file.sha256,
    modality: file.modality,
    format: file.format,
    mediaType: mediaTypeOf(file.format),
    timeStart: file.timeStart,
    timeEnd: file.timeEnd,
    footprint: footprint
      ? Object.assign(new FileFootprintSummary(), {
          kind: footprint.kind,
          lengthKm: footprint.lengthKm,
          areaKm2: footprint.areaKm2,
          positions: footprint.positions,
          source: footprint.source,
        })
      : null,
    footprintReason: file.footprintReason,
    gnssQuality: file.gnssQuality,
  });
}
