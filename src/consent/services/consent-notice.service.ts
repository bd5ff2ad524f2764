import { Injectable } from '@nestjs/common';
import { ConsentRecordRepository } from '../repositories/consent-record.repository.js';
import { CONTRIBUTOR_WITHDREW, isTakedownKind, TAKEDOWN_WORDS } from '../takedown-kind.js';

/** A withdrawal as buyers of the dataset learn of it: which captures, when, and why in words without personal data. */
export interface CaptureWithdrawalNotice {
  /** A contributor's withdrawal, or an admin's takedown. */
  kind: 'withdrawal' | 'takedown';
  /** The withdrawal's consent record: buyer notifications name their events after it. */
  recordId: string;
  captureIds: string[];
  /** Fixed wording: the contributor's own reason may name people or places and is never shown to buyers. */
  reason: string;
  at: Date;
}

/** What buyers are told about withdrawals from the datasets they bought (issue 16): the checkout asks per order. */
@Injectable()
export class ConsentNoticeService {
  constructor(private readonly records: ConsentRecordRepository) {}

  /** The contributor's own withdrawals, oldest first: their earnings say which sales came before and after each. */
  async withdrawalsBy(contributorId: string): Promise<{ datasetId: string; captureIds: string[]; at: Date }[]> {
    return (await this.records.withdrawalsBy(contributorId)).map((record) => ({
      datasetId: record.datasetId,
      captureIds: record.captureIds,
      at: record.createdAt,
    }));
  }

  /** Admins' takedowns from these datasets, oldest first: the earnings of the contributors whose captures they took. */
  async takedownsOf(datasetIds: readonly string[]): Promise<{ datasetId: string; captureIds: string[]; at: Date }[]> {
    if (datasetIds.length === 0) return [];
    return (await this.records.withdrawalsOf(datasetIds))
      .filter((record) => record.kind === 'takedown')
      .map((record) => ({ datasetId: record.datasetId, captureIds: record.captureIds, at: record.createdAt }));
  }

  /** Per dataset, its withdrawals oldest first; a dataset without any is absent. */
  async withdrawalsOf(datasetIds: readonly string[]): Promise<Map<string, CaptureWithdrawalNotice[]>> {
    const notices = new Map<string, CaptureWithdrawalNotice[]>();
    for (const record of await this.records.withdrawalsOf(datasetIds)) {
      const { takedownKind } = record.fields as { takedownKind?: unknown };
      const notice: CaptureWithdrawalNotice = {
        kind: record.kind === 'takedown' ? 'takedown' : 'withdrawal',
        recordId: record.id,
        captureIds: record.captureIds,
        reason: record.kind === 'takedown' ? TAKEDOWN_WORDS[isTakedownKind(takedownKind) ? takedownKind : 'other'] : CONTRIBUTOR_WITHDREW,
        at: record.createdAt,
      };
      notices.set(record.datasetId, [...(notices.get(record.datasetId) ?? []), notice]);
    }
    return notices;
  }
}
