import type {
  Address,
  GetAccountInfoApi,
  GetMultipleAccountsApi,
  GetSignaturesForAddressApi,
  GetTransactionApi,
  Rpc,
  Signature,
  TransactionSigner,
} from '@solana/kit';
import { ChainErrorCode, ChainException } from './chain.exception.js';
import type { UsdcTransfer } from './usdc-batch.js';

/** Where a transaction the ledger accepted landed. */
export interface LedgerReceipt {
  signature: Signature;
  slot: bigint;
}

/**
 * The read-only RPC methods the chain's callers need: @solana/pay's `createTransfer` (getAccountInfo,
 * getMultipleAccounts), `findReference` (getSignaturesForAddress) and `validateTransfer` (getTransaction with
 * pre/post token balances, base64 encoding). A real cluster answers them through @solana/kit's `createSolanaRpc`;
 * the embedded ledger answers them through `createLiteSvmRpc`, so callers use the real library functions on both.
 */
export type SolanaPayRpcApi = GetAccountInfoApi & GetMultipleAccountsApi & GetSignaturesForAddressApi & GetTransactionApi;
export type SolanaPayRpc = Rpc<SolanaPayRpcApi>;

export interface MemoOptions {
  /**
   * A fresh address to find the transaction by later (getSignaturesForAddress), as Solana Pay's `reference`: it is
   * attached read-only to a 0-lamport System transfer from the treasury to itself placed after the memo, because
   * the Memo program requires every account of its own instruction to sign.
   */
  reference?: Address;
}

export interface UsdcTransferOptions {
  /** Recorded in a Memo instruction placed before the transfer, e.g. a payout id to find it again. */
  memo?: string;
}

export interface UsdcBatchOptions {
  /** Recorded in a Memo instruction placed first, e.g. the payout batch id. */
  memo?: string;
  /** A fresh address to find the transaction by later, as MemoOptions.reference. */
  reference?: Address;
  /**
   * An address lookup table (createLookupTable) holding the treasury's and the payees' token accounts: they are
   * named by one-byte indexes instead of 32-byte addresses, so about three times as many transfers fit.
   */
  lookupTable?: Address;
}

/** USDC and the embedded USDC-like mint both use 6 decimals: amounts here are integers of 10^-6 USDC. */
export const USDC_DECIMALS = 6;

/**
 * The Solana port. Two adapters: `RpcSolanaLedger` (a real cluster, SOLANA_RPC_URL) and `LiteSvmLedger` (an
 * in-process ledger kept in DATA_DIR). Both build, sign and read transactions with the same code (`KitLedger`);
 * they differ only in how a signed transaction is submitted and where the blockhash comes from.
 *
 * The treasury key signs memo records and pays transaction fees and the rent of token accounts it creates.
 * Every method resolves only once the transaction is confirmed, and throws a `ChainException`
 * (TRANSACTION_FAILED) when the cluster rejects it.
 */
export abstract class SolanaLedger {
  /** Names the ledger in provenance records: `litesvm` or the RPC URL's cluster. */
  abstract readonly cluster: string;
  /** The USDC mint payments and payouts use. */
  abstract readonly usdcMint: Address;
  /** The treasury wallet (owner of the treasury's USDC token account; the Solana Pay recipient). */
  abstract readonly treasuryAddress: Address;

  /**
   * After a send attempt that failed or was interrupted, how long that transaction may still land: a blockhash
   * lifetime (150 blocks, about a minute, with margin) on a cluster; 0 on the embedded ledger, which submits
   * synchronously. A sender that must not record twice waits this long before looking up and sending again.
   */
  abstract readonly landingWindowSeconds: number;

  /**
   * Records `memo` (UTF-8, at most 500 bytes) in a transaction whose first instruction is a Memo signed by the
   * treasury; with `reference`, the transaction can be found again with findByReference.
   */
  abstract recordMemo(memo: string, options?: MemoOptions): Promise<LedgerReceipt>;

  /**
   * The oldest confirmed, successful transaction naming `reference` whose fee the treasury paid (so a stranger's
   * transaction naming the same address is never taken for ours); null when there is none.
   */
  abstract findByReference(reference: Address): Promise<LedgerReceipt | null>;

  /** The text of the first Memo instruction of a confirmed, successful transaction; null when there is none. */
  abstract findMemo(signature: Signature): Promise<string | null>;

  /** The owner's associated USDC token account, created (rent paid by the treasury) when it does not exist yet. */
  abstract ensureTokenAccount(owner: Address): Promise<Address>;

  /**
   * Moves `amount` base units of USDC from `from`'s associated token account to `to`'s (created in the same
   * transaction when missing). The treasury pays the fee; `from` signs as the token owner (it may be the treasury).
   */
  abstract transferUsdc(from: TransactionSigner, to: Address, amount: bigint, options?: UsdcTransferOptions): Promise<LedgerReceipt>;

  /**
   * Pays several owners from the treasury at once in ONE transaction (all or nothing): a memo first, then one SPL
   * Token transfer per entry from the treasury's associated token account to each owner's, which must exist (ensureTokenAccounts). With
   * `reference`, the transaction can be found again with findByReference. Throws INVALID_ARGUMENT when the batch
   * does not fit in a transaction (see usdcBatchCapacity).
   * The batch methods are not abstract so that ledger doubles written before them still compile; KitLedger (both
   * adapters) implements them.
   */
  transferUsdcBatch(...args: [transfers: readonly UsdcTransfer[], options?: UsdcBatchOptions]): Promise<LedgerReceipt> {
    return Promise.reject(this.unsupported(`transferUsdcBatch (${args[0].length} transfers)`));
  }

  /**
   * How many transfers transferUsdcBatch fits in one transaction with a memo of `memoBytes` bytes and a reference,
   * without or with a lookup table holding every token account of the batch.
   */
  usdcBatchCapacity(...args: [memoBytes: number, withLookupTable?: boolean]): number {
    throw this.unsupported(`usdcBatchCapacity (memo of ${args[0]} bytes)`);
  }

  /**
   * Creates an address lookup table (authority: the treasury) holding `addresses` (1 to 256) and resolves once
   * transactions can use it; answers its address and how many transactions it took.
   */
  createLookupTable(addresses: readonly Address[]): Promise<{ address: Address; transactions: number }> {
    return Promise.reject(this.unsupported(`createLookupTable (${addresses.length} addresses)`));
  }

  /** The addresses a lookup table holds; empty when it does not exist. */
  lookupTableAddresses(table: Address): Promise<Address[]> {
    return Promise.reject(this.unsupported(`lookupTableAddresses (${table})`));
  }

  /** The owner's associated USDC token account address (no account is created). */
  tokenAccountOf(owner: Address): Promise<Address> {
    return Promise.reject(this.unsupported(`tokenAccountOf (${owner})`));
  }

  /**
   * Creates the owners' associated USDC token accounts that do not exist yet (rent paid by the treasury), packing
   * as many creations per transaction as fit; answers how many transactions it sent. Idempotent.
   */
  ensureTokenAccounts(owners: readonly Address[]): Promise<number> {
    return Promise.reject(this.unsupported(`ensureTokenAccounts (${owners.length} owners)`));
  }

  private unsupported(method: string): ChainException {
    return new ChainException(ChainErrorCode.LEDGER_UNAVAILABLE, `${method} is not supported by the ${this.cluster} ledger`);
  }

  /**
   * A cheap probe for readiness checks: one read (the treasury's account) through the same RPC the payments use, so it
   * fails when the cluster (or the embedded ledger) does not answer.
   */
  async ping(): Promise<void> {
    await this.rpc().getAccountInfo(this.treasuryAddress, { encoding: 'base64' }).send();
  }

  /** The USDC balance (base units) of the owner's associated token account; 0 when it does not exist. */
  abstract usdcBalance(owner: Address): Promise<bigint>;

  /** An RPC client for @solana/pay's createTransfer / findReference / validateTransfer. */
  abstract rpc(): SolanaPayRpc;
}
