import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { type DynamicModule, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { type Address, type Signature, type TransactionSigner } from '@solana/kit';
import { DataSource } from 'typeorm';
import { ChainErrorCode, ChainException } from '../src/chain/chain.exception.js';
import { LiteSvmLedger } from '../src/chain/litesvm.ledger.js';
import { type LedgerReceipt, type MemoOptions, SolanaLedger, type SolanaPayRpc, type UsdcTransferOptions } from '../src/chain/solana-ledger.port.js';
import { ConfigModule } from '../src/config/config.module.js';
import { loadConfig } from '../src/config/load-config.js';
import type { DatabaseConnection } from '../src/database/database-connection.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { DatabaseModule } from '../src/database/database.module.js';
import { JobsService } from '../src/queue/jobs.service.js';
import { CustodyRecordEntity } from '../src/provenance/entities/custody-record.entity.js';
import { formatMemoRecord } from '../src/provenance/memo-record.js';
import { ProvenanceModule } from '../src/provenance/provenance.module.js';
import { anchorJobKey, anchorQueue } from '../src/provenance/provenance.jobs.js';
import { AnchorService } from '../src/provenance/services/anchor.service.js';
import { CustodyLogService } from '../src/provenance/services/custody-log.service.js';
import { createTestDatabase } from './support/test-database.js';
import { waitFor } from './support/wait-for.js';

/**
 * The real embedded ledger behind a switch: `down` fails every send before it reaches the ledger, `crash-after-send`
 * lands the transaction and then throws, as a worker dying (or a connection dropping) between sending and storing.
 */
class SwitchableLedger extends SolanaLedger {
  mode: 'ok' | 'down' | 'crash-after-send' = 'ok';
  /** The memo of every transaction sent, in order. */
  readonly sent: string[] = [];
  landingWindowSeconds = 0;

  constructor(readonly inner: LiteSvmLedger) {
    super();
  }

  get cluster(): string {
    return this.inner.cluster;
  }
  get usdcMint(): Address {
    return this.inner.usdcMint;
  }
  get treasuryAddress(): Address {
    return this.inner.treasuryAddress;
  }

  async recordMemo(memo: string, options?: MemoOptions): Promise<LedgerReceipt> {
    if (this.mode === 'down') throw new ChainException(ChainErrorCode.TRANSACTION_FAILED, 'cluster unreachable');
    this.sent.push(memo);
    const receipt = await this.inner.recordMemo(memo, options);
    if (this.mode === 'crash-after-send') throw new Error('connection reset after sending');
    return receipt;
  }
  findByReference(reference: Address): Promise<LedgerReceipt | null> {
    return this.inner.findByReference(reference);
  }
  findMemo(signature: Signature): Promise<string | null> {
    return this.inner.findMemo(signature);
  }
  ensureTokenAccount(owner: Address): Promise<Address> {
    return this.inner.ensureTokenAccount(owner);
  }
  transferUsdc(from: TransactionSigner, to: Address, amount: bigint, options?: UsdcTransferOptions): Promise<LedgerReceipt> {
    return this.inner.transferUsdc(from, to, amount, options);
  }
  usdcBalance(owner: Address): Promise<bigint> {
    return this.inner.usdcBalance(owner);
  }
  rpc(): SolanaPayRpc {
    return this.inner.rpc();
  }
}

/** Provides the switchable ledger in place of ChainModule. */
@Module({})
class LedgerDoubleModule {}

/** Two sessions interleaving need a PostgreSQL server; the embedded database (DATABASE_URL unset) has one session. */
const onServer = Boolean(process.env.DATABASE_URL);
const rootOf = (text: string) => createHash('sha256').update(text).digest('hex');

describe('provenance services on PostgreSQL and the embedded ledger (e2e)', () => {
  let database: DatabaseConnection;
  let dataDir: string;
  let moduleRef: TestingModule;
  let ledger: SwitchableLedger;
  let dataSource: DataSource;
  let custody: CustodyLogService;
  let anchors: AnchorService;
  let jobs: JobsService;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'mkt-provenance-'));
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: database.url, WORKER_CONCURRENCY: '2' });
    ledger = new SwitchableLedger(await LiteSvmLedger.open({ statePath: join(dataDir, 'chain', 'ledger.bin') }));
    const ledgerModule: DynamicModule = {
      module: LedgerDoubleModule,
      global: true,
      providers: [{ provide: SolanaLedger, useValue: ledger }],
      exports: [SolanaLedger],
    };
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(database), ledgerModule, ProvenanceModule],
    }).compile();
    moduleRef.useLogger(false);
    await moduleRef.init();
    dataSource = moduleRef.get(DataSource);
    custody = moduleRef.get(CustodyLogService);
    anchors = moduleRef.get(AnchorService);
    jobs = moduleRef.get(JobsService);
  });
  afterAll(async () => {
    await moduleRef.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    ledger.mode = 'ok';
    ledger.landingWindowSeconds = 0;
  });

  const anchorOf = async (datasetId: string, version = 1) => (await anchors.anchorsOf(datasetId)).find((a) => a.version === version);
  const confirmed = (datasetId: string) =>
    waitFor(async () => {
      const anchor = await anchorOf(datasetId);
      return anchor?.status === 'confirmed' ? anchor : undefined;
    }, 'the anchor to be confirmed');
  /** The anchor job of version 1 in pg-boss: its state, runs made so far and the last run's error. */
  const anchorJob = async (datasetId: string) => {
    const rows: { state: string; attempts: number; error: string | null }[] = await dataSource.query(
      `SELECT state, retry_count + (started_on IS NOT NULL)::int AS attempts, output->>'message' AS error
       FROM pgboss.job WHERE name = $1 AND singleton_key = $2`,
      [anchorQueue.name, anchorJobKey(datasetId, 1)],
    );
    expect(rows.length).toBeLessThanOrEqual(1);
    return rows.at(0);
  };
  /** Waits until the job's attempt number `attempts` has failed and the job waits for its retry; answers the anchor then. */
  const failedAttempt = (datasetId: string, attempts = 1) =>
    waitFor(async () => {
      const job = await anchorJob(datasetId);
      return job?.state === 'retry' && job.attempts === attempts ? anchorOf(datasetId) : undefined;
    }, `failed attempt ${attempts}`);
  /** Runs the waiting retry now instead of after its backoff. */
  const runJobNow = (datasetId: string) =>
    dataSource.query(`UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND singleton_key = $2 AND state = 'retry'`, [
      anchorQueue.name,
      anchorJobKey(datasetId, 1),
    ]);
  /** Memo transactions on the ledger carrying exactly this memo (the treasury pays for every one). */
  const onChain = async (memo: string) => {
    const signatures = await ledger.inner.rpc().getSignaturesForAddress(ledger.treasuryAddress, { limit: 1000 }).send();
    return signatures.filter((entry) => entry.memo === `[${memo.length}] ${memo}`).map((entry) => entry.signature);
  };
  const sendsOf = (memo: string) => ledger.sent.filter((sent) => sent === memo).length;
  const memoOf = (datasetId: string, merkleRoot: string) => formatMemoRecord({ kind: 'anchor', datasetId, version: 1, root: merkleRoot });
  const request = (datasetId: string, merkleRoot: string, version = 1) =>
    dataSource.transaction((manager) => anchors.requestAnchor(manager, { datasetId, version, merkleRoot, actorId: 'admin-1' }));

  describe('AnchorService', () => {
    it('records the anchor once through the job, appends an anchored custody entry and reads the memo back', async () => {
      const datasetId = randomUUID();
      const merkleRoot = rootOf('manifest-1');
      await request(datasetId, merkleRoot);
      const anchor = await confirmed(datasetId);
      const memo = memoOf(datasetId, merkleRoot);
      expect(anchor).toEqual({
        version: 1,
        merkleRoot,
        memo,
        status: 'confirmed',
        cluster: 'litesvm',
        signature: expect.any(String),
        slot: expect.any(Number),
        confirmedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        attempts: 1,
        lastError: null,
      });
      expect(await onChain(memo)).toEqual([anchor.signature]);
      await expect(anchors.readBack(datasetId, 1)).resolves.toEqual({ signature: anchor.signature, memo, matches: true });

      const [{ reference }] = await dataSource.query<{ reference: Address }[]>(`SELECT reference FROM provenance_anchors WHERE dataset_id = $1`, [
        datasetId,
      ]);
      if (anchor.slot === null) throw new Error('a confirmed anchor has a slot');
      await expect(ledger.inner.findByReference(reference)).resolves.toEqual({ signature: anchor.signature, slot: BigInt(anchor.slot) });
      const log = await custody.list(datasetId);
      expect(log).toEqual([
        expect.objectContaining({
          seq: 1,
          kind: 'anchored',
          actorId: 'admin-1',
          details: { version: 1, merkleRoot, signature: anchor.signature, slot: anchor.slot, cluster: 'litesvm' },
        }),
      ]);
      await expect(custody.verify(datasetId)).resolves.toEqual({ entries: 1, head: log[0].hash, ok: true });
      await expect(anchorJob(datasetId)).resolves.toMatchObject({ state: 'completed', attempts: 1 });
    });

    it('keeps one outbox row and one job per version, however often and concurrently it is requested', async () => {
      const datasetId = randomUUID();
      const merkleRoot = rootOf('manifest-2');
      ledger.mode = 'down';
      await Promise.all([request(datasetId, merkleRoot), request(datasetId, merkleRoot), request(datasetId, merkleRoot)]);
      await request(datasetId, merkleRoot);
      const [rows] = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM provenance_anchors WHERE dataset_id = $1`, [datasetId]);
      const [queued] = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND singleton_key = $2`, [
        anchorQueue.name,
        anchorJobKey(datasetId, 1),
      ]);
      expect([rows.n, queued.n]).toEqual([1, 1]);
      await expect(request(datasetId, rootOf('another manifest'))).rejects.toMatchObject({ code: 'PROVENANCE_ANCHOR_CONFLICT', status: 409 });
      await expect(request(datasetId, 'not-a-root', 2)).rejects.toMatchObject({ code: 'PROVENANCE_INVALID_MEMO', status: 400 });
      await expect(request('not a uuid:1', merkleRoot)).rejects.toMatchObject({ code: 'PROVENANCE_INVALID_MEMO' });
      await expect(anchors.readBack(datasetId, 1)).rejects.toMatchObject({ code: 'PROVENANCE_ANCHOR_PENDING', status: 409 });
      await expect(anchors.readBack(datasetId, 7)).rejects.toMatchObject({ code: 'PROVENANCE_ANCHOR_NOT_FOUND', status: 404 });
    });

    it('leaves the anchor pending while the ledger fails, and a later run records it', async () => {
      const datasetId = randomUUID();
      const merkleRoot = rootOf('manifest-3');
      ledger.mode = 'down';
      await request(datasetId, merkleRoot);
      const failed = await failedAttempt(datasetId);
      expect(failed).toMatchObject({
        status: 'pending',
        signature: null,
        slot: null,
        confirmedAt: null,
        attempts: 1,
        lastError: 'cluster unreachable',
      });
      await expect(anchorJob(datasetId)).resolves.toMatchObject({ state: 'retry', error: 'cluster unreachable' });
      expect(sendsOf(failed.memo)).toBe(0);

      ledger.mode = 'ok';
      await runJobNow(datasetId);
      const anchor = await confirmed(datasetId);
      expect(anchor).toMatchObject({ attempts: 2, lastError: null });
      expect(sendsOf(anchor.memo)).toBe(1);
      expect(await onChain(anchor.memo)).toEqual([anchor.signature]);
      expect((await custody.list(datasetId)).map((entry) => entry.kind)).toEqual(['anchored']);
    });

    it('adopts the transaction of an attempt that crashed after sending, without sending a second one', async () => {
      const datasetId = randomUUID();
      const merkleRoot = rootOf('manifest-4');
      ledger.mode = 'crash-after-send';
      await request(datasetId, merkleRoot);
      const failed = await failedAttempt(datasetId);
      expect(failed).toMatchObject({ status: 'pending', lastError: 'connection reset after sending' });
      const landed = await onChain(failed.memo);
      expect(landed).toHaveLength(1);

      ledger.mode = 'ok';
      await runJobNow(datasetId);
      const anchor = await confirmed(datasetId);
      expect(anchor.signature).toBe(landed[0]);
      expect(sendsOf(anchor.memo)).toBe(1);
      expect(await onChain(anchor.memo)).toEqual(landed);
      await expect(anchors.readBack(datasetId, 1)).resolves.toMatchObject({ matches: true });
      expect((await custody.list(datasetId)).filter((entry) => entry.kind === 'anchored')).toHaveLength(1);
    });

    it('does not send again while an earlier transaction may still land, and waits at least that long to retry', async () => {
      const datasetId = randomUUID();
      const merkleRoot = rootOf('manifest-5');
      ledger.landingWindowSeconds = 3600;
      ledger.mode = 'down';
      await request(datasetId, merkleRoot);
      await failedAttempt(datasetId);
      const [job] = await dataSource.query<{ later: boolean }[]>(
        `SELECT start_after > now() + interval '59 minutes' AS later FROM pgboss.job WHERE name = $1 AND singleton_key = $2`,
        [anchorQueue.name, anchorJobKey(datasetId, 1)],
      );
      expect(job.later).toBe(true);

      ledger.mode = 'ok';
      await runJobNow(datasetId);
      expect(await failedAttempt(datasetId, 2)).toMatchObject({
        status: 'pending',
        attempts: 2,
        lastError: 'the previous transaction may still land; looking it up again later',
      });
      expect(sendsOf(memoOf(datasetId, merkleRoot))).toBe(0);

      // The window has passed (the clock moved on): now it sends.
      await dataSource.query(`UPDATE provenance_anchors SET last_sent_at = now() - interval '2 hours' WHERE dataset_id = $1`, [datasetId]);
      await runJobNow(datasetId);
      const anchor = await confirmed(datasetId);
      expect(sendsOf(anchor.memo)).toBe(1);
      expect(await onChain(anchor.memo)).toEqual([anchor.signature]);
    });

    it('leaves an anchor to the worker of another instance that holds it, and records it once that one lets go', async () => {
      const datasetId = randomUUID();
      const id = randomUUID();
      const memo = memoOf(datasetId, rootOf('manifest-6'));
      await dataSource.query(
        `INSERT INTO provenance_anchors (id, dataset_id, version, merkle_root, memo, reference, requested_by) VALUES ($1, $2, 1, $3, $4, $5, 'admin-1')`,
        [id, datasetId, rootOf('manifest-6'), memo, 'GZNvWk8gZ5SfnLLTq2XzDFE2tvuGW9b4vTrm8gaXzJCT'],
      );
      // Another instance is mid-way through this anchor: it holds the anchor's lock on a session of its own.
      const other = dataSource.createQueryRunner();
      await other.connect();
      const lockKey = [`anchor:${id}`];
      await other.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, lockKey);
      try {
        await jobs.sendOutsideTransaction(anchorQueue, { datasetId, version: 1 }, { key: anchorJobKey(datasetId, 1) });
        if (onServer) {
          expect(await failedAttempt(datasetId)).toMatchObject({ status: 'pending', attempts: 0 });
          await expect(anchorJob(datasetId)).resolves.toMatchObject({ error: 'another worker is recording this anchor' });
          expect(sendsOf(memo)).toBe(0);
        } else {
          // One session for every connection: the lock is re-entrant there, and the single instance's job claim suffices.
          await confirmed(datasetId);
        }
      } finally {
        await other.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, lockKey);
        await other.release();
      }
      await runJobNow(datasetId);
      await confirmed(datasetId);
      expect(sendsOf(memo)).toBe(1);
    });
  });

  describe('CustodyLogService', () => {
    const append = (datasetId: string, details: Record<string, number | string>, kind = 'file-added') =>
      dataSource.transaction((manager) => custody.append(manager, { datasetId, kind, actorId: 'user-1', details }));

    it('chains entries and lists them in seq order', async () => {
      const datasetId = randomUUID();
      const first = await append(datasetId, { path: 'a.mp4' }, 'created');
      const second = await append(datasetId, { path: 'b.mp4' });
      expect(first).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) });
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
      await expect(custody.list(datasetId)).resolves.toEqual([first, second]);
      await expect(custody.verify(datasetId)).resolves.toEqual({ entries: 2, head: second.hash, ok: true });
      await expect(custody.verify(randomUUID())).resolves.toEqual({ entries: 0, head: null, ok: true });
    });

    it('writes nothing when the caller’s transaction rolls back, and refuses an invalid entry', async () => {
      const datasetId = randomUUID();
      await expect(
        dataSource.transaction(async (manager) => {
          await custody.append(manager, { datasetId, kind: 'created', actorId: 'user-1', details: {} });
          throw new Error('the caller changed its mind');
        }),
      ).rejects.toThrow('the caller changed its mind');
      await expect(custody.list(datasetId)).resolves.toEqual([]);
      await expect(append(datasetId, {}, 'Not Kebab')).rejects.toMatchObject({ code: 'PROVENANCE_INVALID_CUSTODY_ENTRY', status: 400 });
    });

    it('serializes concurrent appends from parallel transactions on two instances into one gap-free valid chain', async () => {
      const datasetId = randomUUID();
      // A second connection pool stands for a second instance of the service.
      const otherInstance = await new DataSource({ ...dataSourceOptions(database.url, 4), entities: [CustodyRecordEntity] }).initialize();
      try {
        const appendSlowly = (source: DataSource, i: number) =>
          source.transaction(async (manager) => {
            const record = await custody.append(manager, { datasetId, kind: 'file-added', actorId: 'user-1', details: { i } });
            await manager.query('SELECT pg_sleep(0.005)');
            return record;
          });
        const written = await Promise.all(Array.from({ length: 40 }, (_, i) => appendSlowly(i % 2 === 0 ? dataSource : otherInstance, i)));
        const log = await custody.list(datasetId);
        expect(log.map((entry) => entry.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        expect(new Set(log.map((entry) => entry.details.i)).size).toBe(40);
        expect(written.map((record) => record.seq).sort((a, b) => a - b)).toEqual(log.map((entry) => entry.seq));
        await expect(custody.verify(datasetId)).resolves.toEqual({ entries: 40, head: log[39].hash, ok: true });
      } finally {
        await otherInstance.destroy();
      }
    });

    it('turns an append that got past the lock into CUSTODY_CONFLICT (the primary key is the backstop)', async () => {
      const datasetId = randomUUID();
      const first = await append(datasetId, {}, 'created');
      // A writer that ignores the lock holds seq 2 uncommitted; the service's append takes seq 2 too and waits on it.
      const rogue = dataSource.createQueryRunner();
      await rogue.connect();
      await rogue.startTransaction();
      try {
        await rogue.query(
          `INSERT INTO custody_records (dataset_id, seq, kind, actor_id, at, details, prev_hash, hash) VALUES ($1, 2, 'rogue', 'x', now(), '{}', $2, $2)`,
          [datasetId, first.hash],
        );
        const outcome = append(datasetId, { path: 'c.mp4' }).then(
          (record) => `appended ${record.seq}`,
          (error: unknown) => (error as { code?: string }).code,
        );
        if (onServer) {
          await waitFor(async () => {
            const [row] = await dataSource.query<{ n: number }[]>(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            );
            return row.n > 0 ? true : undefined;
          }, 'the append to wait on the uncommitted row');
        }
        await rogue.commitTransaction();
        // The embedded database runs one transaction at a time, so there the append can only follow the rogue writer.
        await expect(outcome).resolves.toBe(onServer ? 'PROVENANCE_CUSTODY_CONFLICT' : 'appended 3');
      } finally {
        await rogue.release();
      }
    });

    it('reports a row changed in the database with the seq where the chain breaks', async () => {
      const datasetId = randomUUID();
      for (const path of ['a.mp4', 'b.mp4', 'c.mp4']) await append(datasetId, { path });
      await dataSource.query(`UPDATE custody_records SET details = '{"path": "evil.mp4"}' WHERE dataset_id = $1 AND seq = 2`, [datasetId]);
      await expect(custody.verify(datasetId)).resolves.toMatchObject({ entries: 3, ok: false, brokenAt: 2, reason: 'hash-mismatch' });
      await dataSource.query(`DELETE FROM custody_records WHERE dataset_id = $1 AND seq = 2`, [datasetId]);
      await expect(custody.verify(datasetId)).resolves.toMatchObject({ entries: 2, ok: false, brokenAt: 3, reason: 'seq-mismatch' });
    });
  });
});
