import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { POOL_STOPPED, type POOL_STOP } from './verification/worker-pool.js';

/**
 * The temporary folders (a capture copied for ffmpeg or SQLite, ffmpeg's output) and child processes (ffmpeg) of this
 * thread's work in flight. A verification or preview thread stopped mid-task (its service shutting down) would
 * otherwise leave them behind: terminating a worker thread runs no `finally`, and a child process outlives the thread
 * that started it. `abandonScratch` is what such a thread does when its pool asks it to stop (see WorkerPool).
 */
const folders = new Set<string>();
const children = new Set<ChildProcess>();

/** A new temporary folder (`<tmpdir>/<prefix>XXXXXX`), removed by `removeScratchDir` or `abandonScratch`. */
export async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  folders.add(dir);
  return dir;
}

/** `scratchDir`, for code that cannot wait. */
export function scratchDirSync(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  folders.add(dir);
  return dir;
}

export function removeScratchDirSync(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  folders.delete(dir);
}

export async function removeScratchDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  folders.delete(dir);
}

/** Keeps `child` until it exits, so that `abandonScratch` can kill it. */
export function trackChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** The folders and child processes in flight now. */
export function scratchInFlight(): { folders: string[]; children: number[] } {
  return { folders: [...folders], children: [...children].flatMap((child) => (child.pid === undefined ? [] : [child.pid])) };
}

/** Kills every tracked child process and removes every scratch folder, at once (synchronously). */
export function abandonScratch(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  folders.clear();
}

/**
 * A pool thread's answer to POOL_STOP (its pool retiring it mid-task): abandons the work in flight and says so. True
 * when `message` was that request; a task otherwise. No `finally` of the task runs once the pool terminates the thread.
 */
export function stoppedOnRequest(message: object, port: MessagePort): message is typeof POOL_STOP {
  if (!('stop' in message)) return false;
  abandonScratch();
  port.postMessage(POOL_STOPPED);
  return true;
}
