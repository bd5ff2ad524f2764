import { type Address, type RpcTransport, type Signature, createSolanaRpcFromTransport, getBase64Decoder } from '@solana/kit';
import type { SolanaPayRpc } from './solana-ledger.port.js';

/** An account as the embedded ledger holds it. */
export interface LedgerAccount {
  data: Uint8Array;
  executable: boolean;
  lamports: bigint;
  owner: Address;
}

/** One token account's balance before or after a transaction, as getTransaction reports it. */
export interface RecordedTokenBalance {
  accountIndex: number;
  mint: Address;
  owner: Address;
  programId: Address;
  amount: bigint;
  decimals: number;
}

/**
 * What the embedded ledger keeps of each transaction it accepted. LiteSVM itself keeps only logs, so the adapter
 * stores the wire bytes and the balances it read before and after, which is what getTransaction answers.
 */
export interface RecordedTransaction {
  signature: Signature;
  slot: bigint;
  blockTime: bigint;
  /** The wire transaction, base64. */
  wire: string;
  version: 'legacy' | 0;
  /** Static keys, then the addresses loaded from lookup tables (writable, then readonly), as the runtime orders them. */
  accountKeys: readonly Address[];
  loadedAddresses: { writable: readonly Address[]; readonly: readonly Address[] };
  fee: bigint;
  preBalances: readonly bigint[];
  postBalances: readonly bigint[];
  preTokenBalances: readonly RecordedTokenBalance[];
  postTokenBalances: readonly RecordedTokenBalance[];
  logMessages: readonly string[];
  computeUnitsConsumed: bigint;
  memos: readonly string[];
}

/** The ledger state the facade reads. */
export interface LiteSvmRpcBackend {
  currentSlot(): bigint;
  account(address: Address): LedgerAccount | null;
  transaction(signature: string): RecordedTransaction | undefined;
  /** Every accepted transaction naming the address in its account keys, oldest first. */
  transactionsFor(address: Address): readonly RecordedTransaction[];
}

class RpcMethodError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const INVALID_PARAMS = -32602;
const METHOD_NOT_FOUND = -32601;
const UNSUPPORTED_TRANSACTION_VERSION = -32015;
const MAX_SIGNATURES = 1000;
const U64_MAX = 18_446_744_073_709_551_615n;

interface EncodingConfig {
  encoding?: string;
}

interface SignaturesConfig {
  limit?: number;
  before?: string;
  until?: string;
}

interface TransactionConfig extends EncodingConfig {
  maxSupportedTransactionVersion?: number;
}

/**
 * A @solana/kit RPC client answered in process from the embedded ledger: getAccountInfo, getMultipleAccounts,
 * getSignaturesForAddress and getTransaction, with base64 encoding only (what @solana/pay and kit's account
 * fetchers ask for). Answers are shaped as a validator's JSON-RPC results and pass through kit's own response
 * transformers, so callers get exactly the types and values a real cluster would give them. Everything the
 * ledger accepted is final, so commitment options are accepted and ignored. Other methods answer JSON-RPC
 * error -32601.
 */
export function createLiteSvmRpc(backend: LiteSvmRpcBackend): SolanaPayRpc {
  const base64 = getBase64Decoder();
  const context = () => ({ slot: backend.currentSlot() });

  const encodeAccount = (address: Address) => {
    const account = backend.account(address);
    if (!account) return null;
    return {
      data: [base64.decode(account.data), 'base64'],
      executable: account.executable,
      lamports: account.lamports,
      owner: account.owner,
      rentEpoch: U64_MAX,
      space: BigInt(account.data.length),
    };
  };

  const requireBase64 = (config: EncodingConfig | undefined) => {
    if (config?.encoding !== 'base64') {
      throw new RpcMethodError(INVALID_PARAMS, `the embedded ledger answers encoding "base64" only, got "${config?.encoding ?? 'default'}"`);
    }
  };

  const tokenBalance = (balance: RecordedTokenBalance) => {
    const uiAmountString = formatUnits(balance.amount, balance.decimals);
    return {
      accountIndex: balance.accountIndex,
      mint: balance.mint,
      owner: balance.owner,
      programId: balance.programId,
      uiTokenAmount: { amount: balance.amount.toString(), decimals: balance.decimals, uiAmount: Number(uiAmountString), uiAmountString },
    };
  };

  const methods: Record<string, (params: unknown[]) => unknown> = {
    getAccountInfo: ([address, config]) => {
      requireBase64(config as EncodingConfig | undefined);
      return { context: context(), value: encodeAccount(address as Address) };
    },
    getMultipleAccounts: ([addresses, config]) => {
      requireBase64(config as EncodingConfig | undefined);
      return { context: context(), value: (addresses as Address[]).map(encodeAccount) };
    },
    getSignaturesForAddress: ([address, config]) => {
      const { limit = MAX_SIGNATURES, before, until } = (config ?? {}) as SignaturesConfig;
      if (limit < 1 || limit > MAX_SIGNATURES) throw new RpcMethodError(INVALID_PARAMS, `limit must be 1 to ${MAX_SIGNATURES}`);
      const newestFirst = [...backend.transactionsFor(address as Address)].reverse();
      let start = 0;
      if (before) {
        const index = newestFirst.findIndex((tx) => tx.signature === before);
        start = index === -1 ? newestFirst.length : index + 1;
      }
      const found = [];
      for (const tx of newestFirst.slice(start)) {
        if (tx.signature === until || found.length === limit) break;
        found.push({
          signature: tx.signature,
          slot: tx.slot,
          err: null,
          memo: tx.memos.length ? tx.memos.map((memo) => `[${Buffer.byteLength(memo)}] ${memo}`).join('; ') : null,
          blockTime: tx.blockTime,
          confirmationStatus: 'finalized',
        });
      }
      return found;
    },
    getTransaction: ([signature, config]) => {
      const options = config as TransactionConfig | undefined;
      requireBase64(options);
      const tx = backend.transaction(signature as string);
      if (!tx) return null;
      if (tx.version !== 'legacy' && options?.maxSupportedTransactionVersion === undefined) {
        throw new RpcMethodError(UNSUPPORTED_TRANSACTION_VERSION, 'Transaction version (0) is not supported by the requesting client.');
      }
      return {
        slot: tx.slot,
        blockTime: tx.blockTime,
        version: tx.version,
        transaction: [tx.wire, 'base64'],
        meta: {
          err: null,
          status: { Ok: null },
          fee: tx.fee,
          preBalances: tx.preBalances,
          postBalances: tx.postBalances,
          preTokenBalances: tx.preTokenBalances.map(tokenBalance),
          postTokenBalances: tx.postTokenBalances.map(tokenBalance),
          innerInstructions: [],
          logMessages: tx.logMessages,
          rewards: [],
          loadedAddresses: { readonly: tx.loadedAddresses.readonly, writable: tx.loadedAddresses.writable },
          computeUnitsConsumed: tx.computeUnitsConsumed,
        },
      };
    },
  };

  const transport: RpcTransport = async <T>({ payload }: { payload: unknown }) => {
    const { id, method, params } = payload as { id: unknown; method: string; params: unknown[] };
    const handler = methods[method];
    try {
      if (!handler) throw new RpcMethodError(METHOD_NOT_FOUND, `the embedded ledger does not answer ${method}`);
      return { jsonrpc: '2.0', id, result: handler(params ?? []) } as T;
    } catch (error) {
      if (error instanceof RpcMethodError) return { jsonrpc: '2.0', id, error: { code: error.code, message: error.message } } as T;
      throw error;
    }
  };

  return createSolanaRpcFromTransport(transport);
}

/** `amount` base units as a decimal string with `decimals` places, trailing zeros dropped (as uiAmountString). */
export function formatUnits(amount: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const whole = amount / scale;
  const fraction = (amount % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}
