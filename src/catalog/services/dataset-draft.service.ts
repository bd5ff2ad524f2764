import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { Role } from '../../auth/role.js';
import { decodeCursor } from '../../common/keyset-cursor.js';
import type { CaptureSnapshot } from '../../ingestion/dto/capture-snapshot.js';
import { ConsentClearanceService } from '../../consent/services/consent-clearance.service.js';
import { LicenceTemplateService } from '../../licensing/services/licence-template.service.js';
import { CustodyLogService } from '../../provenance/services/custody-log.service.js';
import { CatalogErrorCode, CatalogException } from '../catalog.exception.js';
import { contributorShares } from '../coverage.js';
import { datasetResponse } from '../dataset-views.js';
import { missingDeclarations } from '../declarations.js';
import type { CreateDatasetDto, UpdateDatasetDto } from '../dto/create-dataset.dto.js';
import { DatasetListPage, type DatasetResponse } from '../dto/dataset.response.js';
import type { ListMyDatasetsQuery } from '../dto/search-datasets.query.js';
import { DatasetEntity, type DraftState } from '../entities/dataset.entity.js';
import { DatasetReviewEventEntity, type ReviewAction } from '../entities/dataset-review-event.entity.js';
import { DatasetRepository } from '../repositories/dataset.repository.js';
import { DatasetVersionRepository } from '../repositories/dataset-version.repository.js';
import { ReviewEventRepository } from '../repositories/review-event.repository.js';
import { type SplitPolicy, splitPolicyProblems } from '../split-policy.js';
import { normalisedUnitPrices, type UnitPrices, unitPricesProblems } from '../unit-prices.js';
import { DatasetCapturesService } from './dataset-captures.service.js';
import { DraftConsentService } from './draft-consent.service.js';

/** Draft states the owner may edit; editing a published dataset with no draft opens one. */
const EDITABLE: readonly (DraftState | null)[] = ['editing', 'changes_requested', 'rejected', null];
const SUBMITTABLE: readonly (DraftState | null)[] = ['editing', 'changes_requested', 'rejected'];

/** Contributors' side of the catalog: create and edit drafts, submit them for review, read their datasets. */
@Injectable()
export class DatasetDraftService {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly versions: DatasetVersionRepository,
    private readonly events: ReviewEventRepository,
    private readonly captures: DatasetCapturesService,
    private readonly licences: LicenceTemplateService,
    private readonly custody: CustodyLogService,
    private readonly draftConsent: DraftConsentService,
    private readonly consent: ConsentClearanceService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(user: AuthUser, dto: CreateDatasetDto): Promise<DatasetResponse> {
    const captures = await this.captures.usable(user, dto.captureIds);
    this.checkSamples(dto.captureIds, dto.sampleCaptureIds ?? []);
    const licence = await this.licences.resolveLicence(dto.licenceTemplateId, dto.licenceTerms);
    this.checkSplitPolicy(dto.splitPolicy ?? null, captures);
    const unitPrices = checkedUnitPrices(dto.unitPrices, licence.terms.exclusive);
    const now = new Date();
    const dataset = Object.assign(new DatasetEntity(), {
      id: randomUUID(),
      ownerId: user.id,
      title: dto.title,
      description: dto.description,
      tags: dto.tags ?? [],
      captureIds: dto.captureIds,
      sampleCaptureIds: dto.sampleCaptureIds ?? [],
      licenceTemplateId: licence.templateId,
      licenceTerms: licence.terms,
      priceUsdCents: dto.priceUsdCents,
      unitPrices,
      declarations: Object.assign({}, dto.declarations),
      splitPolicy: dto.splitPolicy ?? null,
      draftState: 'editing',
      draftRevision: 1,
      submittedAt: null,
      latestVersion: null,
      takenDownAt: null,
      takedownReason: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.dataSource.transaction(async (manager) => {
      await this.datasets.insert(manager, dataset);
      await this.record(manager, dataset, user, 'created');
      await this.custody.append(manager, {
        datasetId: dataset.id,
        kind: 'created',
        actorId: user.id,
        details: {
          title: dataset.title,
          licence: licence.slug,
          priceUsdCents: dataset.priceUsdCents,
          unitPrices: dataset.unitPrices && { ...dataset.unitPrices },
        },
      });
      await this.custody.append(manager, {
        datasetId: dataset.id,
        kind: 'files-changed',
        actorId: user.id,
        details: { added: dataset.captureIds, removed: [] },
      });
    });
    return datasetResponse(dataset, {
      published: null,
      versions: [],
      privileged: true,
      shares: contributorShares(captures, dataset.splitPolicy ?? undefined),
    });
  }

  async update(user: AuthUser, id: string, dto: UpdateDatasetDto): Promise<DatasetResponse> {
    // Reads that need other services happen before the transaction (a transaction holds one pooled connection and
    // must not wait for a second); the revision check inside it catches an edit that slipped in between.
    const current = await this.owned(user, id);
    const captureIds = dto.captureIds ?? current.captureIds;
    const captures = dto.captureIds ? await this.captures.usable(user, dto.captureIds) : undefined;
    const sampleCaptureIds =
      dto.sampleCaptureIds ?? (dto.captureIds ? current.sampleCaptureIds.filter((s) => captureIds.includes(s)) : current.sampleCaptureIds);
    this.checkSamples(captureIds, sampleCaptureIds);
    const templateChanged = dto.licenceTemplateId !== undefined && dto.licenceTemplateId !== current.licenceTemplateId;
    const licence =
      templateChanged || dto.licenceTerms
        ? await this.licences.resolveLicence(dto.licenceTemplateId ?? current.licenceTemplateId, dto.licenceTerms)
        : null;
    // null removes the unit prices; absent keeps them. A licence that became exclusive cannot keep them either.
    const unitPrices = checkedUnitPrices(
      dto.unitPrices === undefined ? current.unitPrices : dto.unitPrices,
      (licence?.terms ?? current.licenceTerms).exclusive,
    );
    const splitPolicy: SplitPolicy | null = dto.splitPolicy ?? current.splitPolicy;
    if (dto.splitPolicy || dto.captureIds) this.checkSplitPolicy(splitPolicy, captures ?? (await this.captures.usable(null, captureIds)));

    const updated = await this.dataSource.transaction(async (manager) => {
      const dataset = await this.lockOwned(manager, user, id);
      if (!EDITABLE.includes(dataset.draftState)) {
        throw new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${id} is in review; wait for the decision before editing it`);
      }
      if (dataset.draftRevision !== current.draftRevision) {
        throw new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${id} was edited at the same time; reload it and try again`);
      }
      const before = Object.assign(new DatasetEntity(), dataset);
      Object.assign(dataset, {
        title: dto.title ?? dataset.title,
        description: dto.description ?? dataset.description,
        tags: dto.tags ?? dataset.tags,
        captureIds,
        sampleCaptureIds,
        licenceTemplateId: licence?.templateId ?? dataset.licenceTemplateId,
        licenceTerms: licence?.terms ?? dataset.licenceTerms,
        priceUsdCents: dto.priceUsdCents ?? dataset.priceUsdCents,
        unitPrices,
        declarations: dto.declarations ? Object.assign({}, dto.declarations) : dataset.declarations,
        splitPolicy,
        draftState: 'editing' satisfies DraftState,
        draftRevision: dataset.draftRevision + 1,
        updatedAt: new Date(),
      });
      await this.datasets.save(manager, dataset);
      await this.record(manager, dataset, user, 'updated');
      const changed = changedFields(before, dataset);
      await this.custody.append(manager, { datasetId: id, kind: 'updated', actorId: user.id, details: { revision: dataset.draftRevision, changed } });
      const previous = new Set(before.captureIds);
      const next = new Set(captureIds);
      const added = captureIds.filter((c) => !previous.has(c));
      const removed = before.captureIds.filter((c) => !next.has(c));
      if (added.length > 0 || removed.length > 0)
        await this.custody.append(manager, { datasetId: id, kind: 'files-changed', actorId: user.id, details: { added, removed } });
      return dataset;
    });
    return this.present(updated, true);
  }

  async submit(user: AuthUser, id: string): Promise<DatasetResponse> {
    // The captures may have changed since they were chosen (an upload expiry, an admin action): check them first.
    const current = await this.owned(user, id);
    this.checkSplitPolicy(current.splitPolicy, await this.captures.usable(null, current.captureIds));
    const consentTerms = await this.draftConsent.termsOfDraft(current);
    const submitted = await this.dataSource.transaction(async (manager) => {
      const dataset = await this.lockOwned(manager, user, id);
      if (!SUBMITTABLE.includes(dataset.draftState)) {
        const why = dataset.draftState === 'in_review' ? 'is already in review' : 'has no changes since its last published version';
        throw new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${id} ${why}`);
      }
      if (dataset.draftRevision !== current.draftRevision) {
        throw new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${id} was edited at the same time; reload it and try again`);
      }
      const missing = missingDeclarations(dataset.declarations);
      if (missing.length > 0) {
        throw new CatalogException(CatalogErrorCode.DECLARATIONS_INCOMPLETE, `Declarations are incomplete: ${missing.join('; ')}`);
      }
      // Every other contributor whose captures the draft holds must have granted (issue 16); a decline bumps the
      // revision under this row lock, so the terms read above are still the draft's.
      await this.consent.assertCleared(consentTerms, manager);
      dataset.draftState = 'in_review';
      dataset.submittedAt = new Date();
      dataset.updatedAt = dataset.submittedAt;
      await this.datasets.save(manager, dataset);
      await this.record(manager, dataset, user, 'submitted');
      await this.custody.append(manager, { datasetId: id, kind: 'submitted', actorId: user.id, details: { revision: dataset.draftRevision } });
      return dataset;
    });
    return this.present(submitted, true);
  }

  /** Anyone sees a listed dataset's published side; its owner and admins see everything, drafts included. */
  async get(user: AuthUser | null, id: string): Promise<DatasetResponse> {
    const dataset = await this.datasets.findById(id);
    const privileged = !!dataset && !!user && (user.role === Role.ADMIN || dataset.ownerId === user.id);
    if (!dataset || (!privileged && (dataset.latestVersion === null || dataset.takenDownAt))) {
      throw new CatalogException(CatalogErrorCode.DATASET_NOT_FOUND, `No dataset ${id}`);
    }
    return this.present(dataset, privileged, true);
  }

  async listMine(user: AuthUser, query: ListMyDatasetsQuery): Promise<DatasetListPage> {
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const { items, nextCursor } = await this.datasets.listForOwner(user.id, query.limit, before);
    const reasons = await this.events.lastReasons(items.map((item) => item.id));
    const responses = await Promise.all(
      items.map(async (dataset) =>
        datasetResponse(dataset, {
          published: dataset.latestVersion === null ? null : await this.versions.find(dataset.id, dataset.latestVersion),
          versions: await this.versions.numbers(dataset.id),
          privileged: true,
          reviewReason: reasons.get(dataset.id) ?? null,
        }),
      ),
    );
    return Object.assign(new DatasetListPage(), { items: responses, nextCursor });
  }

  private async present(dataset: DatasetEntity, privileged: boolean, withShares = false): Promise<DatasetResponse> {
    const [published, versions, reasons] = await Promise.all([
      dataset.latestVersion === null ? null : this.versions.find(dataset.id, dataset.latestVersion),
      this.versions.numbers(dataset.id),
      privileged ? this.events.lastReasons([dataset.id]) : new Map<string, string>(),
    ]);
    let shares;
    if (privileged && withShares && dataset.draftState !== null) {
      const snapshots = await this.captures.usable(null, dataset.captureIds).catch(() => null);
      shares = snapshots ? contributorShares(snapshots, dataset.splitPolicy ?? undefined) : undefined;
    }
    return datasetResponse(dataset, { published, versions, privileged, reviewReason: reasons.get(dataset.id) ?? null, shares });
  }

  private async owned(user: AuthUser, id: string): Promise<DatasetEntity> {
    const dataset = await this.datasets.findById(id);
    if (!dataset || dataset.ownerId !== user.id) throw new CatalogException(CatalogErrorCode.DATASET_NOT_FOUND, `No dataset ${id} among yours`);
    return dataset;
  }

  private async lockOwned(manager: EntityManager, user: AuthUser, id: string): Promise<DatasetEntity> {
    const dataset = await this.datasets.lockForUpdate(manager, id);
    if (!dataset || dataset.ownerId !== user.id) throw new CatalogException(CatalogErrorCode.DATASET_NOT_FOUND, `No dataset ${id} among yours`);
    return dataset;
  }

  private checkSamples(captureIds: readonly string[], sampleIds: readonly string[]): void {
    const outside = sampleIds.filter((sample) => !captureIds.includes(sample));
    if (outside.length > 0) {
      throw new CatalogException(CatalogErrorCode.INVALID_DATASET, `sampleCaptureIds must be among captureIds; not included: ${outside.join(', ')}`);
    }
  }

  private checkSplitPolicy(policy: DatasetEntity['splitPolicy'], captures: readonly CaptureSnapshot[]): void {
    if (!policy) return;
    const problems = splitPolicyProblems(policy, [...new Set(captures.map((capture) => capture.ownerId))]);
    if (problems.length > 0) throw new CatalogException(CatalogErrorCode.INVALID_DATASET, `splitPolicy: ${problems.join('; ')}`);
  }

  private record(manager: EntityManager, dataset: DatasetEntity, user: AuthUser, action: ReviewAction): Promise<void> {
    return this.events.insert(
      manager,
      Object.assign(new DatasetReviewEventEntity(), {
        id: randomUUID(),
        datasetId: dataset.id,
        actorId: user.id,
        action,
        draftRevision: dataset.draftRevision,
        version: null,
        reason: null,
        createdAt: new Date(),
      }),
    );
  }
}

/** The draft's unit prices as stored, refused when they price nothing or the licence is exclusive (sold whole only). */
function checkedUnitPrices(prices: UnitPrices | null | undefined, exclusive: boolean): UnitPrices | null {
  const normalised = normalisedUnitPrices(prices);
  if (normalised === null) return null;
  if (exclusive) {
    throw new CatalogException(
      CatalogErrorCode.UNIT_PRICES_EXCLUSIVE,
      'An exclusive licence is only sold whole: remove unitPrices (unitPrices: null) or choose a non-exclusive licence',
    );
  }
  const problems = unitPricesProblems(normalised);
  if (problems.length > 0) throw new CatalogException(CatalogErrorCode.INVALID_DATASET, problems.join('; '));
  return normalised;
}

const TRACKED: readonly (keyof DatasetEntity)[] = [
  'title',
  'description',
  'tags',
  'captureIds',
  'sampleCaptureIds',
  'licenceTemplateId',
  'licenceTerms',
  'priceUsdCents',
  'unitPrices',
  'declarations',
  'splitPolicy',
];

/** The names of the draft fields that differ between two states of a dataset. */
export function changedFields(before: Partial<DatasetEntity>, after: Partial<DatasetEntity>): string[] {
  return TRACKED.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
}
