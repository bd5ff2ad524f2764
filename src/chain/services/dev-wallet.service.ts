import { Injectable } from '@nestjs/common';
import { isSolanaError, SOLANA_ERROR__ACCOUNTS__ACCOUNT_NOT_FOUND } from '@solana/kit';
import { ChainErrorCode, ChainException } from '../chain.exception.js';
import { DevPaymentResponse } from '../dto/dev-payment.dto.js';
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
    try {
      const { signature } = await this.ledger.payWithDemoWallet(url);
      return Object.assign(new DevPaymentResponse(), { signature });
    } catch (error) {
      // @solana/pay reads both token accounts before it builds the transfer; a recipient that never held the token
      // has none, which a wallet app reports as a payment it cannot make.
      if (isSolanaError(error, SOLANA_ERROR__ACCOUNTS__ACCOUNT_NOT_FOUND)) {
        throw new ChainException(
          ChainErrorCode.INVALID_PAYMENT_REQUEST,
          `not payable: account ${error.context.address} does not exist (the recipient has no token account for this mint)`,
        );
      }
      throw error;
    }
  }
}
