/**
 * npm run bench:verify [-- sizeMiB]
 * Verification (SHA-256 + sniff + describe, one pass through the object store port) against `openssl dgst -sha256`
 * on the same file, side by side, best of five each. Target: >= 90% of OpenSSL's throughput.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyStoredObject } from '../src/ingestion/capture-verifier.js';
import { LocalObjectUrlService } from '../src/storage/local-object-url.service.js';
import { LocalStorage } from '../src/storage/local.storage.js';
import { lasHeader, mb, mib, writeFile } from './bench-files.js';

const sizeBytes = Number(process.argv[2] ?? 1024) * (1 << 20);
const dataDir = mkdtempSync(join(tmpdir(), 'mkt-bench-'));

async function best(runs: number, fn: () => unknown): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await fn();
    fastest = Math.min(fastest, (performance.now() - started) / 1000);
  }
  return fastest;
}

async function main(): Promise<void> {
  const storage = new LocalStorage(dataDir, new LocalObjectUrlService('bench-secret-bench-secret-bench-secret', 'http://localhost'));
  const key = 'bench/cloud.las';
  mkdirSync(join(dataDir, 'objects', 'bench'), { recursive: true });
  const path = join(dataDir, 'objects', key);
  await writeFile(path, sizeBytes, lasHeader(sizeBytes));

  const openssl = () => execFileSync('openssl', ['dgst', '-sha256', '-r', path], { encoding: 'utf8' }).split(' ')[0];
  const sha256 = openssl();
  const opensslSeconds = await best(5, openssl);
  let outcome: Awaited<ReturnType<typeof verifyStoredObject>> | undefined;
  const verifySeconds = await best(5, async () => {
    outcome = await verifyStoredObject(storage, key, { sizeBytes, sha256 });
  });
  if (!outcome?.ok) throw new Error(`verification failed: ${JSON.stringify(outcome)}`);

  const opensslRate = mb(sizeBytes) / opensslSeconds;
  const verifyRate = mb(sizeBytes) / verifySeconds;
  console.log(`file: ${mib(sizeBytes).toFixed(0)} MiB LAS (${outcome.probe.format}, ${String(outcome.probe.metadata.pointCount ?? '?')} points)`);
  console.log(`openssl dgst -sha256:        ${opensslSeconds.toFixed(3)} s  ${opensslRate.toFixed(0)} MB/s`);
  console.log(`verify (hash+sniff+probe):   ${verifySeconds.toFixed(3)} s  ${verifyRate.toFixed(0)} MB/s`);
  console.log(`ratio: ${((verifyRate / opensslRate) * 100).toFixed(1)}% of openssl (target >= 90%)`);
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dataDir, { recursive: true, force: true }));
