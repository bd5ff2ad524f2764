import type { PaymentMethodFolder } from '../payment-methods.js';
import { SolanaPayController } from './solana-pay.controller.js';
import { SolanaPayHandler } from './solana-pay.handler.js';

/** USDC by Solana Pay: found on the ledger by the watcher job or POST /v1/orders/:id/confirm-solana. */
export const solanaPayMethod: PaymentMethodFolder = {
  handler: SolanaPayHandler,
  controllers: [SolanaPayController],
  providers: [],
  entities: [],
};
