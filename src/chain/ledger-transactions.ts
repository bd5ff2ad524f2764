import {
  type Address,
  type Base64EncodedWireTransaction,
  type Instruction,
  type ReadonlyUint8Array,
  decompileTransactionMessage,
  getBase58Decoder,
  getBase64Encoder,
  getCompiledTransactionMessageDecoder,
  getTransactionDecoder,
} from '@solana/kit';
import { MEMO_PROGRAM_ADDRESS, parseAddMemoInstruction } from '@solana-program/memo';
import { ChainErrorCode, ChainException } from './chain.exception.js';
import { type AddressTableLookup, type LoadedAddresses, addressesByLookupTable } from './lookup-table.js';

/** Memo v2 accepts up to 566 bytes; a smaller cap leaves room for the signature and accounts in one transaction. */
export const MAX_MEMO_BYTES = 500;

export function assertValidMemo(memo: string): void {
  const size = Buffer.byteLength(memo, 'utf8');
  if (size === 0 || size > MAX_MEMO_BYTES) {
    throw new ChainException(ChainErrorCode.INVALID_ARGUMENT, `memo must be 1 to ${MAX_MEMO_BYTES} UTF-8 bytes, got ${size}`);
  }
}

/** A wire transaction's message: its static account keys, version, lookups and instructions. */
export interface DecodedTransaction {
  staticAccounts: readonly Address[];
  version: 'legacy' | 0;
  /** The v0 message's address table lookups (none for legacy and table-less messages). */
  lookups: readonly AddressTableLookup[];
  /** Null when the message uses lookup tables and their addresses were not given: decode the header only. */
  instructions: readonly Instruction[] | null;
  signatureCount: number;
  /** The signatures in the order of the signer keys, base58 (a missing one is 64 zero bytes, as on the wire). */
  signatures: readonly string[];
  /** The recent blockhash (or durable nonce) the message was signed against. */
  lifetimeToken: string;
  header: { numSignerAccounts: number; numReadonlySignerAccounts: number; numReadonlyNonSignerAccounts: number };
  /** The instructions as compiled: indexes into the static keys followed by the loaded ones. */
  compiledInstructions: readonly CompiledInstruction[];
}

/** One compiled instruction of a message. */
export interface CompiledInstruction {
  programAddressIndex: number;
  accountIndices?: readonly number[];
  data?: ReadonlyUint8Array;
}

/**
 * Decodes a wire transaction. A message using address lookup tables names some accounts by (table, index): its
 * instructions can be rebuilt only with the addresses it loaded (`loaded`, as getTransaction's
 * meta.loadedAddresses or read from the tables); without them, `instructions` is null.
 */
export function decodeWireTransaction(wire: ReadonlyUint8Array, loaded?: LoadedAddresses): DecodedTransaction {
  const transaction = getTransactionDecoder().decode(wire);
  const compiled = getCompiledTransactionMessageDecoder().decode(transaction.messageBytes);
  // Validators do not run version 1 messages yet; kit can decode them, this ledger refuses them.
  if (compiled.version === 1) throw new ChainException(ChainErrorCode.INVALID_ARGUMENT, 'version 1 transactions are not supported');
  const lookups: readonly AddressTableLookup[] = ('addressTableLookups' in compiled && compiled.addressTableLookups) || [];
  let instructions: readonly Instruction[] | null = null;
  if (lookups.length === 0) instructions = decompileTransactionMessage(compiled).instructions;
  else if (loaded) {
    const addressesByLookupTableAddress = addressesByLookupTable(lookups, loaded);
    instructions = decompileTransactionMessage(compiled as Parameters<typeof decompileTransactionMessage>[0] & { version: 0 }, {
      addressesByLookupTableAddress,
    }).instructions;
  }
  const base58 = getBase58Decoder();
  return {
    staticAccounts: compiled.staticAccounts,
    version: compiled.version === 'legacy' ? 'legacy' : 0,
    lookups,
    instructions,
    signatureCount: Object.keys(transaction.signatures).length,
    signatures: Object.values(transaction.signatures).map((signature) => base58.decode(signature ?? new Uint8Array(64))),
    lifetimeToken: compiled.lifetimeToken,
    header: compiled.header,
    compiledInstructions: compiled.instructions,
  };
}

export function decodeBase64WireTransaction(wire: Base64EncodedWireTransaction | string, loaded?: LoadedAddresses): DecodedTransaction {
  return decodeWireTransaction(getBase64Encoder().encode(wire), loaded);
}

/** The texts of every Memo instruction, in order. */
export function memosOf(instructions: readonly Instruction[]): string[] {
  const memos: string[] = [];
  for (const instruction of instructions) {
    if (instruction.programAddress !== MEMO_PROGRAM_ADDRESS || !instruction.data) continue;
    memos.push(parseAddMemoInstruction({ ...instruction, data: instruction.data }).data.memo);
  }
  return memos;
}
