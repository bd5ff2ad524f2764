import { parentPort, workerData } from 'node:worker_threads';
import { openObjectStorage } from '../../storage/object-storage.settings.js';
import { hashStoredObject, verifyStoredObject } from '../capture-verifier.js';
import { takeDecompressionHighWater } from '../formats/decompression.js';
import type { VerifierData, VerifierResult, VerifierTask } from './verifier-task.js';
import { stoppedOnRequest } from '../scratch.js';
import { type POOL_STOP, type PoolWorkerData, type WorkerReply, type WorkerRequest } from './worker-pool.js';

/**
 * A verification thread: opens its own object store and answers one task at a time (hash and probe a capture, or only
 * hash it). After a task that decompressed a large block it asks to be replaced, since its WebAssembly memories keep
 * the size they grew to.
 */
const { data } = workerData as PoolWorkerData<VerifierData>;
const storage = await openObjectStorage(data.storage);
const port = parentPort;
if (!port) throw new Error('capture-verifier.worker runs as a worker thread only');

async function perform(task: VerifierTask): Promise<VerifierResult> {
  return task.kind === 'verify' ? verifyStoredObject(storage, task.key, task.declared) : hashStoredObject(storage, task.key);
}

port.on('message', (request: WorkerRequest<VerifierTask> | typeof POOL_STOP) => {
  if (stoppedOnRequest(request, port)) return;
  void perform(request.task).then(
    (result) => {
      const reply: WorkerReply<VerifierResult> = { id: request.id, ok: true, result, recycle: takeDecompressionHighWater() > data.recycleAboveBytes };
      port.postMessage(reply);
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const reply: WorkerReply<VerifierResult> = {
        id: request.id,
        ok: false,
        error: message,
        recycle: takeDecompressionHighWater() > data.recycleAboveBytes,
      };
      port.postMessage(reply);
    },
  );
});
