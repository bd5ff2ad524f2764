import { Injectable } from '@nestjs/common';
import { ChainErrorCode, ChainException } from '../chain.exception.js';
import type { DevPaymentResponse } from '../dto/dev-payment.dto.js';
import { LiteSvmLedger } from '../litesvm.ledger.js';
import { SolanaLedger } from '../solana-ledger.port.js';

/** The funded demo buyer of the embedded ledger, paying Solana Pay requests as a wallet app would. Dev and tests only. */
@Injectable()
export class DevWalletService {
  constructor(private readonly ledger: SolanaLedger) {}

  async pay(url: string): Promise<DevPaymentResponse> {
    if (!(this.ledger instanceof LiteSvmLedger)) {
      throw new ChainException(
        ChainErrorCode.DEV_WALLET_UNAVAILABLE,
        `The demo wallet exists only on the embedded ledger; this service uses ${this.ledger.cluster} (SOLANA_RPC_URL), so pay with a real wallet`,
      );
    }
    const { signature } = await this.ledger.payWithDemoWallet(url);
    return { signature };
  }
}
