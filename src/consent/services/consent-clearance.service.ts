import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DraftConsentTerms } from '../../catalog/dto/draft-consent.js';
import { ConsentErrorCode, ConsentException } from '../consent.exception.js';
import { unclearedReason } from '../grant-match.js';
import { ConsentRecordRepository } from '../repositories/consent-record.repository.js';

export interface WaitingContributor {
  contributorId: string;
  reason: string;
}

/** Whether a draft has the consent of every contributor whose captures it holds: the catalog asks before submitting. */
@Injectable()
export class ConsentClearanceService {
  constructor(private readonly records: ConsentRecordRepository) {}

  /** The contributors the draft still waits for, with why; empty when it is cleared. */
  async waitingFor(terms: DraftConsentTerms, manager?: EntityManager, now = new Date()): Promise<WaitingContributor[]> {
    if (terms.contributors.length === 0) return [];
    const standing = await this.records.latestPerContributor(terms.datasetId, manager);
    return terms.contributors.flatMap((contributor) => {
      const reason = unclearedReason(standing.get(contributor.contributorId), contributor, terms, now);
      return reason === null ? [] : [{ contributorId: contributor.contributorId, reason }];
    });
  }

  /** Refuses (CONSENT_MISSING, 409) a draft that still waits for a contributor, naming each and why. */
  async assertCleared(terms: DraftConsentTerms, manager?: EntityManager): Promise<void> {
    const waiting = await this.waitingFor(terms, manager);
    if (waiting.length === 0) return;
    throw new ConsentException(
      ConsentErrorCode.MISSING,
      `Dataset ${terms.datasetId} waits for the consent of ${waiting.length} contributor(s): ${waiting
        .map((row) => `${row.contributorId} ${row.reason}`)
        .join('; ')}. Ask them again, or drop their captures from the draft`,
    );
  }
}
