/**
 * npm run bench:verify [-- sizeMiB]
 * Verification (SHA-256 + sniff + describe, one pass through the object store port) against `openssl dgst -sha256`
 * on the same file, side by side in alternating rounds. Target: >= 90% of OpenSSL's throughput.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyStoredObject } from '../src/ingestion/capture-verifier.js';
import { LocalObjectUrlService } from '../src/storage/local-object-url.service.js';
import { LocalStorage } from '../src/storage/local.storage.js';
import { lasHeader, mb, mib, writeFile } from './bench-files.js';

const sizeBytes = Number(process.argv[2] ?? 1024) * (1 << 20);
const dataDir = mkdtempSync(join(tmpdir(), 'mkt-bench-'));

const ROUNDS = 7;

async function seconds(fn: () => unknown): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const storage = new LocalStorage(dataDir, new LocalObjectUrlService('bench-secret-bench-secret-bench-secret', 'http://localhost'));
  const key = 'bench/cloud.las';
  mkdirSync(join(dataDir, 'objects', 'bench'), { recursive: true });
  const path = join(dataDir, 'objects', key);
  await writeFile(path, sizeBytes, lasHeader(sizeBytes));

  const openssl = () => execFileSync('openssl', ['dgst', '-sha256', '-r', path], { encoding: 'utf8' }).split(' ')[0];
  const sha256 = openssl();
  const verify = async () => {
    const outcome = await verifyStoredObject(storage, key, { sizeBytes, sha256 });
    if (!outcome.ok) throw new Error(`verification failed: ${JSON.stringify(outcome)}`);
    return outcome;
  };
  const describe = (await verify()).probe;

  // Node's floor on this machine: read the file in 4 MiB chunks and hash them, nothing else.
  const bareNode = async () => {
    const handle = await open(path);
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(4 << 20);
    for (let position = 0; ;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    await handle.close();
    return hash.digest('hex');
  };

  // Alternate the contenders so that drift in the machine's speed (a shared VM) affects them alike.
  const rounds: { openssl: number; verify: number; bare: number }[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    rounds.push({ openssl: await seconds(openssl), verify: await seconds(verify), bare: await seconds(bareNode) });
  }
  const rate = (s: number) => mb(sizeBytes) / s;
  const ratios = rounds.map((round) => round.openssl / round.verify).sort((a, b) => a - b);
  const bestOpenssl = Math.min(...rounds.map((round) => round.openssl));
  const bestVerify = Math.min(...rounds.map((round) => round.verify));

  console.log(
    `file: ${mib(sizeBytes).toFixed(0)} MiB LAS (${describe.format}, ${describe.counts?.points ?? '?'} points), ${ROUNDS} alternating rounds`,
  );
  console.log(`openssl dgst -sha256:        best ${bestOpenssl.toFixed(3)} s  ${rate(bestOpenssl).toFixed(0)} MB/s`);
  console.log(`verify (hash+sniff+probe):   best ${bestVerify.toFixed(3)} s  ${rate(bestVerify).toFixed(0)} MB/s`);
  const bestBare = Math.min(...rounds.map((round) => round.bare));
  console.log(`node read+sha256 loop:       best ${bestBare.toFixed(3)} s  ${rate(bestBare).toFixed(0)} MB/s (Node's floor here)`);
  console.log(`ratio of bests: ${((bestOpenssl / bestVerify) * 100).toFixed(1)}% of openssl (target >= 90%)`);
  console.log(
    `ratio per round: median ${(ratios[Math.floor(ratios.length / 2)] * 100).toFixed(1)}%, min ${(ratios[0] * 100).toFixed(1)}%, max ${(ratios[ratios.length - 1] * 100).toFixed(1)}%`,
  );
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });
