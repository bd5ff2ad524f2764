#!/usr/bin/env node
/**
 * Verifies downloaded files of a dataset version against the Merkle root anchored on Solana, trusting the
 * marketplace for nothing it cannot prove. Plain Node 20, no dependencies.
 *
 *   node scripts/verify-download.mjs --api http://localhost:3000 --dataset <id> --version <n> [--rpc <solana rpc url>] <file>...
 *
 * For each file it computes the SHA-256 and size while streaming the bytes, finds the manifest entry with that
 * hash and size (GET /v1/datasets/:id/versions/:version/manifest), fetches the entry's Merkle proof
 * (GET .../proof?path=), rebuilds the leaf itself from the entry and the locally computed hash and size (the
 * server's `leaf` is ignored), and folds the proof to a root:
 *
 *   leaf     = UTF-8 "dsv1|<datasetId>|<version>|<captureId>|<sha256>|<sizeBytes>|<path>"
 *   leafHash = SHA256(0x00 || SHA256(leaf));  node = SHA256(0x01 || min(a, b) || max(a, b))
 *
 * The expected root comes from the chain: the anchor's transaction signature is taken from
 * GET /v1/datasets/:id/provenance, and its memo `mkt:v1:anchor:<datasetId>:<version>:<rootHex>` is read with
 * --rpc straight from the cluster (JSON-RPC getTransaction, jsonParsed, the spl-memo instruction), otherwise from
 * GET /v1/chain/memos/:signature (the only way to read the service's embedded ledger). The memo must name this
 * dataset and version. Give --rpc whenever the service anchors on a real cluster: then the root does not depend
 * on the marketplace at all.
 *
 * The checks themselves live in scripts/download-verification.mjs (shared with the `depai pull` client).
 *
 * Prints one line per check and exits 0 only when every check passes, 1 otherwise.
 */
// @ts-check
import { parseArgs } from 'node:util';
import { hashFile, messageOf, readAnchoredRoot, readManifest, verifyProof } from './download-verification.mjs';

const USAGE = 'usage: node scripts/verify-download.mjs --api <marketplace URL> --dataset <id> --version <n> [--rpc <solana rpc url>] <file>...';

let failures = 0;
let passes = 0;
/** @param {boolean} ok @param {string} message */
function report(ok, message) {
  if (ok) passes += 1;
  else failures += 1;
  console.log(`${ok ? 'OK  ' : 'FAIL'} ${message}`);
  return ok;
}

function finish() {
  console.log(failures === 0 ? `RESULT: OK (${passes} checks passed)` : `RESULT: FAIL (${failures} of ${passes + failures} checks failed)`);
  process.exit(failures === 0 ? 0 : 1);
}

function options() {
  try {
    const { values, positionals } = parseArgs({
      options: {
        api: { type: 'string' },
        dataset: { type: 'string' },
        version: { type: 'string' },
        rpc: { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (!values.api || !values.dataset || !values.version || positionals.length === 0 || !/^[1-9][0-9]{0,15}$/.test(values.version)) {
      throw new Error('--api, --dataset, a positive --version and at least one file are required');
    }
    return { api: values.api, dataset: values.dataset, rpc: values.rpc, version: Number(values.version), files: positionals };
  } catch (error) {
    console.error(`${messageOf(error)}\n${USAGE}`);
    process.exit(1);
  }
}

async function main() {
  const { files, ...source } = options();
  const manifest = await readManifest(source, report);
  if (!manifest) {
    finish();
    return;
  }
  const anchoredRoot = await readAnchoredRoot(source, manifest, report);
  for (const file of files) {
    let local;
    try {
      local = await hashFile(file);
    } catch (error) {
      const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : messageOf(error);
      report(false, `${file}: cannot read (${code})`);
      continue;
    }
    const entry = (manifest.files ?? []).find((candidate) => candidate.sha256 === local.sha256 && candidate.sizeBytes === local.size);
    if (!entry) {
      report(false, `${file}: sha256 ${local.sha256}, ${local.size} bytes match no manifest entry`);
      continue;
    }
    report(true, `${file}: sha256 ${local.sha256}, ${local.size} bytes = manifest entry "${entry.path}"`);
    await verifyProof(source, entry, local, anchoredRoot, file, report);
  }
  finish();
}

main().catch((/** @type {unknown} */ error) => {
  report(false, `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  finish();
});
