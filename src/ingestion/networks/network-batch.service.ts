import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role } from '../../auth/role.js';
import { AuthService } from '../../auth/services/auth.service.js';
import { isSolanaAddress, verifyWalletSignature } from '../../auth/wallet-signature.js';
import { parseStrictDate } from '../../common/strict-date.js';
import { AdvanceGrantLedgerService } from '../../consent/services/advance-grant-ledger.service.js';
import { JobsService } from '../../queue/jobs.service.js';
import { isValidObjectKey } from '../../storage/object-key.js';
import { ObjectStorage } from '../../storage/object-storage.port.js';
import { type BatchItemDto, type NetworkBatchDto, NetworkBatchResponse, RejectedBatchItem } from '../dto/network.dto.js';
import { draftCapture } from '../entities/capture-draft.js';
import type { NetworkEntity } from '../entities/network.entity.js';
import { IngestionErrorCode, IngestionException } from '../ingestion.exception.js';
import { captureProcessQueue } from '../ingestion.jobs.js';
import { CaptureRepository } from '../repositories/capture.repository.js';
import { NetworkRepository } from '../repositories/network.repository.js';
import { safeFilename } from '../services/capture.service.js';

/**
 * Batches pushed by a network: the body must be signed by the network's key (Ed25519 over the exact request
 * bytes, base58 in X-Network-Signature). Captures are created once per (network, external id), credited to the
 * contributor's wallet, and processed like uploads. A replayed batch creates nothing. Members' advance consent grants
 * may ride along (memberGrants), each signed by the member's wallet: all are checked first and one bad grant refuses
 * the whole batch with nothing stored; the good ones are stored after the items, for the members' accounts.
 */
@Injectable()
export class NetworkBatchService {
  private readonly logger = new Logger(NetworkBatchService.name);

  constructor(
    private readonly networks: NetworkRepository,
    private readonly captures: CaptureRepository,
    private readonly auth: AuthService,
    private readonly storage: ObjectStorage,
    private readonly jobs: JobsService,
    private readonly advanceGrants: AdvanceGrantLedgerService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async receive(slug: string, rawBody: Buffer | undefined, signature: string | undefined, batch: NetworkBatchDto): Promise<NetworkBatchResponse> {
    const network = await this.networks.findBySlug(slug);
    if (!network || !network.active) throw new IngestionException(IngestionErrorCode.NETWORK_NOT_FOUND, `No active network ${slug}`);
    if (!rawBody || !signature || !verifyWalletSignature(network.publicKey, rawBody, signature)) {
      throw new IngestionException(
        IngestionErrorCode.NETWORK_SIGNATURE_INVALID,
        `X-Network-Signature must be the Ed25519 signature (base58) of the exact request body by the ${slug} network key`,
      );
    }
    // Every member grant is checked before anything of the batch is stored: one bad grant refuses the whole batch.
    const memberGrants = await this.advanceGrants.checkMemberGrants(
      network.slug,
      batch.memberGrants ?? [],
      new Set(batch.items.map((item) => item.contributorWallet)),
    );
    const response = Object.assign(new NetworkBatchResponse(), { accepted: 0, duplicates: 0, rejected: [], captureIds: [], memberGrants: 0 });
    for (const item of batch.items) {
      const problem = this.problemWith(network, item);
      if (problem) {
        response.rejected.push(RejectedBatchItem.of(item.externalId, problem));
        continue;
      }
      const outcome = await this.ingest(network, item);
      if (outcome.kind === 'accepted') {
        response.accepted += 1;
        response.captureIds.push(outcome.captureId);
      } else if (outcome.kind === 'duplicate') {
        response.duplicates += 1;
      } else {
        response.rejected.push(RejectedBatchItem.of(item.externalId, outcome.reason));
      }
    }
    response.memberGrants = await this.advanceGrants.recordMemberGrants(memberGrants);
    this.logger.log(
      `network ${slug} batch ${batch.batchId}: ${response.accepted} accepted, ${response.duplicates} duplicates, ${response.rejected.length} rejected, ${response.memberGrants} member grants`,
    );
    return response;
  }

  private problemWith(network: NetworkEntity, item: BatchItemDto): string | null {
    if (!isSolanaAddress(item.contributorWallet)) return 'contributorWallet is not a base58 Solana address';
    if (!item.objectKey.startsWith(network.stagingPrefix) || !isValidObjectKey(item.objectKey)) {
      return `objectKey must lie under the network's staging prefix ${network.stagingPrefix}`;
    }
    return null;
  }

  private async ingest(
    network: NetworkEntity,
    item: BatchItemDto,
  ): Promise<{ kind: 'accepted'; captureId: string } | { kind: 'duplicate' } | { kind: 'rejected'; reason: string }> {
    const stat = await this.storage.head(item.objectKey);
    if (!stat) return { kind: 'rejected', reason: `No object at ${item.objectKey}` };
    const owner = await this.auth.ensureWalletAccount(item.contributorWallet, Role.CONTRIBUTOR);
    const capture = draftCapture({
      id: randomUUID(),
      ownerId: owner.id,
      status: 'processing',
      filename: safeFilename(item.objectKey),
      declaredSizeBytes: item.sizeBytes,
      declaredSha256: item.sha256,
      declaredModality: item.modality ?? null,
      capturedAt: parseStrictDate(item.capturedAt),
      deviceId: item.deviceId ?? null,
      objectKey: item.objectKey,
      network: network.slug,
      externalId: item.externalId,
    });
    const created = await this.dataSource.transaction(async (manager) => {
      if (!(await this.captures.insertUnlessExists(manager, capture))) return false;
      await this.jobs.send(manager, captureProcessQueue, { captureId: capture.id }, { key: `capture.process:${capture.id}` });
      return true;
    });
    if (created) return { kind: 'accepted', captureId: capture.id };
    if (await this.captures.existsExternal(network.slug, item.externalId)) return { kind: 'duplicate' };
    return { kind: 'rejected', reason: `${item.objectKey} already belongs to another capture` };
  }
}
