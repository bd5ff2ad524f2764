import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
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
/**
 * Set by `abandonScratch`: the work was abandoned, and what it does next is refused. A task goes on running between its
 * thread's stop request and the thread's termination: a step that fails because its ffmpeg was killed is caught, and
 * the next step starts another ffmpeg (the video preview's next thumbnail) that nobody would kill.
 */
let abandoned = false;

/** The error of a scratch folder asked for after the work was abandoned. */
export class ScratchAbandonedError extends Error {
  constructor() {
    super('The work in flight was abandoned (its thread is stopping): no new scratch folder');
  }
}

/**
 * Where every process keeps its scratch folders: `<tmpdir>/depai-scratch/<host>.<pid>/`. A process killed outright
 * (SIGKILL, the OOM killer) runs nothing on its way out, so its folders (a whole capture copied for ffmpeg, videos run
 * to gigabytes) stay; the next process to start on this host removes those of processes that are gone
 * (`sweepDeadScratch`). The host name keeps apart hosts (containers) that share one temporary folder: a process id
 * means something only on its own host.
 */
export const SCRATCH_ROOT = join(tmpdir(), 'depai-scratch');
const ownName = (): string => `${hostname()}.${String(process.pid)}`;

/** This process's own folder under `root`, where its scratch folders are made. */
export function processScratchDir(root = SCRATCH_ROOT): string {
  return join(root, ownName());
}

/** A new temporary folder (`<process scratch dir>/<prefix>XXXXXX`), removed by `removeScratchDir` or `abandonScratch`. */
export async function scratchDir(prefix: string): Promise<string> {
  if (abandoned) throw new ScratchAbandonedError();
  const parent = processScratchDir();
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, prefix));
  folders.add(dir);
  return dir;
}

/** `scratchDir`, for code that cannot wait. */
export function scratchDirSync(prefix: string): string {
  if (abandoned) throw new ScratchAbandonedError();
  const parent = processScratchDir();
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, prefix));
  folders.add(dir);
  return dir;
}

/** Whether process `pid` exists on this host (one of another user counts: signalling it is refused, not unknown). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes the scratch folders of processes of this host that no longer exist (killed before they could clean up), and
 * answers the process folders removed. Folders of live processes, of this process, and of other hosts are left alone;
 * so is anything under `root` not named `<host>.<pid>`. Safe to run from any number of processes at once.
 */
export async function sweepDeadScratch(root = SCRATCH_ROOT): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const prefix = `${hostname()}.`;
  const removed: string[] = [];
  for (const name of entries) {
    if (!name.startsWith(prefix)) continue;
    const pid = name.slice(prefix.length);
    if (!/^[1-9][0-9]{0,9}$/.test(pid) || Number(pid) === process.pid || alive(Number(pid))) continue;
    await rm(join(root, name), { recursive: true, force: true });
    removed.push(join(root, name));
  }
  return removed;
}

export function removeScratchDirSync(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  folders.delete(dir);
}

export async function removeScratchDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  folders.delete(dir);
}

/** Keeps `child` until it exits, so that `abandonScratch` can kill it; once the work was abandoned, kills it at once. */
export function trackChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (abandoned) {
    child.kill('SIGKILL');
    return;
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** The folders and child processes in flight now. */
export function scratchInFlight(): { folders: string[]; children: number[] } {
  return { folders: [...folders], children: [...children].flatMap((child) => (child.pid === undefined ? [] : [child.pid])) };
}

/**
 * Kills every tracked child process and removes every scratch folder, at once (synchronously); from then on, a child
 * process tracked is killed as it is tracked and a scratch folder is refused (ScratchAbandonedError), until
 * `resumeScratch`. A pool thread never resumes: it is terminated next.
 */
export function abandonScratch(): void {
  abandoned = true;
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  folders.clear();
}

/** Takes new work again after `abandonScratch` (a process that goes on: the tests of this module). */
export function resumeScratch(): void {
  abandoned = false;
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
