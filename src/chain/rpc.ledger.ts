import {
  type Address,
  type Commitment,
  type TransactionSigner,
  type RpcTransport,
  SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR,
  assertIsTransactionWithBlockhashLifetime,
  createDefaultRpcTransport,
  createSolanaRpcFromTransport,
  createSolanaRpcSubscriptions,
  getSignatureFromTransaction,
  isSolanaError,
  sendAndConfirmTransactionFactory,
} from '@solana/kit';
import { ChainErrorCode, ChainException } from './chain.exception.js';
import { type BlockhashLifetime, KitLedger, type SignedTransaction } from './kit.ledger.js';
import type { LedgerReceipt, SolanaPayRpc } from './solana-ledger.port.js';

/** A blockhash lives 150 blocks (60-90 s at 400-600 ms a slot); kit's fetched blockhash may already be a little old. */
export const DEFAULT_LANDING_WINDOW_SECONDS = 180;

export interface RpcSolanaLedgerOptions {
  /** SOLANA_RPC_URL. */
  rpcUrl: string;
  /** The validator's websocket URL, for confirmations; derived from rpcUrl when absent. */
  wsUrl?: string;
  /** SOLANA_USDC_MINT. */
  usdcMint: Address;
  /** SOLANA_LANDING_WINDOW_SECONDS; DEFAULT_LANDING_WINDOW_SECONDS when absent. */
  landingWindowSeconds?: number;
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
  readonly landingWindowSeconds: number;
  readonly usdcMint: Address;
  protected readonly treasury: TransactionSigner;
  private readonly client;
  private readonly sendAndConfirm;
  private readonly commitment: Extract<Commitment, 'confirmed' | 'finalized'>;

  constructor(options: RpcSolanaLedgerOptions) {
    super();
    this.cluster = clusterName(options.rpcUrl);
    this.usdcMint = options.usdcMint;
    this.landingWindowSeconds = options.landingWindowSeconds ?? DEFAULT_LANDING_WINDOW_SECONDS;
    this.treasury = options.treasury;
    this.commitment = options.commitment ?? 'confirmed';
    this.client = createSolanaRpcFromTransport(unavailableAsChainException(createDefaultRpcTransport({ url: options.rpcUrl }), this.cluster));
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

  private lastLookupTableSlot = -1n;

  /**
   * A finalized slot is in SlotHashes (the last 512 slots) on every node. A table's address derives from it, so two
   * creations in this process never share one; another instance creating a table in the same slot derives the same
   * address, so one of the two creations fails and that run is retried (job) or answered as an error (admin route).
   */
  protected async recentSlotForLookupTable(): Promise<bigint> {
    for (const deadline = Date.now() + 60_000; ;) {
      const slot = await this.client.getSlot({ commitment: 'finalized' }).send();
      if (slot > this.lastLookupTableSlot) {
        this.lastLookupTableSlot = slot;
        return slot;
      }
      if (Date.now() > deadline) throw new ChainException(ChainErrorCode.TRANSACTION_FAILED, `no finalized slot after ${slot} within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
  }

  /** Polls until the cluster is past the receipt's slot (about 400 ms a slot). */
  protected async waitForSlotAfter(receipt: LedgerReceipt): Promise<void> {
    const deadline = Date.now() + 60_000;
    while ((await this.client.getSlot({ commitment: this.commitment }).send()) <= receipt.slot) {
      if (Date.now() > deadline)
        throw new ChainException(ChainErrorCode.TRANSACTION_FAILED, `the cluster did not pass slot ${receipt.slot} within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
  }

  protected async submit(transaction: SignedTransaction): Promise<LedgerReceipt> {
    assertIsTransactionWithBlockhashLifetime(transaction);
    const signature = getSignatureFromTransaction(transaction);
    try {
      await this.sendAndConfirm(transaction, { commitment: this.commitment });
    } catch (error) {
      // An unreachable cluster stays LEDGER_UNAVAILABLE (503): the transaction may still land, and the caller retries.
      if (error instanceof ChainException) throw error;
      throw new ChainException(ChainErrorCode.TRANSACTION_FAILED, `transaction ${signature} failed: ${(error as Error).message}`);
    }
    const { value } = await this.client.getSignatureStatuses([signature]).send();
    const status = value[0];
    if (!status) throw new ChainException(ChainErrorCode.TRANSACTION_FAILED, `transaction ${signature} confirmed but has no status`);
    return { signature, slot: status.slot };
  }
}

/**
 * Wraps a JSON-RPC transport so that a cluster that cannot be reached (connection refused or reset, a body cut
 * off, an HTTP 429 or 5xx from the node or its proxy) surfaces as ChainException LEDGER_UNAVAILABLE, which every
 * route answers as 503 with Retry-After, instead of an untyped error (undici's "fetch failed") answered as a 500.
 * Other HTTP errors (a 401 for a wrong API key) stay as they are: they are configuration errors to see, not to retry.
 */
export function unavailableAsChainException<T extends RpcTransport>(transport: T, cluster: string): T {
  const wrapped = async <TResponse>(config: Parameters<RpcTransport>[0]) => {
    try {
      return await transport<TResponse>(config);
    } catch (error) {
      if (isSolanaError(error, SOLANA_ERROR__RPC__TRANSPORT_HTTP_ERROR)) {
        const { statusCode } = error.context;
        if (statusCode !== 429 && statusCode < 500) throw error;
      }
      throw new ChainException(ChainErrorCode.LEDGER_UNAVAILABLE, `the ledger (${cluster}) did not answer: ${failureText(error)}`);
    }
  };
  return Object.assign(wrapped, transport);
}

/** An error's message and its cause's (undici says "fetch failed", its cause why); read by shape, as fetch's errors may come from another realm. */
function failureText(error: unknown): string {
  const message = (value: unknown): string | null =>
    typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string' ? value.message : null;
  const text = message(error) ?? String(error);
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? message(error.cause) : null;
  return cause ? `${text}: ${cause}` : text;
}

const PUBLIC_CLUSTERS: Record<string, string> = {
  'api.mainnet-beta.solana.com': 'mainnet-beta',
  'api.devnet.solana.com': 'devnet',
  'api.testnet.solana.com': 'testnet',
};

/**
 * The name stored with provenance records and shown by the API: a public cluster's name, `localnet`, or the RPC
 * host alone, never the path or query, where providers put API keys.
 */
export function clusterName(rpcUrl: string): string {
  const { hostname, host } = new URL(rpcUrl);
  if (PUBLIC_CLUSTERS[hostname]) return PUBLIC_CLUSTERS[hostname];
  if (hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]') return 'localnet';
  return host;
}

/** A validator serves websockets on the RPC port + 1 locally (8899 -> 8900) and on the same host otherwise. */
export function websocketUrlFor(rpcUrl: string): string {
  const url = new URL(rpcUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (url.port) url.port = String(Number(url.port) + 1);
  return url.toString();
}
