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

export interface UsdcTransferOptions {
  /** Recorded in a Memo instruction placed before the transfer, e.g. a payout id to find it again. */
  memo?: string;
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

  /** Records `memo` (UTF-8, at most 500 bytes) in a transaction holding one Memo instruction signed by the treasury. */
  abstract recordMemo(memo: string): Promise<LedgerReceipt>;

  /** The text of the first Memo instruction of a confirmed, successful transaction; null when there is none. */
  abstract findMemo(signature: Signature): Promise<string | null>;

  /** The owner's associated USDC token account, created (rent paid by the treasury) when it does not exist yet. */
  abstract ensureTokenAccount(owner: Address): Promise<Address>;

  /**
   * Moves `amount` base units of USDC from `from`'s associated token account to `to`'s (created in the same
   * transaction when missing). The treasury pays the fee; `from` signs as the token owner (it may be the treasury).
   */
  abstract transferUsdc(from: TransactionSigner, to: Address, amount: bigint, options?: UsdcTransferOptions): Promise<LedgerReceipt>;

  /** The USDC balance (base units) of the owner's associated token account; 0 when it does not exist. */
  abstract usdcBalance(owner: Address): Promise<bigint>;

  /** An RPC client for @solana/pay's createTransfer / findReference / validateTransfer. */
  abstract rpc(): SolanaPayRpc;
}
