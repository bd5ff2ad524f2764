#!/usr/bin/env node
/**
 * Checks a contributor's revenue-split proof against the split root recorded on Solana. Plain Node 20, no dependencies.
 *
 *   node scripts/verify-split.mjs --signature <tx> --leaf '<spl1 leaf>' --proof <hex>,<hex>,... (--api <url> | --rpc <url>)
 *
 * Take --leaf, --proof and --signature from GET /v1/me/earnings or GET /v1/splits/:splitId/proof (fields leaf, proof,
 * txSignature). Check that the leaf says what you expect: `spl1|<splitId>|<your wallet or user id>|contributor|<USD|USDC>|<amount>`.
 * The root is read from the memo of the transaction `mkt:v1:split:<splitId>:<rootHex>`: with --rpc straight from the
 * cluster (JSON-RPC getTransaction, jsonParsed), else from the marketplace's GET /v1/chain/memos/:signature (the only
 * window onto its embedded ledger). The memo must name the leaf's split. Then
 *
 *   leafHash = SHA256(0x00 || SHA256(leaf));  node = SHA256(0x01 || min(a, b) || max(a, b)) for each sibling
 *
 * must end at the root. Prints OK and exits 0, or prints FAIL and exits 1.
 */
// @ts-check
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';

/**
 * @typedef {{ program?: string, parsed?: unknown }} ParsedInstruction
 * @typedef {{ result?: { meta?: { err: unknown }, transaction: { message: { instructions: ParsedInstruction[] } } } | null }} RpcAnswer
 */

/** @param {...Uint8Array} parts */
const sha256 = (...parts) => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();
const SPLIT_MEMO = /^mkt:v1:split:([A-Za-z0-9_-]{1,64}):([0-9a-f]{64})$/;
const SPLIT_LEAF = /^spl1\|([A-Za-z0-9_-]{1,64})\|[A-Za-z0-9_-]{1,64}\|(platform|curator|contributor)\|(USD|USDC)\|(0|[1-9][0-9]{0,29})$/;

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.log(`FAIL ${message}`);
  process.exit(1);
}

/**
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<unknown>}
 */
async function json(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) fail(`${url} answered ${response.status}: ${await response.text()}`);
  /** @type {unknown} */
  const value = await response.json();
  return value;
}

/**
 * @param {string} signature
 * @param {{ api?: string, rpc?: string }} where
 * @returns {Promise<string>}
 */
async function memoOf(signature, { api, rpc }) {
  if (!rpc) {
    const { memo } = /** @type {{ memo?: unknown }} */ (
      await json(`${(api ?? '').replace(/\/+$/, '')}/v1/chain/memos/${encodeURIComponent(signature)}`)
    );
    return typeof memo === 'string' ? memo : fail(`the marketplace has no memo for ${signature}`);
  }
  const body = {
    jsonrpc: '2.0',
    id: 1,
    method: 'getTransaction',
    params: [signature, { encoding: 'jsonParsed', maxSupportedTransactionVersion: 0, commitment: 'confirmed' }],
  };
  const { result } = /** @type {RpcAnswer} */ (
    await json(rpc, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  );
  if (!result || result.meta?.err) fail(`the cluster has no successful transaction ${signature}`);
  const memo = result.transaction.message.instructions.find((ix) => ix.program === 'spl-memo');
  return typeof memo?.parsed === 'string' ? memo.parsed : fail(`transaction ${signature} has no memo`);
}

const { values } = parseArgs({
  options: {
    api: { type: 'string' },
    rpc: { type: 'string' },
    signature: { type: 'string' },
    leaf: { type: 'string' },
    proof: { type: 'string', default: '' },
  },
});
if (!values.signature || !values.leaf || (!values.api && !values.rpc)) {
  fail("usage: node scripts/verify-split.mjs --signature <tx> --leaf '<spl1 leaf>' --proof <hex>,... (--api <url> | --rpc <url>)");
}
const leaf = SPLIT_LEAF.exec(values.leaf) ?? fail('the leaf is not a spl1 split leaf');
const memo = SPLIT_MEMO.exec(await memoOf(values.signature, values)) ?? fail(`transaction ${values.signature} does not record a split root`);
if (memo[1] !== leaf[1]) fail(`the transaction records split ${memo[1]}, the leaf belongs to split ${leaf[1]}`);
let node = sha256(Buffer.from([0x00]), sha256(Buffer.from(values.leaf, 'utf8')));
for (const hex of values.proof.split(',').filter(Boolean)) {
  if (!/^[0-9a-f]{64}$/.test(hex)) fail(`proof element ${hex} is not 64 lowercase hex`);
  const sibling = Buffer.from(hex, 'hex');
  node = Buffer.compare(node, sibling) <= 0 ? sha256(Buffer.from([0x01]), node, sibling) : sha256(Buffer.from([0x01]), sibling, node);
}
if (node.toString('hex') !== memo[2]) fail(`the proof folds to ${node.toString('hex')}, the chain records ${memo[2]}`);
console.log(`OK the leaf is in split ${memo[1]}, whose root ${memo[2]} transaction ${values.signature} records`);
