import { writeFileSync } from 'node:fs';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { POOL_STOP, POOL_STOPPED, type PoolWorkerData, type WorkerReply, type WorkerRequest } from '../../src/ingestion/verification/worker-pool.js';

/**
 * A worker for WorkerPool's spec: echoes, fails, dies or asks to be recycled on request; answers with its thread id. Asked
 * to stop (POOL_STOP), it writes `stopMarker` (when given) and answers, unless `ignoreStop`.
 */
export type EchoTask = { kind: 'echo'; value: string; delayMs?: number } | { kind: 'fail' } | { kind: 'die' } | { kind: 'recycle' };
export interface EchoResult {
  value: string;
  threadId: number;
}

export interface EchoData {
  prefix: string;
  stopMarker?: string;
  ignoreStop?: boolean;
}

const { data } = workerData as PoolWorkerData<EchoData>;
const port = parentPort;
if (!port) throw new Error('echo.worker runs as a worker thread only');

port.on('message', (request: WorkerRequest<EchoTask> | typeof POOL_STOP) => {
  if ('stop' in request) {
    if (data.ignoreStop) return;
    if (data.stopMarker) writeFileSync(data.stopMarker, String(threadId));
    port.postMessage(POOL_STOPPED);
    return;
  }
  const { id, task } = request;
  const reply = (message: WorkerReply<EchoResult>) => {
    port.postMessage(message);
  };
  switch (task.kind) {
    case 'echo':
      setTimeout(() => {
        reply({ id, ok: true, result: { value: `${data.prefix}${task.value}`, threadId }, recycle: false });
      }, task.delayMs ?? 0);
      break;
    case 'fail':
      reply({ id, ok: false, error: 'asked to fail', recycle: false });
      break;
    case 'die':
      process.exit(3);
      break;
    case 'recycle':
      reply({ id, ok: true, result: { value: 'recycled', threadId }, recycle: true });
      break;
  }
});
