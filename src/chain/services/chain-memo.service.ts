import { Injectable } from '@nestjs/common';
import { isSignature } from '@solana/kit';
import { ChainErrorCode, ChainException } from '../chain.exception.js';
import { ChainMemoResponse } from '../dto/chain-memo.dto.js';
import { SolanaLedger } from '../solana-ledger.port.js';

/**
 * Reads memos back from the ledger for outside verifiers. With the embedded ledger this is the only window onto
 * the chain; with a real cluster a verifier can (and should) ask the cluster directly.
 */
@Injectable()
export class ChainMemoService {
  constructor(private readonly ledger: SolanaLedger) {}

  async read(signature: string): Promise<ChainMemoResponse> {
    if (!isSignature(signature)) {
      throw new ChainException(ChainErrorCode.INVALID_ARGUMENT, 'signature must be 64 bytes in base58');
    }
    let memo: string | null;
    try {
      memo = await this.ledger.findMemo(signature);
    } catch (error) {
      if (error instanceof ChainException) throw error;
      throw new ChainException(ChainErrorCode.LEDGER_UNAVAILABLE, `the ledger (${this.ledger.cluster}) did not answer: ${(error as Error).message}`);
    }
    if (memo === null) {
      throw new ChainException(ChainErrorCode.MEMO_NOT_FOUND, `${this.ledger.cluster} has no successful transaction with a memo under ${signature}`);
    }
    return Object.assign(new ChainMemoResponse(), { cluster: this.ledger.cluster, signature, memo });
  }
}
