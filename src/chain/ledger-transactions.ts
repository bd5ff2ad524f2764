import {
  type Address,
  type Base64EncodedWireTransaction,
  type Instruction,
  type ReadonlyUint8Array,
  decompileTransactionMessage,
  getBase64Encoder,
  getCompiledTransactionMessageDecoder,
  getTransactionDecoder,
} from '@solana/kit';
import { MEMO_PROGRAM_ADDRESS, parseAddMemoInstruction } from '@solana-program/memo';
import { ChainErrorCode, ChainException } from './chain.exception.js';

/** Memo v2 accepts up to 566 bytes; a smaller cap leaves room for the signature and accounts in one transaction. */
export const MAX_MEMO_BYTES = 500;

export function assertValidMemo(memo: string): void {
  const size = Buffer.byteLength(memo, 'utf8');
  if (size === 0 || size > MAX_MEMO_BYTES) {
    throw new ChainException(ChainErrorCode.INVALID_ARGUMENT, `memo must be 1 to ${MAX_MEMO_BYTES} UTF-8 bytes, got ${size}`);
  }
}

/** A wire transaction's message: its static account keys, version and instructions. */
export interface DecodedTransaction {
  staticAccounts: readonly Address[];
  version: 'legacy' | 0;
  instructions: readonly Instruction[];
  signatureCount: number;
}

export function decodeWireTransaction(wire: ReadonlyUint8Array): DecodedTransaction {
  const transaction = getTransactionDecoder().decode(wire);
  const compiled = getCompiledTransactionMessageDecoder().decode(transaction.messageBytes);
  const message = decompileTransactionMessage(compiled);
  return {
    staticAccounts: compiled.staticAccounts,
    version: compiled.version === 'legacy' ? 'legacy' : 0,
    instructions: message.instructions,
    signatureCount: Object.keys(transaction.signatures).length,
  };
}

export function decodeBase64WireTransaction(wire: Base64EncodedWireTransaction | string): DecodedTransaction {
  return decodeWireTransaction(getBase64Encoder().encode(wire));
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
