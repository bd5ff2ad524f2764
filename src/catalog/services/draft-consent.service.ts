import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LicenceTemplateService } from '../../licensing/services/licence-template.service.js';
import { CustodyLogService } from '../../provenance/services/custody-log.service.js';
import { CatalogErrorCode, CatalogException } from '../catalog.exception.js';
import { contributorShares, weightBps } from '../coverage.js';
import type { DraftConsentTerms } from '../dto/draft-consent.js';
import type { DatasetEntity } from '../entities/dataset.entity.js';
import { DatasetRepository } from '../repositories/dataset.repository.js';
import { DatasetCapturesService } from './dataset-captures.service.js';

/**
 * The catalog's side of consent (issue 16): what a draft asks of each contributor whose captures it holds, and the
 * removal of a contributor's captures when they decline.
 */
@Injectable()
export class DraftConsentService {
  constructor(
    private readonly datasets: DatasetRepository,
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

  /** Terms of every open draft of someone else that holds captures of `contributorId`, newest first. */
  async draftsHolding(contributorId: string): Promise<DraftConsentTerms[]> {
    const drafts = await this.datasets.findOpenDraftsNotOwnedBy(contributorId);
    const terms = await Promise.all(drafts.map((dataset) => this.termsOfDraft(dataset)));
    return terms.filter((draft) => draft.contributors.some((row) => row.contributorId === contributorId));
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

  /** As termsOf, for a dataset row already read (its draft fields). */
  async termsOfDraft(dataset: DatasetEntity): Promise<DraftConsentTerms> {
    const [snapshots, licence] = await Promise.all([
      this.captures.usable(null, dataset.captureIds),
      this.licences.resolveLicence(dataset.licenceTemplateId, dataset.licenceTerms),
    ]);
    const shares = contributorShares(snapshots, dataset.splitPolicy ?? undefined);
    const bps = weightBps(shares);
    const contributors = shares
      .filter((share) => share.contributorId !== dataset.ownerId)
      .map((share) => ({
        contributorId: share.contributorId,
        captureIds: snapshots
          .filter((capture) => capture.ownerId === share.contributorId)
          .map((capture) => capture.id)
          .sort(),
        shareBps: bps.get(share.contributorId) ?? 0,
      }));
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
