import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaptureSnapshot } from '../../ingestion/dto/capture-snapshot.js';
import { LicenceTemplateService } from '../../licensing/services/licence-template.service.js';
import { CustodyLogService } from '../../provenance/services/custody-log.service.js';
import { CatalogErrorCode, CatalogException } from '../catalog.exception.js';
import { contributorShares, weightBps } from '../coverage.js';
import type { DraftConsentTerms } from '../dto/draft-consent.js';
import type { DatasetEntity } from '../entities/dataset.entity.js';
import { DatasetRepository } from '../repositories/dataset.repository.js';
import { DatasetVersionRepository } from '../repositories/dataset-version.repository.js';
import { DatasetCapturesService } from './dataset-captures.service.js';

/**
 * The catalog's side of consent (issue 16): what a draft asks of each contributor whose captures it holds, and the
 * removal of a contributor's captures when they decline or withdraw.
 */
@Injectable()
export class DraftConsentService {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly versions: DatasetVersionRepository,
    private readonly captures: DatasetCapturesService,
    private readonly licences: LicenceTemplateService,
    private readonly custody: CustodyLogService,
  ) {}

  /** The draft's terms per contributor other than its owner; null when the dataset has no open draft. */
  async termsOf(datasetId: string): Promise<DraftConsentTerms | null> {
    const dataset = await this.datasets.findById(datasetId);
    if (!dataset || dataset.draftState === null) return null;
    return this.termsOfDraft(dataset);
  }

  /** The terms of a published dataset's working set (its open draft, or what it sells now); null when never published. */
  async termsOfPublished(datasetId: string): Promise<DraftConsentTerms | null> {
    const dataset = await this.datasets.findById(datasetId);
    if (!dataset || dataset.latestVersion === null) return null;
    return this.termsOfDraft(dataset);
  }

  /** Terms of every open draft of someone else that holds captures of `contributorId`, newest first. */
  async draftsHolding(contributorId: string): Promise<DraftConsentTerms[]> {
    const drafts = await this.datasets.findOpenDraftsNotOwnedBy(contributorId);
    const owners = await this.captures.ownersOf(drafts.flatMap((dataset) => dataset.captureIds));
    const holding = drafts.filter((dataset) => dataset.captureIds.some((id) => owners.get(id) === contributorId));
    // A draft with a capture that cannot be used (rejected, not yet copied) cannot be submitted either: it asks
    // again once its curator has fixed it, and meanwhile does not hide the other requests.
    const terms = await Promise.all(holding.map((dataset) => this.termsOfDraft(dataset).catch(() => null)));
    return terms.filter((draft): draft is DraftConsentTerms => draft !== null);
  }

  /**
   * Takes a contributor's captures out of an open draft, inside the caller's transaction (the draft row stays
   * locked until it ends); a draft in review goes back to editing, since what was submitted changed. Answers the
   * captures removed.
   */
  async removeContributor(manager: EntityManager, datasetId: string, contributorId: string, captureIds: readonly string[]): Promise<string[]> {
    const dataset = await this.datasets.lockForUpdate(manager, datasetId);
    if (!dataset || dataset.draftState === null)
      throw new CatalogException(CatalogErrorCode.DATASET_NOT_FOUND, `No open draft of dataset ${datasetId}`);
    const leaving = new Set(captureIds);
    const removed = dataset.captureIds.filter((id) => leaving.has(id));
    if (removed.length === 0) return [];
    Object.assign(dataset, {
      captureIds: dataset.captureIds.filter((id) => !leaving.has(id)),
      sampleCaptureIds: dataset.sampleCaptureIds.filter((id) => !leaving.has(id)),
      draftState: 'editing',
      draftRevision: dataset.draftRevision + 1,
      updatedAt: new Date(),
    } satisfies Partial<DatasetEntity>);
    await this.datasets.save(manager, dataset);
    await this.custody.append(manager, { datasetId, kind: 'files-changed', actorId: contributorId, details: { added: [], removed } });
    return removed;
  }

  /**
   * Takes withdrawn captures out of a published dataset, inside the caller's transaction (the row stays locked until it
   * ends): the listed version stops being sold at once, and the dataset goes to review as its next version without
   * them (an open draft keeps its state and loses them too). When nothing is left the dataset is taken down. Answers
   * the captures removed (none when they were gone already).
   */
  async withdrawCaptures(manager: EntityManager, datasetId: string, contributorId: string, captureIds: readonly string[]): Promise<string[]> {
    return (await this.removeFromPublished(manager, datasetId, contributorId, captureIds, 'Every capture was withdrawn by its contributor')).removed;
  }

  /**
   * As withdrawCaptures, for an admin's takedown of captures (issue 16); also answers whether the version now in review
   * is exactly the published one less those captures (no edits of the owner's waiting in it), which a privacy takedown
   * may publish at once.
   */
  async takeDownCaptures(
    manager: EntityManager,
    datasetId: string,
    adminId: string,
    captureIds: readonly string[],
  ): Promise<{ removed: string[]; onlyTakenDown: boolean }> {
    return this.removeFromPublished(manager, datasetId, adminId, captureIds, 'Every capture was taken down by an admin');
  }

  private async removeFromPublished(
    manager: EntityManager,
    datasetId: string,
    actorId: string,
    captureIds: readonly string[],
    emptyReason: string,
  ): Promise<{ removed: string[]; onlyTakenDown: boolean }> {
    const dataset = await this.datasets.lockForUpdate(manager, datasetId);
    if (!dataset || dataset.latestVersion === null)
      throw new CatalogException(CatalogErrorCode.DATASET_NOT_FOUND, `No published dataset ${datasetId}`);
    const leaving = new Set(captureIds);
    const removed = dataset.captureIds.filter((id) => leaving.has(id));
    if (removed.length === 0) return { removed: [], onlyTakenDown: false };
    const now = new Date();
    const remaining = dataset.captureIds.filter((id) => !leaving.has(id));
    const onlyTakenDown = dataset.draftState === null && remaining.length > 0;
    Object.assign(dataset, {
      captureIds: remaining,
      sampleCaptureIds: dataset.sampleCaptureIds.filter((id) => !leaving.has(id)),
      draftRevision: dataset.draftRevision + 1,
      updatedAt: now,
    } satisfies Partial<DatasetEntity>);
    if (remaining.length === 0) {
      Object.assign(dataset, { draftState: null, takenDownAt: now, takedownReason: emptyReason });
    } else if (dataset.draftState === null) {
      Object.assign(dataset, { draftState: 'in_review', submittedAt: now } satisfies Partial<DatasetEntity>);
    }
    await this.versions.setListed(manager, datasetId, null);
    await this.datasets.save(manager, dataset);
    await this.custody.append(manager, { datasetId, kind: 'files-changed', actorId, details: { added: [], removed } });
    await this.custody.append(manager, {
      datasetId,
      kind: 'withdrawn-from-sale',
      actorId,
      details: { version: dataset.latestVersion, nextVersionInReview: dataset.draftState === 'in_review' },
    });
    return { removed, onlyTakenDown };
  }

  /** The datasets' titles (as their owners last set them), for lists that name the datasets; unknown ids are left out. */
  async titlesOf(datasetIds: readonly string[]): Promise<Map<string, string>> {
    return new Map([...(await this.withdrawalStates(datasetIds))].map(([id, state]) => [id, state.title]));
  }

  /** Title and state of datasets that had captures withdrawn or taken down, for the admins' queue. */
  async withdrawalStates(
    datasetIds: readonly string[],
  ): Promise<Map<string, { title: string; draftState: string | null; latestVersion: number | null; takenDown: boolean }>> {
    const rows = await Promise.all([...new Set(datasetIds)].map((id) => this.datasets.findById(id)));
    return new Map(
      rows.flatMap((dataset) =>
        dataset
          ? [
              [
                dataset.id,
                {
                  title: dataset.title,
                  draftState: dataset.draftState,
                  latestVersion: dataset.latestVersion,
                  takenDown: dataset.takenDownAt !== null,
                },
              ] as const,
            ]
          : [],
      ),
    );
  }

  /**
   * The terms when the draft holds captures of contributors other than its owner, else null (nobody to ask): what
   * submit and approval check consent against.
   */
  async termsIfShared(dataset: DatasetEntity): Promise<DraftConsentTerms | null> {
    const snapshots = await this.captures.usable(null, dataset.captureIds);
    return snapshots.every((capture) => capture.ownerId === dataset.ownerId) ? null : this.termsOfDraft(dataset, snapshots);
  }

  /** As termsOf, for a dataset row already read (its draft fields); `snapshots` when its captures were read already. */
  async termsOfDraft(dataset: DatasetEntity, known?: readonly CaptureSnapshot[]): Promise<DraftConsentTerms> {
    const [snapshots, licence] = await Promise.all([
      known ?? this.captures.usable(null, dataset.captureIds),
      this.licences.resolveLicence(dataset.licenceTemplateId, dataset.licenceTerms),
    ]);
    const shares = contributorShares(snapshots, dataset.splitPolicy ?? undefined);
    const bps = weightBps(shares);
    const contributors = shares
      .filter((share) => share.contributorId !== dataset.ownerId)
      .map((share) => {
        const theirs = snapshots.filter((capture) => capture.ownerId === share.contributorId);
        return {
          contributorId: share.contributorId,
          captureIds: theirs.map((capture) => capture.id).sort(),
          networkOf: Object.fromEntries(theirs.map((capture) => [capture.id, capture.network])),
          shareBps: bps.get(share.contributorId) ?? 0,
        };
      });
    return {
      datasetId: dataset.id,
      ownerId: dataset.ownerId,
      title: dataset.title,
      draftState: dataset.draftState ?? 'editing',
      draftRevision: dataset.draftRevision,
      licence: { slug: licence.slug, name: licence.name, terms: licence.terms },
      priceUsdCents: dataset.priceUsdCents,
      contributors,
    };
  }
}
