import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogErrorCode, CatalogException } from '../catalog.exception.js';
import type { SaleableVersion, Slice, SliceAreaInput, SliceAreaRanges, SliceFile, SliceQuery } from '../dto/saleable-version.js';
import { DatasetVersionRepository, type SliceCandidateRow } from '../repositories/dataset-version.repository.js';
import { fileMeasures } from '../unit-prices.js';
import { AreaError, areaFromBBox, areaFromCells, areaFromGeoJson, parseBBox, type SearchArea } from '../search-area.js';
import { saleableOf } from './catalog-sales.service.js';
import { searchArea } from './catalog-search.service.js';

/**
 * What quotes read from the catalog (issue 13): the listed version of a dataset, and the files of it that a slice
 * (area x window x modalities) selects, with the quantities they are priced by. The area is normalised here, with the
 * search's own rules (search-area.ts), so a slice and a search agree on what "in the area" means.
 */
@Injectable()
export class CatalogSliceService {
  constructor(
    private readonly versions: DatasetVersionRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The dataset's listed version (the latest published, not taken down), or null; in the caller's transaction when given. */
  async listed(datasetId: string, manager?: EntityManager): Promise<SaleableVersion | null> {
    const row = await this.versions.findListed(datasetId, manager);
    return row ? saleableOf(row) : null;
  }

  /** Checks an area as a slice takes it (exactly one of bbox, polygon or cells, each valid): a 400 DATASET_INVALID_AREA when not. */
  checkArea(input: SliceAreaInput): void {
    normaliseArea(input);
  }

  /**
   * The datasets whose listed version holds a capture meeting the area (of one of the modalities; null: any), by id:
   * where a slice of the area would not be empty for want of captures in it.
   */
  listedMeeting(input: SliceAreaInput, modalities: readonly string[] | null): Promise<string[]> {
    return this.versions.listedMeetingArea(normaliseArea(input), modalities);
  }

  /**
   * The files of the dataset's listed version that the query selects, or null when nothing is listed. An invalid
   * area is a 400 (DATASET_INVALID_AREA) with the reason. No filter at all selects every file. Their map geometries
   * come along only when all of them together have at most `geometryVertices` vertices (default none); every
   * selected file has its bbox and vertex count.
   */
  async sliceOf(datasetId: string, query: SliceQuery, options: { geometryVertices?: number } = {}): Promise<Slice | null> {
    const area = query.area ? normaliseArea(query.area) : null;
    const window = query.from !== undefined || query.to !== undefined ? { from: query.from ?? null, to: query.to ?? null } : null;
    // One snapshot: the listed version and its search rows as they were together (a publish in between would
    // otherwise unlist the version and empty its cells under the query).
    const read = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const listing = await this.listed(datasetId, manager);
      if (!listing) return null;
      const rows = await this.versions.sliceCandidates(
        datasetId,
        listing.version,
        area,
        window,
        query.modalities ?? null,
        manager,
        options.geometryVertices ?? 0,
      );
      return { listing, rows };
    });
    if (!read) return null;
    const { listing, rows } = read;
    const files = rows
      .filter((row): row is SliceCandidateRow & { any_in_area: boolean; any_in_window: boolean } => row.selected === true)
      .map(sliceFile);
    const flags = rows[0] ?? { any_in_area: false, any_in_window: false };
    const emptyBecause = !flags.any_in_area ? 'area' : !flags.any_in_window ? 'window' : files.length === 0 ? 'modalities' : null;
    return { listing, area, files, emptyBecause };
  }
}

/** One of bbox, polygon or cells as ranges of res-8 H3 ids; anything else is a 400. */
function normaliseArea(input: SliceAreaInput): SliceAreaRanges {
  const given = [input.bbox, input.polygon, input.cells].filter((part) => part !== undefined);
  if (given.length !== 1) throw new CatalogException(CatalogErrorCode.INVALID_AREA, 'area must give exactly one of bbox, polygon or cells');
  const { bbox, polygon, cells } = input;
  const area: SearchArea = searchArea(() =>
    bbox ? areaFromBBox(bboxOf(bbox)) : polygon ? areaFromGeoJson(polygon) : areaFromCells((cells ?? []).map((c) => c.toLowerCase())),
  );
  return { res: area.res, lo: area.lo, hi: area.hi };
}

/** [minLon, minLat, maxLon, maxLat] checked as the search checks its bbox parameter. */
function bboxOf(bbox: readonly number[]): [number, number, number, number] {
  if (bbox.length !== 4 || !bbox.every(Number.isFinite)) throw new AreaError('bbox must be four numbers: minLon, minLat, maxLon, maxLat');
  return parseBBox(bbox.join(','));
}

function sliceFile(row: SliceCandidateRow): SliceFile {
  return {
    leafIndex: row.leaf_index,
    path: row.path,
    captureId: row.capture_id,
    contributorId: row.contributor_id,
    modality: row.modality,
    sizeBytes: Number(row.size_bytes),
    ...fileMeasures(row),
    geometry: row.geometry,
    bbox: row.bbox,
    vertices: row.vertices ?? 0,
  };
}
