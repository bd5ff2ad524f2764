import type { Address, KeyPairSigner } from '@solana/kit';
import { getTransactionEncoder } from '@solana/kit';
import { ChainErrorCode, ChainException } from './chain.exception.js';
import { type BlockhashLifetime, KitLedger, type SignedTransaction } from './kit.ledger.js';
import { DEMO_BUYER_USDC, LiteSvmChain, TransactionRejected } from './litesvm-chain.js';
import type { LedgerReceipt, SolanaPayRpc } from './solana-ledger.port.js';

export { DEMO_BUYER_USDC };

export interface LiteSvmLedgerOptions {
  /** The state file, e.g. `${DATA_DIR}/chain/litesvm-ledger.bin`; created with a fresh ledger when missing. */
  statePath: string;
}

/**
 * The embedded ledger (SOLANA_RPC_URL unset): a LiteSvmChain (mint, treasury, funded demo buyer, state in
 * DATA_DIR) inside the service process. Submission is synchronous and the ledger moves to a new slot and blockhash
 * after each transaction (so two identical transfers get distinct signatures), hence transactions are built and
 * sent one at a time. The same chain served over JSON-RPC by `npm run ledger` is what several instances share.
 */
export class LiteSvmLedger extends KitLedger {
  readonly cluster = 'litesvm';
  /** Submission is synchronous: once submit returns or throws, the transaction has landed or never will. */
  readonly landingWindowSeconds = 0;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly chain: LiteSvmChain) {
    super();
  }

  /** Opens the ledger kept at `statePath`, or creates and saves a fresh one there. */
  static async open({ statePath }: LiteSvmLedgerOptions): Promise<LiteSvmLedger> {
    return new LiteSvmLedger(await LiteSvmChain.open(statePath, { slotPerTransaction: true }));
  }

  protected get treasury(): KeyPairSigner {
    return this.chain.treasury;
  }

  get usdcMint(): Address {
    return this.chain.usdcMint;
  }

  get demoBuyerAddress(): Address {
    return this.chain.demoBuyer.address;
  }

  rpc(): SolanaPayRpc {
    return this.chain.rpc();
  }

  /**
   * Pays a Solana Pay transfer-request URL from the demo buyer wallet as a wallet app does: @solana/pay's
   * createTransfer builds the memo + transferChecked (with the reference keys) and the buyer signs and pays the fee.
   */
  async payWithDemoWallet(url: string | URL): Promise<LedgerReceipt> {
    const { signature, slot } = await this.runExclusive(() => this.chain.payWithDemoWallet(url));
    return { signature, slot };
  }

  /** Dev faucet: mints USDC to the owner's token account (created when missing); the treasury is the mint authority. */
  async airdropUsdc(owner: Address, amount: bigint): Promise<LedgerReceipt> {
    const { signature, slot } = await this.runExclusive(() => this.chain.mintUsdc(owner, amount));
    return { signature, slot };
  }

  /** Dev faucet for fees: credits lamports to any address. */
  airdropSol(owner: Address, amount: bigint): void {
    this.chain.airdropSol(owner, amount);
  }

  protected override runExclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  protected latestBlockhash(): Promise<BlockhashLifetime> {
    return Promise.resolve(this.chain.latestBlockhash());
  }

  /** Every slot is in SlotHashes (the chain records each one it moves to), the current one included. */
  protected recentSlotForLookupTable(): Promise<bigint> {
    return Promise.resolve(this.chain.currentSlot());
  }

  /** The chain already moved to the next slot after the transaction. */
  protected async waitForSlotAfter(): Promise<void> {}

  protected submit(transaction: SignedTransaction): Promise<LedgerReceipt> {
    try {
      const record = this.chain.process(getTransactionEncoder().encode(transaction), { preflight: true });
      if (record.err !== null) throw new TransactionRejected(record.err, record.logMessages);
      return Promise.resolve({ signature: record.signature, slot: record.slot });
    } catch (error) {
      if (!(error instanceof TransactionRejected)) throw error;
      const logs = error.logs.slice(-5).join(' | ');
      throw new ChainException(ChainErrorCode.TRANSACTION_FAILED, `transaction rejected: ${error.message}${logs ? `; logs: ${logs}` : ''}`);
    }
  }
}
