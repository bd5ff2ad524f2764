import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { sweepDeadScratch } from '../scratch.js';

/**
 * At start-up, removes the scratch folders that processes of this host killed outright (SIGKILL, the OOM killer) left
 * behind: a capture's copy for ffmpeg or SQLite, ffmpeg's output (see ../scratch.ts). In the background: start-up does
 * not wait for it, and a failure is logged, not fatal.
 */
@Injectable()
export class ScratchSweepService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ScratchSweepService.name);

  onApplicationBootstrap(): void {
    void this.sweep();
  }

  /** Sweeps once; answers the process folders removed (none when the sweep failed, which it logs). */
  async sweep(): Promise<string[]> {
    try {
      const removed = await sweepDeadScratch();
      if (removed.length > 0)
        this.logger.log(`removed the scratch folders of ${String(removed.length)} process(es) that had ended: ${removed.join(', ')}`);
      return removed;
    } catch (error) {
      this.logger.warn(`sweeping scratch folders of ended processes failed: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }
}
