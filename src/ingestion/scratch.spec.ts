import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { abandonScratch, removeScratchDir, removeScratchDirSync, scratchDir, scratchDirSync, scratchInFlight, trackChild } from './scratch.js';

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
});
