import {
  AccountRole,
  type Address,
  type Blockhash,
  type Instruction,
  type TransactionSigner,
  type AddressesByLookupTableAddress,
  appendTransactionMessageInstructions,
  compileTransaction,
  compressTransactionMessageUsingAddressLookupTables,
  createTransactionMessage,
  getAddressDecoder,
  getTransactionEncoder,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
} from '@solana/kit';
import { getAddMemoInstruction } from '@solana-program/memo';
import { getTransferInstruction } from '@solana-program/token';

/** A Solana transaction on the wire, signatures included, is at most this long. */
export const MAX_TRANSACTION_BYTES = 1232;

/** One payment of a batch: `amount` base units to the owner `to` (its associated token account must exist). */
export interface UsdcTransfer {
  to: Address;
  amount: bigint;
}

/** A transfer with its token accounts already derived. */
export interface PlannedTransfer {
  source: Address;
  destination: Address;
  amount: bigint;
}

/**
 * The instructions of one batched payout: the memo first (long transactions truncate logs), then one plain SPL Token
 * `Transfer` per payee (3 accounts, 9 data bytes: smaller than TransferChecked, which also names the mint). The
 * reference rides read-only on the first transfer, as Solana Pay does; the Token program ignores extra accounts when
 * the authority is not a multisig.
 */
export function usdcBatchInstructions(
  authority: TransactionSigner,
  transfers: readonly PlannedTransfer[],
  options: { memo?: string; reference?: Address } = {},
): Instruction[] {
  const instructions: Instruction[] = options.memo === undefined ? [] : [getAddMemoInstruction({ memo: options.memo })];
  transfers.forEach(({ source, destination, amount }, index) => {
    const transfer = getTransferInstruction({ source, destination, authority, amount });
    instructions.push(
      index === 0 && options.reference
        ? { ...transfer, accounts: [...transfer.accounts, { address: options.reference, role: AccountRole.READONLY }] }
        : transfer,
    );
  });
  return instructions;
}

const PLACEHOLDER_BLOCKHASH = '11111111111111111111111111111111' as Blockhash;

/**
 * The v0 message every ledger transaction is: fee payer, blockhash lifetime, instructions; compressed with
 * `lookupTables` when given (payout batches), otherwise naming every account itself (so @solana/pay can read it).
 */
export function v0TransactionMessage(
  feePayer: TransactionSigner,
  lifetime: Parameters<typeof setTransactionMessageLifetimeUsingBlockhash>[0],
  instructions: readonly Instruction[],
  lookupTables?: AddressesByLookupTableAddress,
) {
  const plain = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(feePayer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(lifetime, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );
  return lookupTables ? (compressTransactionMessageUsingAddressLookupTables(plain, lookupTables) as typeof plain) : plain;
}

/** The wire size of a v0 transaction holding `instructions`, fee paid by `feePayer`, compressed with `lookupTables` if given. */
export function transactionSize(
  feePayer: TransactionSigner,
  instructions: readonly Instruction[],
  lookupTables?: AddressesByLookupTableAddress,
): number {
  const message = v0TransactionMessage(feePayer, { blockhash: PLACEHOLDER_BLOCKHASH, lastValidBlockHeight: 0n }, instructions, lookupTables);
  return getTransactionEncoder().encode(compileTransaction(message)).length;
}

/** A distinct, deterministic stand-in address for sizing. */
function dummyAddress(n: number): Address {
  const bytes = new Uint8Array(32);
  new DataView(bytes.buffer).setUint32(0, n + 1);
  bytes[31] = 0xa5;
  return getAddressDecoder().decode(bytes);
}

/**
 * How many transfers to distinct payees fit in one transaction signed by `treasury` alone (fee payer and token
 * authority), with a memo of `memoBytes` ASCII bytes and a reference: measured by compiling, not estimated. Amounts
 * are fixed-size (u64), so the count does not depend on them. `withLookupTable`: the source and destination token
 * accounts come from ONE address lookup table (the reference stays in the message, so it can be found by address).
 */
export function usdcTransfersPerTransaction(treasury: TransactionSigner, memoBytes: number, withLookupTable = false): number {
  const source = dummyAddress(1_000_000);
  const reference = dummyAddress(1_000_001);
  const table = dummyAddress(1_000_002);
  const memo = 'x'.repeat(memoBytes);
  let fitting = 0;
  for (let count = 1; ; count += 1) {
    const transfers = Array.from({ length: count }, (_, i) => ({ source, destination: dummyAddress(i), amount: 1n }));
    const tables = withLookupTable ? { [table]: [source, ...transfers.map((t) => t.destination)] } : undefined;
    if (transactionSize(treasury, usdcBatchInstructions(treasury, transfers, { memo, reference }), tables) > MAX_TRANSACTION_BYTES) return fitting;
    fitting = count;
  }
}

/** Splits `items` into consecutive groups of at most `capacity`. */
export function packInto<T>(items: readonly T[], capacity: number): T[][] {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += capacity) groups.push(items.slice(i, i + capacity));
  return groups;
}
