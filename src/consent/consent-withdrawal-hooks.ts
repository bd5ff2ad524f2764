import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A withdrawal (or an admin's takedown) as it commits: the record, the dataset and the captures it took out. */
export interface CaptureWithdrawal {
  recordId: string;
  datasetId: string;
  captureIds: string[];
  at: Date;
  /** What buyers are told, in fixed words (CONTRIBUTOR_WITHDREW or TAKEDOWN_WORDS): never the request's own text. */
  buyerReason: string;
}

/** Runs inside the withdrawal's transaction: what it writes (a job, a row) commits with the withdrawal or not at all. */
export type CaptureWithdrawalListener = (manager: EntityManager, withdrawal: CaptureWithdrawal) => Promise<void>;

/**
 * Where other modules hear of withdrawals (the notifications module queues its buyer notices here) without consent
 * importing them: they would import consent's neighbours (checkout) and make a cycle.
 */
@Injectable()
export class ConsentWithdrawalHooks {
  private readonly listeners: CaptureWithdrawalListener[] = [];

  listen(listener: CaptureWithdrawalListener): void {
    this.listeners.push(listener);
  }

  async withdrawn(manager: EntityManager, withdrawal: CaptureWithdrawal): Promise<void> {
    for (const listener of this.listeners) await listener(manager, withdrawal);
  }
}
