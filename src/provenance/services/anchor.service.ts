import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { getAddressDecoder, signature as toSignature } from '@solana/kit';
import type { EntityManager } from 'typeorm';
import { SolanaLedger } from '../../chain/solana-ledger.port.js';
import { JobsService } from '../../queue/jobs.service.js';
import type { AnchorReadBack, AnchorView } from '../dto/anchor-view.js';
import type { AnchorEntity } from '../entities/anchor.entity.js';
import { formatMemoRecord } from '../memo-record.js';
import { ProvenanceErrorCode } from '../provenance-error.js';
import { ID_PATTERN } from '../provenance-fields.js';
import { ProvenanceException, ProvenanceServiceErrorCode } from '../provenance.exception.js';
import { anchorJobKey, anchorQueue } from '../provenance.jobs.js';
import { AnchorRepository } from '../repositories/anchor.repository.js';

export interface AnchorRequest {
  datasetId: string;
  version: number;
  /** The version's manifest Merkle root, 64 lowercase hex. */
  merkleRoot: string;
  /** Who published the version (user id or `system`); the `anchored` custody entry is written in their name. */
  actorId: string;
}

function toView(anchor: AnchorEntity): AnchorView {
  return {
    version: anchor.version,
    merkleRoot: anchor.merkleRoot,
    memo: anchor.memo,
    status: anchor.status,
    cluster: anchor.cluster,
    signature: anchor.signature,
    slot: anchor.slot,
    confirmedAt: anchor.confirmedAt?.toISOString() ?? null,
    attempts: anchor.attempts,
    lastError: anchor.lastError,
  };
}

/** On-chain anchors of dataset versions' manifest roots: requested in a transaction, recorded by a job. */
@Injectable()
export class AnchorService {
  constructor(
    private readonly anchors: AnchorRepository,
    private readonly jobs: JobsService,
    private readonly ledger: SolanaLedger,
  ) {}

  /**
   * Inside the caller's transaction: writes the outbox row (with its memo and a fresh reference address) and
   * queues the `provenance.anchor` job, so both exist exactly when the version's publication commits. A second
   * request for the same version is a no-op; one with another root is ANCHOR_CONFLICT (a version never changes).
   */
  async requestAnchor(manager: EntityManager, anchor: AnchorRequest): Promise<void> {
    const { datasetId, version, merkleRoot, actorId } = anchor;
    const memo = ProvenanceException.wrap(() => formatMemoRecord({ kind: 'anchor', datasetId, version, root: merkleRoot }));
    if (!ID_PATTERN.test(actorId)) {
      throw new ProvenanceException(ProvenanceErrorCode.INVALID_CUSTODY_ENTRY, 'actorId must be 1-64 characters of [A-Za-z0-9_-]');
    }
    const reference = getAddressDecoder().decode(randomBytes(32));
    const inserted = await this.anchors.insertIfAbsent(manager, {
      id: randomUUID(),
      datasetId,
      version,
      merkleRoot,
      memo,
      reference,
      requestedBy: actorId,
    });
    if (!inserted) {
      const existing = await this.anchors.findByVersionInTransaction(manager, datasetId, version);
      if (existing && existing.merkleRoot !== merkleRoot) {
        throw new ProvenanceException(
          ProvenanceServiceErrorCode.ANCHOR_CONFLICT,
          `version ${version} of dataset ${datasetId} is already anchored with root ${existing.merkleRoot}`,
        );
      }
      return;
    }
    // A retry never comes before an earlier send can no longer land (the recorder would only wait again).
    const minRetryDelaySeconds = this.ledger.landingWindowSeconds;
    await this.jobs.send(manager, anchorQueue, { datasetId, version }, { key: anchorJobKey(datasetId, version), minRetryDelaySeconds });
  }

  /** Every requested anchor of the dataset, by version. */
  async anchorsOf(datasetId: string): Promise<AnchorView[]> {
    return (await this.anchors.listForDataset(datasetId)).map(toView);
  }

  /** Reads the confirmed anchor's memo back from the ledger by its signature and compares it with the expected memo. */
  async readBack(datasetId: string, version: number): Promise<AnchorReadBack> {
    const anchor = await this.anchors.findByVersion(datasetId, version);
    if (!anchor) {
      throw new ProvenanceException(ProvenanceServiceErrorCode.ANCHOR_NOT_FOUND, `version ${version} of dataset ${datasetId} has no anchor`);
    }
    if (anchor.status !== 'confirmed' || anchor.signature === null) {
      throw new ProvenanceException(
        ProvenanceServiceErrorCode.ANCHOR_PENDING,
        `the anchor of version ${version} of dataset ${datasetId} is not on-chain yet`,
      );
    }
    const memo = await this.ledger.findMemo(toSignature(anchor.signature));
    return { signature: anchor.signature, memo, matches: memo === anchor.memo };
  }
}
