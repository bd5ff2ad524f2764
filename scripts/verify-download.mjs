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
 * Prints one line per check and exits 0 only when every check passes, 1 otherwise.
 */
// @ts-check
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';

/**
 * What the marketplace answers, as far as this script reads it; every value is checked before it is trusted.
 * @typedef {{ path: string, captureId: string, sha256: string, sizeBytes: number }} ManifestFile
 * @typedef {{ datasetId: string, version: number, merkleRoot: string, files?: ManifestFile[] }} Manifest
 * @typedef {{ status: string, signature: string | null, cluster: string, slot: number | null }} Anchor
 * @typedef {{ versions?: { version: number, anchor: Anchor | null }[] }} Provenance
 * @typedef {{ proof?: unknown }} ProofAnswer
 * @typedef {{ program?: string, parsed?: unknown }} ParsedInstruction
 * @typedef {{ error?: { code: number, message: string },
 *   result?: { meta?: { err: unknown }, transaction: { message: { instructions: ParsedInstruction[] } } } | null }} RpcAnswer
 */

const USAGE = 'usage: node scripts/verify-download.mjs --api <marketplace URL> --dataset <id> --version <n> [--rpc <solana rpc url>] <file>...';
const MEMO = /^mkt:v1:anchor:([A-Za-z0-9_-]{1,64}):([1-9][0-9]{0,15}):([0-9a-f]{64})$/;
const HEX32 = /^[0-9a-f]{64}$/;

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

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/**
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<unknown>}
 */
async function getJson(url, init) {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  /** @type {unknown} */
  const value = JSON.parse(text);
  return value;
}

/** @param {...Uint8Array} parts */
const sha256 = (...parts) => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();

/**
 * Folds a proof (sibling hashes, bottom-up, hex) over the leaf's hash; answers the root as hex.
 * @param {string} leaf
 * @param {unknown[]} proof
 */
function foldProof(leaf, proof) {
  let node = sha256(Buffer.from([0x00]), sha256(Buffer.from(leaf, 'utf8')));
  for (const hex of proof) {
    if (typeof hex !== 'string' || !HEX32.test(hex)) throw new Error(`proof element ${JSON.stringify(hex)} is not 64 lowercase hex`);
    const sibling = Buffer.from(hex, 'hex');
    const [lo, hi] = Buffer.compare(node, sibling) <= 0 ? [node, sibling] : [sibling, node];
    node = sha256(Buffer.from([0x01]), lo, hi);
  }
  return node.toString('hex');
}

/**
 * SHA-256 and size of a file, read once as a stream.
 * @param {string} path
 * @returns {Promise<{ sha256: string, size: number }>}
 */
function hashFile(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let size = 0;
    createReadStream(path)
      .on('data', (chunk) => {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.length;
        hash.update(bytes);
      })
      .on('error', reject)
      .on('end', () => {
        resolve({ sha256: hash.digest('hex'), size });
      });
  });
}

/**
 * The memo of a successful transaction, read from the cluster (jsonParsed: the spl-memo instruction's `parsed`).
 * @param {string} rpcUrl
 * @param {string} signature
 * @returns {Promise<string>}
 */
async function memoFromCluster(rpcUrl, signature) {
  const body = {
    jsonrpc: '2.0',
    id: 1,
    method: 'getTransaction',
    params: [signature, { encoding: 'jsonParsed', maxSupportedTransactionVersion: 0, commitment: 'confirmed' }],
  };
  const answer = /** @type {RpcAnswer} */ (
    await getJson(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  );
  if (answer.error) throw new Error(`the cluster answered error ${answer.error.code}: ${answer.error.message}`);
  const tx = answer.result;
  if (!tx) throw new Error(`the cluster has no transaction ${signature}`);
  if (tx.meta?.err) throw new Error(`transaction ${signature} failed on-chain: ${JSON.stringify(tx.meta.err)}`);
  const memo = tx.transaction.message.instructions.find((ix) => ix.program === 'spl-memo');
  if (!memo || typeof memo.parsed !== 'string') throw new Error(`transaction ${signature} has no memo instruction`);
  return memo.parsed;
}

async function main() {
  const { api, dataset, version, rpc, files } = options();
  const base = api.replace(/\/+$/, '');
  const versionUrl = `${base}/v1/datasets/${encodeURIComponent(dataset)}/versions/${version}`;

  /** @type {Manifest} */
  let manifest;
  try {
    manifest = /** @type {Manifest} */ (await getJson(`${versionUrl}/manifest`));
  } catch (error) {
    report(false, `manifest: ${messageOf(error)}`);
    finish();
    return;
  }
  report(
    manifest.datasetId === dataset && manifest.version === version && Array.isArray(manifest.files),
    `manifest: dataset ${manifest.datasetId} version ${manifest.version}, ${manifest.files?.length ?? 0} files, root ${manifest.merkleRoot}`,
  );

  // The anchored root, from the memo on the chain.
  /** @type {string | null} */
  let anchoredRoot = null;
  try {
    const provenance = /** @type {Provenance} */ (await getJson(`${base}/v1/datasets/${encodeURIComponent(dataset)}/provenance`));
    const anchor = provenance.versions?.find((entry) => entry.version === version)?.anchor;
    if (!anchor || anchor.status !== 'confirmed' || !anchor.signature) {
      throw new Error(`version ${version} has no confirmed on-chain anchor yet (status: ${anchor?.status ?? 'none'})`);
    }
    report(true, `anchor: confirmed on ${anchor.cluster}, transaction ${anchor.signature} (slot ${anchor.slot})`);
    const memo = rpc
      ? await memoFromCluster(rpc, anchor.signature)
      : /** @type {{ memo: string }} */ (await getJson(`${base}/v1/chain/memos/${encodeURIComponent(anchor.signature)}`)).memo;
    report(true, `memo read from ${rpc ? `the cluster at ${rpc}` : 'the marketplace API'}: ${memo}`);
    const parsed = MEMO.exec(memo);
    if (report(parsed !== null, `memo is an anchor record (mkt:v1:anchor:<datasetId>:<version>:<root>)`) && parsed) {
      const [, memoDataset, memoVersion, memoRoot] = parsed;
      const right = memoDataset === dataset && Number(memoVersion) === version;
      report(right, `memo names dataset ${memoDataset} version ${memoVersion}${right ? '' : `, expected dataset ${dataset} version ${version}`}`);
      report(
        memoRoot === manifest.merkleRoot,
        `memo root ${memoRoot} ${memoRoot === manifest.merkleRoot ? 'equals' : 'differs from'} the manifest root`,
      );
      if (right) anchoredRoot = memoRoot;
    }
  } catch (error) {
    report(false, `anchor: ${messageOf(error)}`);
  }

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
    try {
      const proof = /** @type {ProofAnswer} */ (await getJson(`${versionUrl}/proof?path=${encodeURIComponent(entry.path)}`));
      if (!Array.isArray(proof.proof)) throw new Error('the proof response has no proof array');
      // Built here from what was measured, never taken from the server's `leaf`.
      const leaf = ['dsv1', dataset, String(version), entry.captureId, local.sha256, String(local.size), entry.path].join('|');
      const root = foldProof(leaf, proof.proof);
      const ok = anchoredRoot !== null && root === anchoredRoot;
      report(
        ok,
        `${file}: Merkle proof (${proof.proof.length} siblings) folds to ${root}, ${anchoredRoot === null ? 'but there is no anchored root to compare with' : ok ? 'the anchored root' : `not the anchored root ${anchoredRoot}`}`,
      );
    } catch (error) {
      report(false, `${file}: proof: ${messageOf(error)}`);
    }
  }
  finish();
}

main().catch((/** @type {unknown} */ error) => {
  report(false, `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  finish();
});
