// Checks a revenue-split proof in the browser, the way scripts/verify-split.mjs does on the command line: read the
// memo of the transaction back from the chain, check that it records the leaf's split, fold the proof with SHA-256
// (leaf = H(0x00 || H(leaf)), node = H(0x01 || min(a, b) || max(a, b))) and compare with the root in the memo.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { api } from './api.js';
import { errorMessage } from './ui.js';
/** @import { ChainMemo, Earning } from '../../types/api' */

const SPLIT_MEMO = /^mkt:v1:split:([A-Za-z0-9_-]{1,64}):([0-9a-f]{64})$/;
const SPLIT_LEAF = /^spl1\|([A-Za-z0-9_-]{1,64})\|([A-Za-z0-9_-]{1,64})\|(platform|curator|contributor)\|(USD|USDC)\|(0|[1-9][0-9]{0,29})$/;
const HEX64 = /^[0-9a-f]{64}$/;
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/**
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 */
function compareBytes(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * Folds a leaf string and its sibling hashes (hex) up to a root; answers the root as hex.
 * @param {string} leaf
 * @param {readonly string[]} proof
 */
export function foldProof(leaf, proof) {
  let node = sha256(concatBytes(LEAF_PREFIX, sha256(utf8ToBytes(leaf))));
  for (const hex of proof) {
    if (!HEX64.test(hex)) throw new Error(`proof element ${hex} is not 64 lowercase hex`);
    const sibling = hexToBytes(hex);
    node = compareBytes(node, sibling) <= 0 ? sha256(concatBytes(NODE_PREFIX, node, sibling)) : sha256(concatBytes(NODE_PREFIX, sibling, node));
  }
  return bytesToHex(node);
}

/** @typedef {{ ok: true, root: string, message: string } | { ok: false, reason: string }} Verification */

/**
 * Verifies one earning of the user whose payee names are `payees` (their wallet and their user id).
 * @param {Earning} earning
 * @param {readonly string[]} payees
 * @param {(signature: string) => Promise<ChainMemo>} [readMemo]
 * @returns {Promise<Verification>}
 */
export async function verifyEarning(earning, payees, readMemo = (signature) => api(`/v1/chain/memos/${encodeURIComponent(signature)}`)) {
  const leaf = SPLIT_LEAF.exec(earning.leaf);
  if (!leaf) return { ok: false, reason: 'the leaf is not a spl1 split leaf' };
  const [, splitId, payee, role, currency, amount] = leaf;
  // The proof is only worth something if the leaf says what the page shows: this sale, this person, this amount.
  if (splitId !== earning.splitId) return { ok: false, reason: `the leaf belongs to split ${splitId}, not ${earning.splitId}` };
  if (!payees.includes(payee)) return { ok: false, reason: `the leaf pays ${payee}, not you` };
  if (role !== earning.role || currency !== earning.currency || amount !== earning.amount) {
    return { ok: false, reason: `the leaf says ${role} ${amount} ${currency}, the table ${earning.role} ${earning.amount} ${earning.currency}` };
  }
  if (!earning.txSignature) return { ok: false, reason: 'the split is not recorded on-chain yet' };
  let memoText;
  try {
    memoText = (await readMemo(earning.txSignature)).memo;
  } catch (error) {
    return { ok: false, reason: `the memo could not be read from the chain: ${errorMessage(error)}` };
  }
  const memo = SPLIT_MEMO.exec(memoText);
  if (!memo) return { ok: false, reason: `transaction ${earning.txSignature} does not record a split root` };
  if (memo[1] !== splitId) return { ok: false, reason: `the transaction records split ${memo[1]}, the leaf belongs to split ${splitId}` };
  let root;
  try {
    root = foldProof(earning.leaf, earning.proof);
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
  if (root !== memo[2]) return { ok: false, reason: `the proof folds to ${root}, the chain records ${memo[2]}` };
  return { ok: true, root, message: `your leaf is in split ${splitId}, whose root ${root} transaction ${earning.txSignature} records` };
}
