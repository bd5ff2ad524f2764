import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DraftConsentTerms, DraftContributor } from '../../catalog/dto/draft-consent.js';
import { CustodyLogService } from '../../provenance/services/custody-log.service.js';
import { advanceGrantGaps, type DerivedGrantFields, derivedGrantMessage } from '../advance-grant.js';
import { consentGrantHash, scopeOfLicence } from '../consent-grant.js';
import { ConsentErrorCode, ConsentException } from '../consent.exception.js';
import type { AdvanceGrantEntity } from '../entities/advance-grant.entity.js';
import { ConsentRecordEntity } from '../entities/consent-record.entity.js';
import { standingPerContributor, unclearedReason } from '../grant-match.js';
import { AdvanceGrantRepository } from '../repositories/advance-grant.repository.js';
import { ConsentRecordRepository } from '../repositories/consent-record.repository.js';

export interface WaitingContributor {
  contributorId: string;
  reason: string;
}

/** Where one contributor stands on a draft: cleared by their records, coverable by an advance grant, or waiting and why. */
export interface ContributorClearance {
  contributorId: string;
  contributor: DraftContributor;
  /** Null when their own records clear the draft, or an advance grant covers it. */
  reason: string | null;
  /** The live advance grant that covers the draft when their records do not. */
  advance: AdvanceGrantEntity | null;
}

/**
 * Whether a draft has the consent of every contributor whose captures it holds: the catalog asks before submitting and
 * approving. A contributor whose own records do not clear the draft counts as granted when one of their live advance
 * grants covers it; clearing records that as a per-dataset grant (method `advance`) chained into the custody log.
 */
@Injectable()
export class ConsentClearanceService {
  constructor(
    private readonly records: ConsentRecordRepository,
    private readonly advanceGrants: AdvanceGrantRepository,
    private readonly custody: CustodyLogService,
  ) {}

  /** The contributors the draft still waits for, with why; empty when it is cleared (with advance grants counted). */
  async waitingFor(terms: DraftConsentTerms, manager?: EntityManager, now = new Date()): Promise<WaitingContributor[]> {
    return (await this.standing(terms, manager, now)).flatMap(({ contributorId, reason }) => (reason === null ? [] : [{ contributorId, reason }]));
  }

  /** Where each contributor of the draft stands (read only: nothing is recorded). */
  async standing(terms: DraftConsentTerms, manager?: EntityManager, now = new Date(), lock = false): Promise<ContributorClearance[]> {
    if (terms.contributors.length === 0) return [];
    const records = await this.records.inOrder(terms.datasetId, manager);
    const standing = standingPerContributor(records);
    const pending = terms.contributors.flatMap((contributor) => {
      const reason = unclearedReason(standing.get(contributor.contributorId), contributor, terms, now);
      return reason === null ? [] : [{ contributor, reason }];
    });
    const live = await this.advanceGrants.liveFor(
      pending.map(({ contributor }) => contributor.contributorId),
      now,
      manager,
      lock,
    );
    const takenOut = new Set(
      records.filter((record) => record.kind === 'withdrawal' || record.kind === 'takedown').flatMap((record) => record.captureIds),
    );
    return terms.contributors.map((contributor) => {
      const waiting = pending.find((row) => row.contributor === contributor);
      if (!waiting) return { contributorId: contributor.contributorId, contributor, reason: null, advance: null };
      // Their own answer for this dataset wins: a decline, or captures withdrawn or taken down from it, are never
      // overridden by consent given in advance.
      if (standing.get(contributor.contributorId)?.kind === 'decline' || contributor.captureIds.some((id) => takenOut.has(id)))
        return { contributorId: contributor.contributorId, contributor, reason: waiting.reason, advance: null };
      const theirs = live.filter((grant) => grant.contributorId === contributor.contributorId);
      const gaps = theirs.map((grant) => ({ grant, gaps: advanceGrantGaps(grant.fields, contributor, terms, now) }));
      const covering = gaps.find((entry) => entry.gaps.length === 0);
      if (covering) return { contributorId: contributor.contributorId, contributor, reason: null, advance: covering.grant };
      const why = gaps.map(({ grant, gaps: list }) => `advance grant ${grant.hash.slice(0, 12)} does not cover it: ${list.join('; ')}`);
      return { contributorId: contributor.contributorId, contributor, reason: [waiting.reason, ...why].join('; '), advance: null };
    });
  }

  /**
   * Refuses (CONSENT_MISSING, 409) a draft that still waits for a contributor, naming each and why. Contributors an
   * advance grant covers are recorded as granted first, in the caller's transaction (the draft row is locked by it);
   * the advance grants read are held FOR SHARE so a revocation waits for this transaction or is seen by it.
   */
  async assertCleared(terms: DraftConsentTerms, manager: EntityManager): Promise<void> {
    const now = new Date();
    const standing = await this.standing(terms, manager, now, true);
    for (const row of standing) if (row.advance) await this.recordDerived(manager, terms, row.contributor, row.advance, now);
    const waiting = standing.filter((row) => row.reason !== null);
    if (waiting.length === 0) return;
    throw new ConsentException(
      ConsentErrorCode.MISSING,
      `Dataset ${terms.datasetId} waits for the consent of ${waiting.length} contributor(s): ${waiting
        .map((row) => `${row.contributorId} ${row.reason}`)
        .join('; ')}. Ask them again, or drop their captures from the draft`,
    );
  }

  /** The per-dataset grant an advance grant gives a draft: its terms now, the advance grant's signer and expiry. */
  private async recordDerived(
    manager: EntityManager,
    terms: DraftConsentTerms,
    contributor: DraftContributor,
    advance: AdvanceGrantEntity,
    now: Date,
  ): Promise<void> {
    const fields: DerivedGrantFields = {
      datasetId: terms.datasetId,
      contributorId: contributor.contributorId,
      captureIds: contributor.captureIds,
      licence: terms.licence.slug,
      scope: scopeOfLicence(terms.licence.terms),
      priceUsdCents: terms.priceUsdCents,
      shareBps: contributor.shareBps,
      issuedAt: now.toISOString(),
      expiresAt: advance.fields.expiresAt,
      nonce: randomUUID().replaceAll('-', ''),
      advanceGrantHash: advance.hash,
    };
    const hash = consentGrantHash(fields, 'advance', advance.signer, null);
    const entry = await this.custody.append(manager, {
      datasetId: terms.datasetId,
      kind: 'consent-granted',
      actorId: contributor.contributorId,
      details: {
        grantHash: hash,
        method: 'advance',
        advanceGrantHash: advance.hash,
        signer: advance.method === 'wallet' ? advance.signer : 'session',
        licence: fields.licence,
        scope: { permittedUses: { ...fields.scope.permittedUses }, territory: fields.scope.territory },
        captureIds: fields.captureIds,
        expiresAt: fields.expiresAt,
      },
    });
    await this.records.insert(
      manager,
      Object.assign(new ConsentRecordEntity(), {
        id: randomUUID(),
        datasetId: terms.datasetId,
        contributorId: contributor.contributorId,
        kind: 'grant',
        captureIds: fields.captureIds,
        fields,
        method: 'advance',
        signer: advance.signer,
        message: derivedGrantMessage(fields, advance.signer),
        signature: null,
        reason: null,
        expiresAt: advance.expiresAt,
        hash,
        custodySeq: entry.seq,
        createdAt: now,
      } satisfies ConsentRecordEntity),
    );
  }
}
