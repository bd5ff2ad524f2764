import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { decodeCursor } from '../../common/keyset-cursor.js';
import { CaptureService } from '../../ingestion/services/capture.service.js';
import { ConsentClearanceService } from '../../consent/services/consent-clearance.service.js';
import { LicenceTemplateService } from '../../licensing/services/licence-template.service.js';
import { AnchorService } from '../../provenance/services/anchor.service.js';
import { CustodyLogService } from '../../provenance/services/custody-log.service.js';
import { CatalogErrorCode, CatalogException } from '../catalog.exception.js';
import { datasetResponse } from '../dataset-views.js';
import type { AuditQuery, ReviewQueueQuery } from '../dto/audit.query.js';
import type { DatasetResponse } from '../dto/dataset.response.js';
import { AuditEventView, AuditPage, ReviewCaptureView, ReviewChangesView, ReviewQueueItem } from '../dto/review.response.js';
import type { DatasetEntity } from '../entities/dataset.entity.js';
import { DatasetReviewEventEntity, type ReviewAction } from '../entities/dataset-review-event.entity.js';
import { DatasetRepository } from '../repositories/dataset.repository.js';
import { DatasetVersionRepository } from '../repositories/dataset-version.repository.js';
import { ReviewEventRepository } from '../repositories/review-event.repository.js';
import { freezeVersion } from '../version-freezer.js';
import { changedFields } from './dataset-draft.service.js';
import { DatasetCapturesService } from './dataset-captures.service.js';
import { DraftConsentService } from './draft-consent.service.js';

const QUEUE_CAPTURES_SHOWN = 100;

/**
 * The admins' side: the review queue, decisions, takedowns and the audit log. Every action locks the dataset row,
 * checks the state it moves from, and writes the audit event and the custody entry in the same transaction.
 * Approval publishes: it freezes the draft into the next version and queues its on-chain anchor.
 */
@Injectable()
export class DatasetReviewService {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly versions: DatasetVersionRepository,
    private readonly events: ReviewEventRepository,
    private readonly captures: DatasetCapturesService,
    private readonly captureService: CaptureService,
    private readonly licences: LicenceTemplateService,
    private readonly custody: CustodyLogService,
    private readonly anchors: AnchorService,
    private readonly draftConsent: DraftConsentService,
    private readonly consent: ConsentClearanceService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async queue(query: ReviewQueueQuery): Promise<ReviewQueueItem[]> {
    const waiting = await this.datasets.findInReview(query.limit);
    return Promise.all(waiting.map((dataset) => this.queueItem(dataset)));
  }

  async approve(admin: AuthUser, id: string, note?: string): Promise<DatasetResponse> {
    // Captures and licence are read before the transaction (it must not wait for a second pooled connection); a
    // draft in review cannot be edited, and `decide` checks the revision is still the one read here.
    const current = await this.datasets.findById(id);
    if (!current) throw new CatalogException(CatalogErrorCode.DATASET_NOT_FOUND, `No dataset ${id}`);
    if (current.draftState !== 'in_review') throw notInReview(current);
    const captures = await this.captures.usable(null, current.captureIds);
    const licence = await this.licences.resolveLicence(current.licenceTemplateId, current.licenceTerms);
    const consentTerms = await this.draftConsent.termsOfDraft(current);
    const dataset = await this.decide(admin, id, 'approved', note ?? null, async (manager, draft) => {
      if (draft.draftRevision !== current.draftRevision) {
        throw new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${id} changed while it was being approved; review it again`);
      }
      // A grant may have expired while the draft waited in review.
      await this.consent.assertCleared(consentTerms, manager);
      const number = (draft.latestVersion ?? 0) + 1;
      const { version, files } = freezeVersion({
        draft,
        version: number,
        captures,
        licence,
        approvedBy: admin.id,
        publishedAt: new Date(),
        listed: false,
      });
      await this.versions.insert(manager, version, files);
      if (!draft.takenDownAt) await this.versions.setListed(manager, draft.id, number);
      draft.latestVersion = number;
      draft.draftState = null;
      await this.custody.append(manager, {
        datasetId: id,
        kind: 'reviewed',
        actorId: admin.id,
        details: { decision: 'approved', revision: draft.draftRevision, note: note ?? null },
      });
      await this.custody.append(manager, {
        datasetId: id,
        kind: 'published',
        actorId: admin.id,
        details: { version: number, merkleRoot: version.merkleRoot, fileCount: version.fileCount, totalBytes: version.totalBytes },
      });
      await this.anchors.requestAnchor(manager, { datasetId: id, version: number, merkleRoot: version.merkleRoot, actorId: admin.id });
      return number;
    });
    return this.present(dataset);
  }

  async reject(admin: AuthUser, id: string, reason: string): Promise<DatasetResponse> {
    return this.present(
      await this.decide(admin, id, 'rejected', reason, (manager, draft) => this.returnToOwner(manager, admin, draft, 'rejected', reason)),
    );
  }

  async requestChanges(admin: AuthUser, id: string, reason: string): Promise<DatasetResponse> {
    return this.present(
      await this.decide(admin, id, 'changes-requested', reason, (manager, draft) =>
        this.returnToOwner(manager, admin, draft, 'changes_requested', reason),
      ),
    );
  }

  /** Unlists a published dataset: no new sales or public views; buyers keep what their licence terms give them. */
  async takedown(admin: AuthUser, id: string, reason: string): Promise<DatasetResponse> {
    const dataset = await this.dataSource.transaction(async (manager) => {
      const draft = await this.lock(manager, id);
      if (draft.latestVersion === null)
        throw new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${id} was never published; reject it instead`);
      if (draft.takenDownAt) throw new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${id} is already taken down`);
      draft.takenDownAt = new Date();
      draft.takedownReason = reason;
      draft.updatedAt = draft.takenDownAt;
      await this.versions.setListed(manager, id, null);
      await this.datasets.save(manager, draft);
      await this.record(manager, draft, admin, 'taken-down', reason);
      await this.custody.append(manager, { datasetId: id, kind: 'taken-down', actorId: admin.id, details: { reason, version: draft.latestVersion } });
      return draft;
    });
    return this.present(dataset);
  }

  async reinstate(admin: AuthUser, id: string, reason: string): Promise<DatasetResponse> {
    const dataset = await this.dataSource.transaction(async (manager) => {
      const draft = await this.lock(manager, id);
      if (!draft.takenDownAt || draft.latestVersion === null)
        throw new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${id} is not taken down`);
      draft.takenDownAt = null;
      draft.takedownReason = null;
      draft.updatedAt = new Date();
      await this.versions.setListed(manager, id, draft.latestVersion);
      await this.datasets.save(manager, draft);
      await this.record(manager, draft, admin, 'reinstated', reason);
      await this.custody.append(manager, { datasetId: id, kind: 'reinstated', actorId: admin.id, details: { reason, version: draft.latestVersion } });
      return draft;
    });
    return this.present(dataset);
  }

  async audit(query: AuditQuery): Promise<AuditPage> {
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const { items, nextCursor } = await this.events.list(query.datasetId, query.limit, before);
    return Object.assign(new AuditPage(), { items: items.map(auditView), nextCursor });
  }

  /** Runs a decision on a draft in review: lock, check, apply, audit, all in one transaction. */
  private decide(
    admin: AuthUser,
    id: string,
    action: ReviewAction,
    reason: string | null,
    apply: (manager: EntityManager, draft: DatasetEntity) => Promise<unknown>,
  ): Promise<DatasetEntity> {
    return this.dataSource.transaction(async (manager) => {
      const draft = await this.lock(manager, id);
      if (draft.draftState !== 'in_review') throw notInReview(draft);
      const version = await apply(manager, draft);
      draft.updatedAt = new Date();
      await this.datasets.save(manager, draft);
      await this.record(manager, draft, admin, action, reason, typeof version === 'number' ? version : null);
      return draft;
    });
  }

  private async returnToOwner(
    manager: EntityManager,
    admin: AuthUser,
    draft: DatasetEntity,
    state: 'rejected' | 'changes_requested',
    reason: string,
  ): Promise<void> {
    draft.draftState = state;
    await this.custody.append(manager, {
      datasetId: draft.id,
      kind: 'reviewed',
      actorId: admin.id,
      details: { decision: state === 'rejected' ? 'rejected' : 'changes-requested', revision: draft.draftRevision, reason },
    });
  }

  private async lock(manager: EntityManager, id: string): Promise<DatasetEntity> {
    const dataset = await this.datasets.lockForUpdate(manager, id);
    if (!dataset) throw new CatalogException(CatalogErrorCode.DATASET_NOT_FOUND, `No dataset ${id}`);
    return dataset;
  }

  private record(
    manager: EntityManager,
    dataset: DatasetEntity,
    admin: AuthUser,
    action: ReviewAction,
    reason: string | null,
    version: number | null = null,
  ): Promise<void> {
    return this.events.insert(
      manager,
      Object.assign(new DatasetReviewEventEntity(), {
        id: randomUUID(),
        datasetId: dataset.id,
        actorId: admin.id,
        action,
        draftRevision: dataset.draftRevision,
        version,
        reason,
        createdAt: new Date(),
      }),
    );
  }

  private async present(dataset: DatasetEntity): Promise<DatasetResponse> {
    const [published, versions] = await Promise.all([
      dataset.latestVersion === null ? null : this.versions.find(dataset.id, dataset.latestVersion),
      this.versions.numbers(dataset.id),
    ]);
    const reasons = await this.events.lastReasons([dataset.id]);
    return datasetResponse(dataset, { published, versions, privileged: true, reviewReason: reasons.get(dataset.id) ?? null });
  }

  private async queueItem(dataset: DatasetEntity): Promise<ReviewQueueItem> {
    const snapshots = await this.captureService.snapshots(dataset.captureIds.slice(0, QUEUE_CAPTURES_SHOWN));
    const byId = new Map(snapshots.map((capture) => [capture.id, capture]));
    return Object.assign(new ReviewQueueItem(), {
      dataset: await this.present(dataset),
      submittedAt: dataset.submittedAt ?? dataset.updatedAt,
      changes: await this.changesSinceLastVersion(dataset),
      captures: dataset.captureIds
        .slice(0, QUEUE_CAPTURES_SHOWN)
        .flatMap((id) => {
          const capture = byId.get(id);
          return capture ? [capture] : [];
        })
        .map((capture) =>
          Object.assign(new ReviewCaptureView(), {
            id: capture.id,
            ownerId: capture.ownerId,
            filename: capture.filename,
            network: capture.network,
            modality: capture.modality,
            format: capture.format,
            sizeBytes: capture.sizeBytes,
            status: capture.status,
            deviceSignatureValid: capture.deviceSignatureValid,
            metadata: capture.metadata,
            warnings: capture.warnings,
          }),
        ),
      captureCount: dataset.captureIds.length,
    });
  }

  private async changesSinceLastVersion(dataset: DatasetEntity): Promise<ReviewChangesView> {
    if (dataset.latestVersion === null) {
      return Object.assign(new ReviewChangesView(), {
        firstVersion: true,
        sinceVersion: null,
        changedFields: [],
        addedCaptureIds: dataset.captureIds,
        removedCaptureIds: [],
      });
    }
    const [version, files] = await Promise.all([
      this.versions.find(dataset.id, dataset.latestVersion),
      this.versions.filesOf(dataset.id, dataset.latestVersion),
    ]);
    const published = new Set(files.map((file) => file.captureId));
    const draft = new Set(dataset.captureIds);
    const frozen: Partial<DatasetEntity> = version
      ? {
          title: version.title,
          description: version.description,
          tags: version.tags,
          licenceTemplateId: version.licenceTemplateId,
          licenceTerms: version.licenceTerms,
          priceUsdCents: version.priceUsdCents,
          unitPrices: version.unitPrices,
          declarations: version.declarations,
          splitPolicy: version.splitPolicy,
        }
      : {};
    const addedCaptureIds = dataset.captureIds.filter((id) => !published.has(id));
    const removedCaptureIds = [...published].filter((id) => !draft.has(id));
    const fields = changedFields(frozen, dataset).filter((field) => field !== 'captureIds' && field !== 'sampleCaptureIds');
    if (addedCaptureIds.length > 0 || removedCaptureIds.length > 0) fields.push('captureIds');
    return Object.assign(new ReviewChangesView(), {
      firstVersion: false,
      sinceVersion: dataset.latestVersion,
      changedFields: fields,
      addedCaptureIds,
      removedCaptureIds,
    });
  }
}

function notInReview(dataset: DatasetEntity): CatalogException {
  const state = dataset.draftState ?? 'published without a pending draft';
  return new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${dataset.id} is not waiting for review (it is ${state})`);
}

function auditView(event: DatasetReviewEventEntity): AuditEventView {
  return Object.assign(new AuditEventView(), {
    id: event.id,
    datasetId: event.datasetId,
    actorId: event.actorId,
    action: event.action,
    draftRevision: event.draftRevision,
    version: event.version,
    reason: event.reason,
    at: event.createdAt,
  });
}
