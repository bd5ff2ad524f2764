import { Injectable } from '@nestjs/common';
import { ConsentRecordRepository } from '../repositories/consent-record.repository.js';

/** A withdrawal as buyers of the dataset learn of it: which captures, when, and why in words without personal data. */
export interface CaptureWithdrawalNotice {
  kind: 'withdrawal';
  /** The withdrawal's consent record: buyer notifications name their events after it. */
  recordId: string;
  captureIds: string[];
  /** Fixed wording: the contributor's own reason may name people or places and is never shown to buyers. */
  reason: string;
  at: Date;
}

export const CONTRIBUTOR_WITHDREW = 'The contributor withdrew their consent to the use of these captures.';

/** What buyers are told about withdrawals from the datasets they bought (issue 16): the checkout asks per order. */
@Injectable()
export class ConsentNoticeService {
  constructor(private readonly records: ConsentRecordRepository) {}

  /** Per dataset, its withdrawals oldest first; a dataset without any is absent. */
  async withdrawalsOf(datasetIds: readonly string[]): Promise<Map<string, CaptureWithdrawalNotice[]>> {
    const notices = new Map<string, CaptureWithdrawalNotice[]>();
    for (const record of await this.records.withdrawalsOf(datasetIds)) {
      const notice: CaptureWithdrawalNotice = {
        kind: 'withdrawal',
        recordId: record.id,
        captureIds: record.captureIds,
        reason: CONTRIBUTOR_WITHDREW,
        at: record.createdAt,
      };
      notices.set(record.datasetId, [...(notices.get(record.datasetId) ?? []), notice]);
    }
    return notices;
  }
}
