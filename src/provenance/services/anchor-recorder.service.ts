import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Address, address } from '@solana/kit';
import { DataSource } from 'typeorm';
import { type LedgerReceipt, SolanaLedger } from '../../chain/solana-ledger.port.js';
import type { Job, JobFailure, JobHandler } from '../../queue/job-queue.js';
import { JobsService } from '../../queue/jobs.service.js';
import type { AnchorEntity } from '../entities/anchor.entity.js';
import { type AnchorJob, anchorQueue } from '../provenance.jobs.js';
import { AnchorRepository } from '../repositories/anchor.repository.js';
import { CustodyLogService } from './custody-log.service.js';

/**
 * The `provenance.anchor` job: records a version's memo on-chain AT MOST ONCE, and eventually.
 *
 * Why it cannot record twice, even when a worker crashes between sending and storing the signature:
 * 1. Every anchor row gets a fresh reference address (32 random bytes, as Solana Pay does) when it is requested,
 *    committed with the request and never changed. Each memo transaction carries it (read-only, on a 0-lamport
 *    treasury self-transfer: the Memo program wants every account of its own instruction to sign).
 * 2. Before every send the job looks the reference up (getSignaturesForAddress, through the same ledger RPC on a
 *    cluster and on the embedded ledger). A successful treasury-paid transaction found there is adopted, after
 *    checking its memo, instead of sending again.
 * 3. A lookup that finds nothing proves nothing while an earlier transaction may still be in flight, so the job
 *    sends only when the last send started at least `ledger.landingWindowSeconds` ago (a blockhash lifetime on a
 *    cluster, after which that transaction has landed or can never land). The send time is committed before
 *    sending, so a crash right after sending still leaves it behind; retries wait at least that long too.
 * 4. One sender at a time: pg-boss hands the job to one worker (another gets it only once that worker's heartbeat
 *    has stopped), and lookup + send + store run under a session advisory lock on the anchor, which goes with the
 *    worker's connection if it dies.
 * Eventually: a failed attempt (cluster down, RPC error) keeps the anchor `pending` with its last error, and the job
 * retries with growing delays (never sooner than the landing window) up to 15 minutes, ANCHOR_MAX_ATTEMPTS times.
 * Nothing else waits for it: the dataset version stays published meanwhile.
 */
@Injectable()
export class AnchorRecorderService implements JobHandler<AnchorJob>, OnModuleInit {
  private readonly logger = new Logger(AnchorRecorderService.name);

  constructor(
    private readonly anchors: AnchorRepository,
    private readonly custody: CustodyLogService,
    private readonly ledger: SolanaLedger,
    private readonly jobs: JobsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(anchorQueue, this);
  }

  async run(job: Job<AnchorJob>): Promise<void> {
    const anchor = await this.anchors.findByVersion(job.payload.datasetId, job.payload.version);
    if (!anchor || anchor.status === 'confirmed') return;
    if (!(await this.anchors.runLocked(anchor.id, () => this.record(anchor.datasetId, anchor.version)))) {
      throw new Error('another worker is recording this anchor');
    }
  }

  onFailed(failure: JobFailure<AnchorJob>): Promise<void> {
    this.logger.error(`gave up anchoring version ${failure.payload.version} of dataset ${failure.payload.datasetId}: ${failure.error}`);
    return Promise.resolve();
  }

  private async record(datasetId: string, version: number): Promise<void> {
    // Read again under the lock: another worker may have finished it in the meantime.
    const anchor = await this.anchors.findByVersion(datasetId, version);
    if (!anchor || anchor.status === 'confirmed') return;
    await this.anchors.countAttempt(anchor.id);
    try {
      const reference = address(anchor.reference);
      const landed = await this.ledger.findByReference(reference);
      if (landed) {
        await this.adopt(anchor, landed);
        return;
      }
      if (await this.anchors.sentWithin(anchor.id, this.ledger.landingWindowSeconds)) {
        throw new Error('the previous transaction may still land; looking it up again later');
      }
      await this.send(anchor, reference);
    } catch (error) {
      await this.anchors.recordFailure(anchor.id, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private async send(anchor: AnchorEntity, reference: Address): Promise<void> {
    await this.anchors.markSending(anchor.id);
    const receipt = await this.ledger.recordMemo(anchor.memo, { reference });
    await this.confirm(anchor, receipt);
  }

  /** Takes over a transaction an earlier attempt landed (its worker crashed or failed before storing it). */
  private async adopt(anchor: AnchorEntity, receipt: LedgerReceipt): Promise<void> {
    const memo = await this.ledger.findMemo(receipt.signature);
    if (memo !== anchor.memo) {
      throw new Error(`transaction ${receipt.signature} carries this anchor's reference but records ${JSON.stringify(memo)}`);
    }
    this.logger.log(`adopting ${receipt.signature}, landed by an earlier attempt, for version ${anchor.version} of dataset ${anchor.datasetId}`);
    await this.confirm(anchor, receipt);
  }

  private async confirm(anchor: AnchorEntity, receipt: LedgerReceipt): Promise<void> {
    const confirmation = { cluster: this.ledger.cluster, signature: receipt.signature, slot: Number(receipt.slot) };
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.anchors.markConfirmed(manager, anchor.id, confirmation))) return;
      await this.custody.append(manager, {
        datasetId: anchor.datasetId,
        kind: 'anchored',
        actorId: anchor.requestedBy,
        details: { version: anchor.version, merkleRoot: anchor.merkleRoot, ...confirmation },
      });
    });
  }
}
