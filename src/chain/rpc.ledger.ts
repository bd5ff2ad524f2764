import {
  type Address,
  type Commitment,
  type TransactionSigner,
  assertIsTransactionWithBlockhashLifetime,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  getSignatureFromTransaction,
  sendAndConfirmTransactionFactory,
} from '@solana/kit';
import { ChainErrorCode, ChainException } from './chain.exception.js';
import { type BlockhashLifetime, KitLedger, type SignedTransaction } from './kit.ledger.js';
import type { LedgerReceipt, SolanaPayRpc } from './solana-ledger.port.js';

export interface RpcSolanaLedgerOptions {
  /** SOLANA_RPC_URL. */
  rpcUrl: string;
  /** The validator's websocket URL, for confirmations; derived from rpcUrl when absent. */
  wsUrl?: string;
  /** SOLANA_USDC_MINT. */
  usdcMint: Address;
  /** From TREASURY_SECRET_KEY or its key file. */
  treasury: TransactionSigner;
  commitment?: Extract<Commitment, 'confirmed' | 'finalized'>;
}

/**
 * The ledger on a real cluster through @solana/kit: HTTP RPC for reads and sending, websocket subscriptions for
 * confirmation (kit's sendAndConfirmTransactionFactory). Transactions are built by KitLedger, the same code the
 * LiteSVM tests run.
 */
export class RpcSolanaLedger extends KitLedger {
  readonly cluster: string;
  readonly usdcMint: Address;
  protected readonly treasury: TransactionSigner;
  private readonly client;
  private readonly sendAndConfirm;
  private readonly commitment: Extract<Commitment, 'confirmed' | 'finalized'>;

  constructor(options: RpcSolanaLedgerOptions) {
    super();
    this.cluster = options.rpcUrl;
    this.usdcMint = options.usdcMint;
    this.treasury = options.treasury;
    this.commitment = options.commitment ?? 'confirmed';
    this.client = createSolanaRpc(options.rpcUrl);
    this.sendAndConfirm = sendAndConfirmTransactionFactory({
      rpc: this.client,
      rpcSubscriptions: createSolanaRpcSubscriptions(options.wsUrl ?? websocketUrlFor(options.rpcUrl)),
    });
  }

  rpc(): SolanaPayRpc {
    return this.client;
  }

  protected async latestBlockhash(): Promise<BlockhashLifetime> {
    const { value } = await this.client.getLatestBlockhash({ commitment: this.commitment }).send();
    return value;
  }

  protected async submit(transaction: SignedTransaction): Promise<LedgerReceipt> {
    assertIsTransactionWithBlockhashLifetime(transaction);
    const signature = getSignatureFromTransaction(transaction);
    try {
      await this.sendAndConfirm(transaction, { commitment: this.commitment });
    } catch (error) {
      throw new ChainException(ChainErrorCode.TRANSACTION_FAILED, `transaction ${signature} failed: ${(error as Error).message}`);
    }
    const { value } = await this.client.getSignatureStatuses([signature]).send();
    const status = value[0];
    if (!status) throw new ChainException(ChainErrorCode.TRANSACTION_FAILED, `transaction ${signature} confirmed but has no status`);
    return { signature, slot: status.slot };
  }
}

/** A validator serves websockets on the RPC port + 1 locally (8899 -> 8900) and on the same host otherwise. */
export function websocketUrlFor(rpcUrl: string): string {
  const url = new URL(rpcUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (url.port) url.port = String(Number(url.port) + 1);
  return url.toString();
}
