/**
 * The checks a buyer runs on downloaded files, shared by scripts/verify-download.mjs and the `depai` client
 * (scripts/depai.mjs). Plain Node, no dependencies. The marketplace is trusted for nothing it cannot prove:
 *
 *   leaf     = UTF-8 "dsv1|<datasetId>|<version>|<captureId>|<sha256>|<sizeBytes>|<path>"
 *   leafHash = SHA256(0x00 || SHA256(leaf));  node = SHA256(0x01 || min(a, b) || max(a, b))
 *
 * The leaf is rebuilt here from the manifest entry and the locally measured hash and size (a server's `leaf` is
 * ignored); the expected root is read from the anchor memo `mkt:v1:anchor:<datasetId>:<version>:<rootHex>` on the
 * chain: with an RPC URL straight from the cluster (getTransaction, jsonParsed), otherwise through
 * GET /v1/chain/memos/:signature (the only way to read the service's embedded ledger).
 */
// @ts-check
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * What the marketplace answers, as far as these checks read it; every value is checked before it is trusted.
 * @typedef {{ path: string, captureId: string, sha256: string, sizeBytes: number }} ManifestFile
 * @typedef {{ datasetId: string, version: number, merkleRoot: string, files?: ManifestFile[] }} Manifest
 * @typedef {{ status: string, signature: string | null, cluster: string, slot: number | null }} Anchor
 * @typedef {{ versions?: { version: number, anchor: Anchor | null }[] }} Provenance
 * @typedef {{ proof?: unknown }} ProofAnswer
 * @typedef {{ program?: string, parsed?: unknown }} ParsedInstruction
 * @typedef {{ error?: { code: number, message: string },
 *   result?: { meta?: { err: unknown }, transaction: { message: { instructions: ParsedInstruction[] } } } | null }} RpcAnswer
 * @typedef {(ok: boolean, message: string) => boolean} Report
 */

const MEMO = /^mkt:v1:anchor:([A-Za-z0-9_-]{1,64}):([1-9][0-9]{0,15}):([0-9a-f]{64})$/;
const HEX32 = /^[0-9a-f]{64}$/;

/** @param {unknown} error */
export function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** An HTTP answer that is not 2xx, with its status kept for callers that treat some (404) as expected. */
export class HttpError extends Error {
  /** @param {string} message @param {number} status */
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/**
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<unknown>}
 */
export async function getJson(url, init) {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new HttpError(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 300)}`, response.status);
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
export function foldProof(leaf, proof) {
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
export function hashFile(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let size = 0;
    createReadStream(path, { highWaterMark: 1 << 20 })
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

/**
 * Where one dataset version's checks read from.
 * @typedef {{ api: string, dataset: string, version: number, rpc?: string, headers?: Record<string, string> }} VersionSource
 */

/** @param {VersionSource} source */
const versionUrl = ({ api, dataset, version }) => `${api.replace(/\/+$/, '')}/v1/datasets/${encodeURIComponent(dataset)}/versions/${version}`;

/**
 * The version's manifest, reported as one check; null when it cannot be read.
 * @param {VersionSource} source
 * @param {Report} report
 * @returns {Promise<Manifest | null>}
 */
export async function readManifest(source, report) {
  /** @type {Manifest} */
  let manifest;
  try {
    manifest = /** @type {Manifest} */ (await getJson(`${versionUrl(source)}/manifest`, { headers: source.headers }));
  } catch (error) {
    report(false, `manifest: ${messageOf(error)}`);
    return null;
  }
  report(
    manifest.datasetId === source.dataset && manifest.version === source.version && Array.isArray(manifest.files),
    `manifest: dataset ${manifest.datasetId} version ${manifest.version}, ${manifest.files?.length ?? 0} files, root ${manifest.merkleRoot}`,
  );
  return manifest;
}

/**
 * The root anchored on-chain for the version, from its memo; each step is reported. Null when there is none that
 * names this dataset and version.
 * @param {VersionSource} source
 * @param {Manifest} manifest
 * @param {Report} report
 * @returns {Promise<string | null>}
 */
export async function readAnchoredRoot(source, manifest, report) {
  const { api, dataset, version, rpc, headers } = source;
  const base = api.replace(/\/+$/, '');
  try {
    const provenance = /** @type {Provenance} */ (await getJson(`${base}/v1/datasets/${encodeURIComponent(dataset)}/provenance`, { headers }));
    const anchor = provenance.versions?.find((entry) => entry.version === version)?.anchor;
    if (!anchor || anchor.status !== 'confirmed' || !anchor.signature) {
      throw new Error(`version ${version} has no confirmed on-chain anchor yet (status: ${anchor?.status ?? 'none'})`);
    }
    report(true, `anchor: confirmed on ${anchor.cluster}, transaction ${anchor.signature} (slot ${anchor.slot})`);
    const memo = rpc
      ? await memoFromCluster(rpc, anchor.signature)
      : /** @type {{ memo: string }} */ (await getJson(`${base}/v1/chain/memos/${encodeURIComponent(anchor.signature)}`, { headers })).memo;
    report(true, `memo read from ${rpc ? `the cluster at ${rpc}` : 'the marketplace API'}: ${memo}`);
    const parsed = MEMO.exec(memo);
    if (!report(parsed !== null, `memo is an anchor record (mkt:v1:anchor:<datasetId>:<version>:<root>)`) || !parsed) return null;
    const [, memoDataset, memoVersion, memoRoot] = parsed;
    const right = memoDataset === dataset && Number(memoVersion) === version;
    report(right, `memo names dataset ${memoDataset} version ${memoVersion}${right ? '' : `, expected dataset ${dataset} version ${version}`}`);
    report(
      memoRoot === manifest.merkleRoot,
      `memo root ${memoRoot} ${memoRoot === manifest.merkleRoot ? 'equals' : 'differs from'} the manifest root`,
    );
    return right ? memoRoot : null;
  } catch (error) {
    report(false, `anchor: ${messageOf(error)}`);
    return null;
  }
}

/**
 * Checks one manifest entry's Merkle proof, with the leaf built from what was measured locally, against the anchored
 * root. `label` names the file in the report.
 * @param {VersionSource} source
 * @param {ManifestFile} entry
 * @param {{ sha256: string, size: number }} local
 * @param {string | null} anchoredRoot
 * @param {string} label
 * @param {Report} report
 */
export async function verifyProof(source, entry, local, anchoredRoot, label, report) {
  try {
    const proof = /** @type {ProofAnswer} */ (
      await getJson(`${versionUrl(source)}/proof?path=${encodeURIComponent(entry.path)}`, { headers: source.headers })
    );
    if (!Array.isArray(proof.proof)) throw new Error('the proof response has no proof array');
    // Built here from what was measured, never taken from the server's `leaf`.
    const leaf = ['dsv1', source.dataset, String(source.version), entry.captureId, local.sha256, String(local.size), entry.path].join('|');
    const root = foldProof(leaf, proof.proof);
    const ok = anchoredRoot !== null && root === anchoredRoot;
    return report(
      ok,
      `${label}: Merkle proof (${proof.proof.length} siblings) folds to ${root}, ${anchoredRoot === null ? 'but there is no anchored root to compare with' : ok ? 'the anchored root' : `not the anchored root ${anchoredRoot}`}`,
    );
  } catch (error) {
    return report(false, `${label}: proof: ${messageOf(error)}`);
  }
}
