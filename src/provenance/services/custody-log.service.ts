import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../../database/pg-errors.js';
import type { JsonValue } from '../canonical-json.js';
import { type CustodyRecord, type CustodyVerification, appendCustodyRecord, verifyCustodyChain } from '../custody-log.js';
import { ProvenanceException, ProvenanceServiceErrorCode } from '../provenance.exception.js';
import { CustodyRecordRepository } from '../repositories/custody-record.repository.js';

export interface CustodyAppend {
  datasetId: string;
  /** Lowercase kebab-case event name, e.g. `published`. */
  kind: string;
  /** A user id, or a service name such as `system`. */
  actorId: string;
  details: Record<string, JsonValue>;
}

export type CustodyLogVerification = { entries: number; head: string | null } & CustodyVerification;

/** Each dataset's append-only, hash-chained custody log (custody-log.ts), kept in PostgreSQL. */
@Injectable()
export class CustodyLogService {
  constructor(private readonly records: CustodyRecordRepository) {}

  /**
   * Appends an entry inside the caller's transaction, so it exists exactly when the caller's change commits.
   * Appends to one dataset are serialized by an advisory lock held until that transaction ends, so concurrent
   * appends from any number of instances read the true last entry and never fork the chain; the primary key
   * (dataset_id, seq) is the backstop, turning any append that got past the lock into CUSTODY_CONFLICT.
   */
  async append(manager: EntityManager, entry: CustodyAppend): Promise<CustodyRecord> {
    await this.records.lockDataset(manager, entry.datasetId);
    const previous = await this.records.findLast(manager, entry.datasetId);
    const record = ProvenanceException.wrap(() => appendCustodyRecord(previous, { ...entry, at: new Date().toISOString() }));
    try {
      await this.records.insert(manager, record);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new ProvenanceException(
        ProvenanceServiceErrorCode.CUSTODY_CONFLICT,
        `custody entry ${record.seq} of dataset ${record.datasetId} was written concurrently; retry the transaction`,
      );
    }
    return record;
  }

  /** The whole log, in seq order. */
  list(datasetId: string): Promise<CustodyRecord[]> {
    return this.records.listForDataset(datasetId);
  }

  /** Re-hashes the log from genesis; reports the first broken seq. */
  async verify(datasetId: string): Promise<CustodyLogVerification> {
    const records = await this.records.listForDataset(datasetId);
    return { entries: records.length, head: records.at(-1)?.hash ?? null, ...verifyCustodyChain(records) };
  }
}
