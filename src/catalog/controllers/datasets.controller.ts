import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, ParseIntPipe, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags, ApiBody, ApiOperation } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser, OptionalAuth, OptionalUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { CommonErrorCode, CommonException } from '../../common/errors/common.exception.js';
import { ConsentErrorCode, ConsentException } from '../../consent/consent.exception.js';
import { LicensingErrorCode, LicensingException } from '../../licensing/licensing.exception.js';
import { CatalogErrorCode, CatalogException } from '../catalog.exception.js';
import { CreateDatasetDto, UpdateDatasetDto } from '../dto/create-dataset.dto.js';
import { DatasetListPage, DatasetResponse, DatasetSearchPage } from '../dto/dataset.response.js';
import { FileProofResponse, ManifestResponse } from '../dto/manifest.response.js';
import { ProvenanceResponse } from '../dto/provenance.response.js';
import {
  CatalogCoverageQuery,
  DatasetCoverageQuery,
  ListMyDatasetsQuery,
  SearchDatasetsBody,
  SearchDatasetsQuery,
} from '../dto/search-datasets.query.js';
import { CatalogCoverageResponse, DatasetCoverageResponse } from '../dto/coverage.response.js';
import { DatasetCoverageService } from '../services/dataset-coverage.service.js';
import { CatalogSearchService, searchArea } from '../services/catalog-search.service.js';
import { parseBBox } from '../search-area.js';
import { DatasetDraftService } from '../services/dataset-draft.service.js';
import { DatasetProvenanceService } from '../services/dataset-provenance.service.js';
import { DatasetMetadataService } from '../services/dataset-metadata.service.js';
import { CroissantQuery, VersionFilePage, VersionFilesQuery } from '../dto/version-files.dto.js';
import { CROISSANT_MEDIA_TYPE, type JsonLd } from '../metadata/croissant-document.js';
import { CROISSANT_EXAMPLE, SPDX_EXAMPLE } from '../dto/metadata-document.examples.js';

const version = new ParseIntPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

const DATASET_ID = '067e188a-4264-41b0-97a8-ecc3623f344f';
const CAPTURE_ID = '52209f96-02f8-4c32-811b-d4fab64fcceb';
const noDataset = new CatalogException(CatalogErrorCode.DATASET_NOT_FOUND, `No dataset ${DATASET_ID}`);
const noneOfYours = new CatalogException(CatalogErrorCode.DATASET_NOT_FOUND, `No dataset ${DATASET_ID} among yours`);
const noVersion = new CatalogException(CatalogErrorCode.VERSION_NOT_FOUND, `Dataset ${DATASET_ID} has no published version 3`);
const NotVisible = () => ApiErrorResponse('No such dataset visible to the caller', noDataset);
const NoVersion = () => ApiErrorResponse('No such dataset visible to the caller, or no such published version of it', noDataset, noVersion);
const capturesUnusable = new CatalogException(
  CatalogErrorCode.CAPTURES_UNUSABLE,
  `1 capture(s) cannot go into this dataset: ${CAPTURE_ID}: capture is processing, not ready`,
);
const invalidDataset = new CatalogException(
  CatalogErrorCode.INVALID_DATASET,
  `sampleCaptureIds must be among captureIds; not included: ${CAPTURE_ID}`,
);
const BadSearch = () =>
  ApiErrorResponse(
    'Filters that do not go together, an invalid area or a cursor this API did not hand out',
    new CatalogException(CatalogErrorCode.INVALID_SEARCH, 'give one area: bbox, polygon or cells'),
    new CatalogException(CatalogErrorCode.INVALID_AREA, 'bbox must be minLon,minLat,maxLon,maxLat within -180..180 and -90..90, min before max'),
    new CommonException(CommonErrorCode.VALIDATION_FAILED, 'limit must not be greater than 100'),
  );

@ApiTags('datasets')
@Controller('v1')
export class DatasetsController {
  constructor(
    private readonly drafts: DatasetDraftService,
    private readonly search: CatalogSearchService,
    private readonly provenance: DatasetProvenanceService,
    private readonly coverage: DatasetCoverageService,
    private readonly metadata: DatasetMetadataService,
  ) {}

  @Post('datasets')
  @ApiOperation({ summary: 'Creates a draft dataset from your ready captures, with its licence, declarations, price and split policy' })
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiCreatedResponse({ type: DatasetResponse, description: 'A draft; submit it when its declarations are complete' })
  @ApiErrorResponse(
    'Invalid input, samples outside the captures, a split policy that does not fit, or terms wider than the licence',
    invalidDataset,
    new LicensingException(
      LicensingErrorCode.TERMS_WIDEN_TEMPLATE,
      'licenceTerms may only narrow commercial-ai-training: attributionRequired cannot be dropped',
    ),
    new CommonException(CommonErrorCode.VALIDATION_FAILED, 'title must be shorter than or equal to 200 characters'),
  )
  @ApiErrorResponse(
    'No such licence template',
    new LicensingException(LicensingErrorCode.TEMPLATE_NOT_FOUND, 'No licence template 2a9c4e6b-8d1f-4b3a-a5c7-e9f1b3d5a7c9'),
  )
  @ApiErrorResponse('Some captures are not yours or not ready', capturesUnusable)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateDatasetDto): Promise<DatasetResponse> {
    return this.drafts.create(user, dto);
  }

  @Get('datasets')
  @ApiOperation({ summary: 'Searches listed datasets by text, modality, area, time, network, licence and price, a page at a time' })
  @ApiOkResponse({ type: DatasetSearchPage, description: 'Listed datasets (latest published version, not taken down)' })
  @BadSearch()
  searchDatasets(@Query() query: SearchDatasetsQuery): Promise<DatasetSearchPage> {
    return this.search.search(query);
  }

  @Post('datasets/search')
  @ApiBody({
    type: SearchDatasetsBody,
    examples: {
      text: { summary: 'Dashcam video under $500', value: { q: 'dashcam', modality: 'video', maxPriceUsdCents: 50000, limit: 20 } },
      polygon: {
        summary: 'Anything recorded inside a polygon',
        value: {
          polygon: {
            type: 'Polygon',
            coordinates: [
              [
                [11.5, 48.1],
                [11.6, 48.1],
                [11.6, 48.2],
                [11.5, 48.2],
                [11.5, 48.1],
              ],
            ],
          },
        },
      },
    },
  })
  @ApiOperation({ summary: 'The same search with the filters in the body (for polygons and long filters)' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DatasetSearchPage, description: 'As GET /v1/datasets, with the polygon as a GeoJSON object in the body' })
  @BadSearch()
  searchDatasetsByBody(@Body() body: SearchDatasetsBody): Promise<DatasetSearchPage> {
    const query = Object.assign(new SearchDatasetsQuery(), body, { polygon: body.polygon === undefined ? undefined : JSON.stringify(body.polygon) });
    return this.search.search(query);
  }

  @Get('coverage')
  @ApiOperation({ summary: 'Where the catalogue has listed data: H3 cells for the map view' })
  @ApiOkResponse({ type: CatalogCoverageResponse, description: 'Where the catalogue has listed data: H3 cells for the map view' })
  @ApiErrorResponse(
    'An invalid bbox',
    new CatalogException(CatalogErrorCode.INVALID_AREA, 'bbox must be minLon,minLat,maxLon,maxLat within -180..180 and -90..90, min before max'),
  )
  catalogCoverage(@Query() query: CatalogCoverageQuery): Promise<CatalogCoverageResponse> {
    const bbox = query.bbox;
    return this.coverage.catalogCoverage(bbox === undefined ? null : searchArea(() => parseBBox(bbox)), query.zoom, query.modality);
  }

  @Get('datasets/:id/coverage')
  @ApiOperation({ summary: "A version's captures on the map: tracks, points and areas as GeoJSON, with totals" })
  @OptionalAuth()
  @ApiOkResponse({ type: DatasetCoverageResponse, description: "A version's captures as GeoJSON: tracks, points and areas, with totals" })
  @NoVersion()
  datasetCoverage(
    @OptionalUser() user: AuthUser | null,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: DatasetCoverageQuery,
  ): Promise<DatasetCoverageResponse> {
    return this.coverage.datasetCoverage(user, id, query.version, query.cells === 'true');
  }

  @Get('me/datasets')
  @ApiOperation({ summary: 'Your datasets (drafts, in review, listed), newest first' })
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOkResponse({ type: DatasetListPage, description: "The caller's datasets, drafts included, newest first" })
  listMine(@CurrentUser() user: AuthUser, @Query() query: ListMyDatasetsQuery): Promise<DatasetListPage> {
    return this.drafts.listMine(user, query);
  }

  @Get('datasets/:id')
  @ApiOperation({ summary: 'One dataset: its listing, versions, licence, declarations and samples' })
  @OptionalAuth()
  @ApiOkResponse({ type: DatasetResponse })
  @NotVisible()
  get(@OptionalUser() user: AuthUser | null, @Param('id', new ParseUUIDPipe()) id: string): Promise<DatasetResponse> {
    return this.drafts.get(user, id);
  }

  @Patch('datasets/:id')
  @ApiOperation({ summary: 'Edits a draft; editing a published dataset opens the draft of its next version' })
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOkResponse({ type: DatasetResponse, description: 'The edited draft (editing a published dataset opens the draft of its next version)' })
  @ApiErrorResponse('No such dataset among yours', noneOfYours)
  @ApiErrorResponse('Samples outside the captures, or a split policy that does not fit', invalidDataset)
  @ApiErrorResponse(
    'In review, or edited at the same time',
    new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${DATASET_ID} is in review; wait for the decision before editing it`),
  )
  @ApiErrorResponse('Some captures are not yours or not ready', capturesUnusable)
  update(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateDatasetDto): Promise<DatasetResponse> {
    return this.drafts.update(user, id, dto);
  }

  @Post('datasets/:id/submit')
  @ApiOperation({ summary: 'Submits a draft for review by an admin' })
  @HttpCode(HttpStatus.OK)
  @Auth(Role.CONTRIBUTOR, Role.ADMIN)
  @ApiOkResponse({ type: DatasetResponse, description: 'Now in review' })
  @ApiErrorResponse('No such dataset among yours', noneOfYours)
  @ApiErrorResponse(
    'Already in review, nothing changed since the last version, or a contributor has not consented (yet)',
    new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${DATASET_ID} is already in review`),
    new ConsentException(
      ConsentErrorCode.MISSING,
      `Dataset ${DATASET_ID} waits for the consent of 1 contributor(s): 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 has not answered. Ask them again, or drop their captures from the draft`,
    ),
  )
  @ApiErrorResponse(
    'Declarations incomplete, or captures no longer usable',
    new CatalogException(
      CatalogErrorCode.DECLARATIONS_INCOMPLETE,
      'Declarations are incomplete: consentObtained: people are identifiable, so consent must have been obtained',
    ),
    capturesUnusable,
  )
  submit(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<DatasetResponse> {
    return this.drafts.submit(user, id);
  }

  @Get('datasets/:id/versions/:version/manifest')
  @ApiOperation({ summary: "A frozen version's manifest: every file with its SHA-256 and size, and the Merkle root" })
  @OptionalAuth()
  @ApiOkResponse({ type: ManifestResponse })
  @NoVersion()
  manifest(
    @OptionalUser() user: AuthUser | null,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('version', version) number: number,
  ): Promise<ManifestResponse> {
    return this.provenance.manifest(user, id, number);
  }

  @Get('datasets/:id/versions/:version/proof')
  @ApiOperation({ summary: "A file's Merkle proof against its version's anchored root" })
  @OptionalAuth()
  @ApiQuery({ name: 'path', description: 'The file path as in the manifest' })
  @ApiOkResponse({ type: FileProofResponse, description: 'The dsv1 leaf of the file and its Merkle proof' })
  @ApiErrorResponse(
    'No such dataset visible to the caller, no such published version, or no such file in it',
    noDataset,
    noVersion,
    new CatalogException(CatalogErrorCode.FILE_NOT_FOUND, `Version 3 of dataset ${DATASET_ID} has no file captures/drive-0412.mp4`),
  )
  proof(
    @OptionalUser() user: AuthUser | null,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('version', version) number: number,
    @Query('path') path: string,
  ): Promise<FileProofResponse> {
    return this.provenance.proof(user, id, number, typeof path === 'string' ? path : '');
  }

  @Get('datasets/:id/provenance')
  @ApiOperation({ summary: "A dataset's provenance: versions, on-chain anchors and the custody log" })
  @OptionalAuth()
  @ApiOkResponse({ type: ProvenanceResponse, description: 'Merkle roots, on-chain anchors and the verified custody log' })
  @NotVisible()
  getProvenance(@OptionalUser() user: AuthUser | null, @Param('id', new ParseUUIDPipe()) id: string): Promise<ProvenanceResponse> {
    return this.provenance.provenance(user, id);
  }

  @Get('datasets/:id/croissant')
  @ApiOperation({ summary: 'Croissant 1.1 JSON-LD of a version: files, record sets, provenance, licence, RAI and coverage' })
  @OptionalAuth()
  @Header('Content-Type', CROISSANT_MEDIA_TYPE)
  @ApiOkResponse({
    description:
      'Croissant 1.1 JSON-LD of the listed version (or ?version=n): files with SHA-256, record sets, provenance, licence, RAI and GeoCroissant fields',
    content: { 'application/ld+json': { schema: { type: 'object' }, example: CROISSANT_EXAMPLE } },
  })
  @NoVersion()
  croissant(@OptionalUser() user: AuthUser | null, @Param('id', new ParseUUIDPipe()) id: string, @Query() query: CroissantQuery): Promise<JsonLd> {
    return this.metadata.croissant(user, id, query.version);
  }

  @Get('datasets/:id/versions/:version/spdx')
  @ApiOperation({ summary: 'SPDX 3 JSON-LD of a version: a DatasetPackage of its files with their SHA-256' })
  @OptionalAuth()
  @Header('Content-Type', 'application/ld+json')
  @ApiOkResponse({
    description: 'SPDX 3 JSON-LD document: a dataset_DatasetPackage containing each file with its SHA-256',
    content: { 'application/ld+json': { schema: { type: 'object' }, example: SPDX_EXAMPLE } },
  })
  @NoVersion()
  spdx(
    @OptionalUser() user: AuthUser | null,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('version', version) number: number,
  ): Promise<JsonLd> {
    return this.metadata.spdx(user, id, number);
  }

  @Get('datasets/:id/versions/:version/files')
  @ApiOperation({ summary: "A version's files a page at a time: size, format, position and GNSS quality" })
  @OptionalAuth()
  @ApiOkResponse({
    type: VersionFilePage,
    description: "A page of the version's files in leaf order: size, format, media type, footprint, GNSS quality",
  })
  @NoVersion()
  files(
    @OptionalUser() user: AuthUser | null,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('version', version) number: number,
    @Query() query: VersionFilesQuery,
  ): Promise<VersionFilePage> {
    return this.metadata.files(user, id, number, query.limit, query.cursor);
  }
}
