import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  abandonScratch,
  processScratchDir,
  removeScratchDir,
  removeScratchDirSync,
  resumeScratch,
  SCRATCH_ROOT,
  ScratchAbandonedError,
  scratchDir,
  scratchDirSync,
  scratchInFlight,
  sweepDeadScratch,
  trackChild,
} from './scratch.js';

/** Resolves with how `child` ended. */
const ended = (child: ReturnType<typeof spawn>) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });

describe('scratch: temporary folders and child processes of work in flight', () => {
  afterEach(() => {
    abandonScratch();
    resumeScratch();
  });

  it('kills the tracked children and removes the folders when the work is abandoned', async () => {
    const folder = await scratchDir('scratch-spec-');
    const syncFolder = scratchDirSync('scratch-spec-');
    writeFileSync(join(folder, 'capture'), 'bytes');
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    trackChild(child);
    const end = ended(child);
    expect(scratchInFlight()).toEqual({ folders: [folder, syncFolder], children: [child.pid] });

    abandonScratch();
    expect(await end).toEqual({ code: null, signal: 'SIGKILL' });
    expect([existsSync(folder), existsSync(syncFolder)]).toEqual([false, false]);
    expect(scratchInFlight()).toEqual({ folders: [], children: [] });
  });

  it('once the work is abandoned, kills a child as it is tracked and refuses new folders, until resumed', async () => {
    abandonScratch();
    // What a task does between its thread's stop request and the thread's end: its next step starts another ffmpeg.
    const late = spawn('sleep', ['60'], { stdio: 'ignore' });
    const end = ended(late);
    trackChild(late);
    expect(await end).toEqual({ code: null, signal: 'SIGKILL' });
    await expect(scratchDir('scratch-spec-')).rejects.toBeInstanceOf(ScratchAbandonedError);
    expect(() => scratchDirSync('scratch-spec-')).toThrow(ScratchAbandonedError);
    expect(scratchInFlight()).toEqual({ folders: [], children: [] });

    resumeScratch();
    const folder = await scratchDir('scratch-spec-');
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    trackChild(child);
    expect(scratchInFlight()).toEqual({ folders: [folder], children: [child.pid] });
    expect(child.killed).toBe(false);
  });

  it('forgets a folder once removed and a child once it has exited', async () => {
    const folder = await scratchDir('scratch-spec-');
    const syncFolder = scratchDirSync('scratch-spec-');
    const child = spawn('true', { stdio: 'ignore' });
    trackChild(child);
    expect((await ended(child)).code).toBe(0);
    await removeScratchDir(folder);
    removeScratchDirSync(syncFolder);
    expect(existsSync(folder)).toBe(false);
    expect(scratchInFlight()).toEqual({ folders: [], children: [] });
  });

  it("makes its folders in this process's own folder under the scratch root", async () => {
    const folder = await scratchDir('scratch-spec-');
    expect(dirname(folder)).toBe(processScratchDir());
    expect(processScratchDir()).toBe(join(SCRATCH_ROOT, `${hostname()}.${String(process.pid)}`));
    expect(dirname(scratchDirSync('scratch-spec-'))).toBe(processScratchDir());
  });
});

describe('sweepDeadScratch: the folders of processes killed before they could clean up', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'scratch-sweep-spec-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  /** A shell that makes its scratch folder under `root` as this module names it (with a file in it), then waits. */
  const worker = async () => {
    const child = spawn(
      'sh',
      [
        '-c',
        'mkdir -p "$1/$2.$$/preview-abc123" && head -c 65536 /dev/zero > "$1/$2.$$/preview-abc123/capture" && echo ok && exec sleep 60',
        'sh',
        root,
        hostname(),
      ],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    await new Promise((resolve) => child.stdout.once('data', resolve));
    return { child, folder: join(root, `${hostname()}.${String(child.pid)}`) };
  };

  it("removes the folder of a process killed mid-work, and leaves a live one's alone", async () => {
    const killed = await worker();
    const running = await worker();
    const killedEnd = ended(killed.child);
    expect(await sweepDeadScratch(root)).toEqual([]);
    expect(existsSync(join(killed.folder, 'preview-abc123', 'capture'))).toBe(true);

    killed.child.kill('SIGKILL');
    expect((await killedEnd).signal).toBe('SIGKILL');
    expect(await sweepDeadScratch(root)).toEqual([killed.folder]);
    expect(existsSync(killed.folder)).toBe(false);
    expect(existsSync(join(running.folder, 'preview-abc123', 'capture'))).toBe(true);

    const runningEnd = ended(running.child);
    running.child.kill('SIGKILL');
    await runningEnd;
    expect(await sweepDeadScratch(root)).toEqual([running.folder]);
    expect(readdirSync(root)).toEqual([]);
  });

  it("leaves alone its own folder, other hosts' folders and anything not named <host>.<pid>", async () => {
    const gone = spawn('true');
    await ended(gone);
    const deadPid = String(gone.pid);
    const kept = [
      `${hostname()}.${String(process.pid)}`,
      `another-host.${deadPid}`,
      `${hostname()}x.${deadPid}`,
      `${hostname()}.${deadPid}.1`,
      `${hostname()}.0${deadPid}`,
      `${hostname()}.`,
      'notes',
    ];
    for (const name of [...kept, `${hostname()}.${deadPid}`]) mkdirSync(join(root, name, 'preview-x'), { recursive: true });
    expect(await sweepDeadScratch(root)).toEqual([join(root, `${hostname()}.${deadPid}`)]);
    expect(readdirSync(root).sort()).toEqual([...kept].sort());
  });

  it('finds nothing to do where no process has made a scratch folder yet', async () => {
    expect(await sweepDeadScratch(join(root, 'never-made'))).toEqual([]);
  });
});
