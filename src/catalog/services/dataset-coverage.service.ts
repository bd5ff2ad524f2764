import { Injectable } from '@nestjs/common';
import { cellArea, cellToBoundary, compactCells, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js';

import type { AuthUser } from '../../auth/auth-user.js';
import { CatalogErrorCode, CatalogException } from '../catalog.exception.js';
import {
  CaptureCoverageFeature,
  CaptureCoverageProperties,
  CaptureWithoutFootprint,
  CatalogCoverageFeature,
  CatalogCoverageResponse,
  CoverageCellView,
  CoverageTotals,
  DatasetCoverageResponse,
} from '../dto/coverage.response.js';
import { DatasetVersionRepository } from '../repositories/dataset-version.repository.js';
import { bigintToH3, descendantRange } from '../search-area.js';
import { DatasetProvenanceService } from './dataset-provenance.service.js';

/** Resolutions catalog_coverage keeps, and the map zoom each is drawn from. */
const COVERAGE_LEVELS = [
  { res: 3, maxZoom: 4 },
  { res: 5, maxZoom: 7 },
  { res: 7, maxZoom: 30 },
] as const;
const MAX_COVERAGE_CELLS = 5_000;

/** Where a dataset's captures are (tracks, points, areas and their H3 cells), and where the whole catalogue has data. */
@Injectable()
export class DatasetCoverageService {
  constructor(
    private readonly versions: DatasetVersionRepository,
    private readonly provenance: DatasetProvenanceService,
  ) {}

  async datasetCoverage(user: AuthUser | null, datasetId: string, version: number | undefined, withCells: boolean): Promise<DatasetCoverageResponse> {
    const dataset = await this.provenance.visible(user, datasetId);
    const number = version ?? dataset.latestVersion;
    const row = number === null ? null : await this.versions.find(datasetId, number);
    if (!row || number === null)
      throw new CatalogException(CatalogErrorCode.VERSION_NOT_FOUND, `Dataset ${datasetId} has no published version ${number ?? ''}`.trim());
    const files = await this.versions.filesOf(datasetId, number);
    const features: CaptureCoverageFeature[] = [];
    const withoutFootprint: CaptureWithoutFootprint[] = [];
    const cells = new Map<string, { start: string | null; end: string | null; captures: number }>();
    let km = 0;
    let hours = 0;
    for (const file of files) {
      const fp = file.footprint;
      if (!fp) {
        withoutFootprint.push(
          Object.assign(new CaptureWithoutFootprint(), {
            captureId: file.captureId,
            path: file.path,
            modality: file.modality,
            reason: file.footprintReason ?? 'the capture has no position',
          }),
        );
        continue;
      }
      km += fp.lengthKm;
      if (fp.start !== null && fp.end !== null) hours += (Date.parse(fp.end) - Date.parse(fp.start)) / 3_600_000;
      for (const cell of fp.cells) {
        const seen = cells.get(cell.h3);
        if (!seen) cells.set(cell.h3, { start: cell.start, end: cell.end, captures: 1 });
        else {
          seen.captures++;
          if (cell.start !== null && (seen.start === null || cell.start < seen.start)) seen.start = cell.start;
          if (cell.end !== null && (seen.end === null || cell.end > seen.end)) seen.end = cell.end;
        }
      }
      features.push(
        Object.assign(new CaptureCoverageFeature(), {
          type: 'Feature' as const,
          geometry: fp.geometry,
          properties: Object.assign(new CaptureCoverageProperties(), {
            captureId: file.captureId,
            path: file.path,
            modality: file.modality,
            format: file.format,
            kind: fp.kind,
            start: fp.start,
            end: fp.end,
            lengthKm: round(fp.lengthKm, 3),
            areaKm2: round(fp.areaKm2, 3),
            cells: fp.cells.length,
            source: fp.source,
            gnssQuality: file.gnssQuality,
          }),
        }),
      );
    }
    let km2 = 0;
    for (const h3 of cells.keys()) km2 += cellArea(h3, 'km2');
    const response = Object.assign(new DatasetCoverageResponse(), {
      type: 'FeatureCollection' as const,
      datasetId,
      version: number,
      totals: Object.assign(new CoverageTotals(), {
        captures: files.length,
        withFootprint: features.length,
        km: round(km, 3),
        hours: round(hours, 3),
        km2: round(km2, 3),
        cells: cells.size,
      }),
      features,
      withoutFootprint,
    });
    if (withCells) {
      response.cells = [...cells.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([h3, c]) => Object.assign(new CoverageCellView(), { h3, ...c }));
    }
    return response;
  }

  /** Cells with listed data in the map view, at the resolution for its zoom. */
  async catalogCoverage(bbox: [number, number, number, number] | null, zoom: number, modality: string | undefined): Promise<CatalogCoverageResponse> {
    const res = (COVERAGE_LEVELS.find((level) => zoom <= level.maxZoom) ?? COVERAGE_LEVELS[2]).res;
    // The view as ranges of cell ids at `res`: covered a few resolutions coarser and compacted, each coarse cell being
    // the contiguous range of its descendants, so a world view is a few dozen index range scans, not 8,000 ids.
    let ranges: { lo: string[]; hi: string[] } | null = null;
    if (bbox) {
      const [w, s, e, n] = bbox;
      const coarse = Math.max(0, res - 3);
      const cover = compactCells(
        polygonToCellsExperimental(
          [
            [
              [w, s],
              [e, s],
              [e, n],
              [w, n],
              [w, s],
            ],
          ],
          coarse,
          POLYGON_TO_CELLS_FLAGS.containmentOverlapping,
          true,
        ),
      );
      const pairs = cover.map((cell) => descendantRange(cell, res));
      ranges = { lo: pairs.map(([lo]) => lo.toString()), hi: pairs.map(([, hi]) => hi.toString()) };
    }
    const rows = await this.versions.catalogCoverage(res, ranges, modality, MAX_COVERAGE_CELLS);
    const truncated = rows.length > MAX_COVERAGE_CELLS;
    return Object.assign(new CatalogCoverageResponse(), {
      type: 'FeatureCollection' as const,
      res,
      truncated,
      features: rows.slice(0, MAX_COVERAGE_CELLS).map((row) => {
        const h3 = bigintToH3(row.cell);
        const ring = cellToBoundary(h3, true);
        return Object.assign(new CatalogCoverageFeature(), {
          type: 'Feature' as const,
          geometry: { type: 'Polygon' as const, coordinates: [ring] },
          properties: { h3, datasets: row.datasets, modalities: row.modalities },
        });
      }),
    });
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
