import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { objectStorageSettings } from '../../storage/storage.module.js';
import type { Declared, HashOutcome, VerificationOutcome } from '../capture-verifier.js';
import type { VerifierData, VerifierResult, VerifierTask } from '../verification/verifier-task.js';
import { WorkerPool, workerModule } from '../verification/worker-pool.js';

/** A verification thread is replaced after decompressing a block larger than this (its WebAssembly memory stays that big). */
export const RECYCLE_ABOVE_BYTES = 16 * 1024 * 1024;

/**
 * Hashing and probing run in worker threads (up to WORKER_CONCURRENCY, at least one), so a large upload never delays
 * the API's requests. Threads start on the first capture this instance processes; an API-only instance starts none.
 */
@Injectable()
export class CaptureVerificationService implements OnModuleDestroy {
  /** Built here (it starts no thread until a task), so that once closed on shutdown no late task starts a thread. */
  private readonly pool: WorkerPool<VerifierTask, VerifierResult, VerifierData>;

  constructor(config: AppConfig) {
    this.pool = new WorkerPool({
      size: Math.max(1, config.WORKER_CONCURRENCY),
      script: workerModule('../verification/capture-verifier.worker', import.meta.url),
      data: { storage: objectStorageSettings(config), recycleAboveBytes: RECYCLE_ABOVE_BYTES },
    });
  }

  /** Size, SHA-256 and the probe's description of the object at `key`, checked against what was declared. */
  async verify(key: string, declared: Declared): Promise<VerificationOutcome> {
    return (await this.run({ kind: 'verify', key, declared })) as VerificationOutcome;
  }

  /** Size and SHA-256 of the object at `key`. */
  async hash(key: string): Promise<HashOutcome> {
    return (await this.run({ kind: 'hash', key })) as HashOutcome;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }

  private run(task: VerifierTask): Promise<VerifierResult> {
    return this.pool.run(task);
  }
}
