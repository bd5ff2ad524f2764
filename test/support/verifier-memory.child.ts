/**
 * Child process for the verification thread's memory spec:
 *   node --import ./scripts/ts-source-register.mjs test/support/verifier-memory.child.ts <recycleAboveBytes>
 * Verifies an MCAP with one legitimate 60 MiB zstd chunk in a one-thread WorkerPool, and prints the process's RSS
 * (MiB) with the thread started, after the task, and the task's outcome, as one JSON line.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { VerifierData, VerifierResult, VerifierTask } from '../../src/ingestion/verification/verifier-task.js';
import { WorkerPool } from '../../src/ingestion/verification/worker-pool.js';
import { openObjectStorage } from '../../src/storage/object-storage.settings.js';
import type { ObjectStorageSettings } from '../../src/storage/object-storage.settings.js';
import { largeChunkMcap } from './fixtures.js';

const rssMiB = () => Math.round(process.memoryUsage().rss / (1 << 20));

const dataDir = mkdtempSync(join(tmpdir(), 'mkt-memory-'));
try {
  const settings: ObjectStorageSettings = {
    kind: 'local',
    dataDir,
    urlSecret: 'memory-spec-secret-memory-spec-secret',
    publicUrl: 'http://localhost',
  };
  const bytes = await largeChunkMcap(60);
  await (await openObjectStorage(settings)).put('probe/large.mcap', bytes);
  const declared = { sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  const pool = new WorkerPool<VerifierTask, VerifierResult, VerifierData>({
    size: 1,
    script: new URL('../../src/ingestion/verification/capture-verifier.worker.ts', import.meta.url),
    data: { storage: settings, recycleAboveBytes: Number(process.argv[2]) },
  });
  await pool.run({ kind: 'hash', key: 'probe/none' });
  await sleep(200);
  const started = rssMiB();
  const outcome = await pool.run({ kind: 'verify', key: 'probe/large.mcap', declared });
  // A recycled thread is terminated right after it answers.
  await sleep(1000);
  const after = rssMiB();
  await pool.close();
  process.stdout.write(
    `${JSON.stringify({ started, after, ok: outcome.ok, format: outcome.ok && 'probe' in outcome ? outcome.probe.format : null })}\n`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
