import { afterEach, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load-config.js';
import { CaptureVerificationService } from './capture-verification.service.js';

let dataDir: string | undefined;
afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('starts no thread for a task that comes after shutdown: the task fails as the closed pool does', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'verification-'));
  const service = new CaptureVerificationService(loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir }));
  await service.onModuleDestroy();
  // Before, the pool was made by the first task, so a task after shutdown made a new one and started a thread in it.
  await expect(service.hash('captures/late')).rejects.toThrow('The worker pool is closed');
  await expect(service.verify('captures/late', { sizeBytes: 1, sha256: '0'.repeat(64) })).rejects.toThrow('The worker pool is closed');
});
