import { parentPort, workerData } from 'node:worker_threads';
import { openObjectStorage } from '../../storage/object-storage.settings.js';
import { stoppedOnRequest } from '../scratch.js';
import { type POOL_STOP, type PoolWorkerData, type WorkerReply, type WorkerRequest } from '../verification/worker-pool.js';
import type { GeneratedPreview } from './generated-preview.js';
import { generatePreview } from './preview-generator.js';
import type { PreviewData, PreviewTask } from './preview-task.js';
import { storedPreviewSource } from './stored-preview-source.js';

/**
 * A preview thread: opens its own object store and makes one capture's preview at a time (decoding, rasterising and
 * PNG encoding are CPU work the API's event loop must not wait for; ffmpeg runs as a child process of this thread).
 * After a LAZ file it asks to be replaced: laz-perf's WebAssembly memory keeps the size the file made it grow to.
 */
const { data } = workerData as PoolWorkerData<PreviewData>;
const storage = await openObjectStorage(data.storage);
const port = parentPort;
if (!port) throw new Error('capture-preview.worker runs as a worker thread only');

port.on('message', (request: WorkerRequest<PreviewTask> | typeof POOL_STOP) => {
  if (stoppedOnRequest(request, port)) return;
  const recycle = request.task.subject.format === 'laz';
  const { sidecar } = request.task;
  generatePreview(
    request.task.subject,
    storedPreviewSource(storage, request.task.key),
    sidecar ? { filename: sidecar.filename, source: storedPreviewSource(storage, sidecar.key) } : null,
  ).then(
    (result) => {
      const reply: WorkerReply<GeneratedPreview> = { id: request.id, ok: true, result, recycle };
      port.postMessage(reply);
    },
    (error: unknown) => {
      const reply: WorkerReply<GeneratedPreview> = {
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
        recycle,
      };
      port.postMessage(reply);
    },
  );
});
