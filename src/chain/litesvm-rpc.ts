import { zstdCompressSync } from 'node:zlib';
import {
  type Address,
  type Blockhash,
  type ReadonlyUint8Array,
  type RpcTransport,
  type Signature,
  createSolanaRpcFromTransport,
  getBase58Decoder,
  getBase58Encoder,
  getBase64Decoder,
  getBase64Encoder,
  isAddress,
  isSignature,
} from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS, getMintDecoder, getMintSize, getTokenDecoder, getTokenSize } from '@solana-program/token';
import { type DecodedTransaction, decodeBase64WireTransaction } from './ledger-transactions.js';
import { ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS, decodeLookupTableAddresses } from './lookup-table.js';
import { parsedInstruction, uiTokenAmount } from './parsed-instructions.js';
import type { SolanaPayRpc } from './solana-ledger.port.js';
import type { TransactionErrorJson } from './transaction-error.js';

/** An account as the ledger holds it. */
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

/** One top-level instruction's inner (CPI) instructions, compiled against the transaction's account keys. */
export interface RecordedInnerInstructions {
  index: number;
  instructions: readonly { programIdIndex: number; accounts: readonly number[]; data: string; stackHeight: number }[];
}

/**
 * What the ledger keeps of each transaction that landed. LiteSVM itself keeps only logs, so the ledger stores the
 * wire bytes and the balances it read before and after, which is what getTransaction answers.
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
  /** The texts of the Memo instructions of a successful transaction. */
  memos: readonly string[];
  /** Null when it succeeded; else the validator's JSON error (it landed failed, its fee taken). */
  err: TransactionErrorJson | null;
  innerInstructions: readonly RecordedInnerInstructions[];
}

/** The ledger state and actions the JSON-RPC methods read and call. */
export interface LedgerRpcBackend {
  currentSlot(): bigint;
  latestBlockhash(): { blockhash: Blockhash; lastValidBlockHeight: bigint };
  isBlockhashValid(blockhash: string): boolean;
  account(address: Address): LedgerAccount | null;
  transaction(signature: string): RecordedTransaction | undefined;
  /** Every landed transaction naming the address in its account keys, oldest first. */
  transactionsFor(address: Address): readonly RecordedTransaction[];
  transactionCount(): bigint;
  minimumBalanceForRentExemption(size: bigint): bigint;
  epochSchedule(): { slotsPerEpoch: bigint };
  /**
   * Runs a signed wire transaction; answers its signature. Throws TransactionRejected (preflight failure, nothing
   * landed) or MalformedTransaction, which the method answers as JSON-RPC errors.
   */
  sendTransaction(wire: Uint8Array, preflight: boolean): Signature;
}

/** A JSON-RPC error answer: the codes and messages a validator uses. */
export class RpcMethodError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export const JSON_RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  SEND_TRANSACTION_PREFLIGHT_FAILURE: -32002,
  TRANSACTION_SIGNATURE_VERIFICATION_FAILURE: -32003,
  UNSUPPORTED_TRANSACTION_VERSION: -32015,
  MIN_CONTEXT_SLOT_NOT_REACHED: -32016,
} as const;

const MAX_SIGNATURES = 1000;
const MAX_MULTIPLE_ACCOUNTS = 100;
const MAX_SIGNATURE_STATUSES = 256;
const MAX_BASE58_BYTES = 128;
const U64_MAX = 18_446_744_073_709_551_615n;
/** The Agave release whose answers these imitate (`getVersion`, `context.apiVersion`). */
const API_VERSION = '2.2.0';
const LOOKUP_TABLE_META_SIZE = 56;

interface AccountConfig {
  encoding?: string;
  dataSlice?: { offset: number; length: number };
  minContextSlot?: number;
}

interface SignaturesConfig {
  limit?: number;
  before?: string;
  until?: string;
}

interface TransactionConfig {
  encoding?: string;
  maxSupportedTransactionVersion?: number;
}

interface SendConfig {
  encoding?: string;
  skipPreflight?: boolean;
}

export type RpcMethod = (params: readonly unknown[]) => unknown;

/** A method's optional config object (absent or null: no options); its fields are checked where they are read. */
const configOf = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {});

function addressParam(value: unknown): Address {
  if (typeof value !== 'string' || !isAddress(value)) throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, 'Invalid param: Invalid');
  return value;
}

function signatureParam(value: unknown): Signature {
  if (typeof value !== 'string' || !isSignature(value)) throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, 'Invalid param: Invalid');
  return value;
}

function integerParam(value: unknown, name: string): bigint {
  if ((typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'bigint' && value >= 0n)) return BigInt(value);
  throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, `Invalid params: ${name} must be a non-negative integer`);
}

/**
 * The JSON-RPC 2.0 methods of a Solana validator that this project and its libraries call, answered from the
 * ledger with a validator's result shapes and binary encodings: @solana/kit decodes them exactly as it decodes a
 * cluster's. Reads: getAccountInfo / getMultipleAccounts (base58, base64, base64+zstd, jsonParsed for token
 * accounts, mints and lookup tables, dataSlice), getBalance, getTokenAccountBalance, getSignaturesForAddress,
 * getSignatureStatuses, getTransaction (json, jsonParsed, base58, base64; pre/post token balances, loaded
 * addresses, inner instructions), getLatestBlockhash, isBlockhashValid, getSlot, getBlockHeight, getEpochInfo,
 * getTransactionCount, getMinimumBalanceForRentExemption, getHealth, getVersion; writes: sendTransaction (base58
 * or base64 wire transactions, with or without preflight). Everything that landed is final, so commitment options
 * are accepted and every status is `finalized`. Any other method answers error -32601.
 */
export function createLedgerRpcMethods(backend: LedgerRpcBackend): Record<string, RpcMethod> {
  const base64 = getBase64Decoder();
  const base58 = getBase58Decoder();
  const context = () => ({ slot: backend.currentSlot(), apiVersion: API_VERSION });
  const withContext = (value: unknown) => ({ context: context(), value });

  const requireMinContextSlot = (config: { minContextSlot?: number }) => {
    if (config.minContextSlot !== undefined && BigInt(config.minContextSlot) > backend.currentSlot()) {
      throw new RpcMethodError(JSON_RPC.MIN_CONTEXT_SLOT_NOT_REACHED, 'Minimum context slot has not been reached', {
        contextSlot: backend.currentSlot(),
      });
    }
  };

  const encodeData = (data: Uint8Array, encoding: string | undefined, dataSlice: AccountConfig['dataSlice']): unknown => {
    const bytes = dataSlice ? data.subarray(dataSlice.offset, dataSlice.offset + dataSlice.length) : data;
    switch (encoding) {
      case 'base64':
        return [base64.decode(bytes), 'base64'];
      case 'base64+zstd':
        return [base64.decode(zstdCompressSync(bytes)), 'base64+zstd'];
      case 'base58':
      case 'binary':
      case undefined:
        if (bytes.length > MAX_BASE58_BYTES) {
          throw new RpcMethodError(
            JSON_RPC.INVALID_PARAMS,
            `Encoded binary (base 58) data should be less than ${MAX_BASE58_BYTES} bytes, please use Base64 encoding.`,
          );
        }
        return encoding === 'base58' ? [base58.decode(bytes), 'base58'] : base58.decode(bytes);
      default:
        throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, `Invalid params: unknown encoding ${encoding}`);
    }
  };

  /** jsonParsed account data for the account kinds this ledger holds; null where a validator falls back to base64. */
  const parsedAccountData = (account: LedgerAccount): unknown => {
    const space = account.data.length;
    if (account.owner === TOKEN_PROGRAM_ADDRESS && space === getTokenSize()) {
      const token = getTokenDecoder().decode(account.data);
      const mint = backend.account(token.mint);
      if (!mint) return null;
      const { decimals } = getMintDecoder().decode(mint.data);
      const info = {
        isNative: false,
        mint: token.mint,
        owner: token.owner,
        state: 'initialized',
        tokenAmount: uiTokenAmount(token.amount, decimals),
      };
      return { program: 'spl-token', parsed: { info, type: 'account' }, space: BigInt(space) };
    }
    if (account.owner === TOKEN_PROGRAM_ADDRESS && space === getMintSize()) {
      const mint = getMintDecoder().decode(account.data);
      const info = {
        decimals: mint.decimals,
        freezeAuthority: mint.freezeAuthority.__option === 'Some' ? mint.freezeAuthority.value : null,
        isInitialized: mint.isInitialized,
        mintAuthority: mint.mintAuthority.__option === 'Some' ? mint.mintAuthority.value : null,
        supply: mint.supply.toString(),
      };
      return { program: 'spl-token', parsed: { info, type: 'mint' }, space: BigInt(space) };
    }
    if (account.owner === ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS && space >= LOOKUP_TABLE_META_SIZE) {
      const view = new DataView(account.data.buffer, account.data.byteOffset, account.data.byteLength);
      const hasAuthority = account.data[21] === 1;
      const info = {
        addresses: decodeLookupTableAddresses(account.data),
        ...(hasAuthority ? { authority: base58.decode(account.data.subarray(22, 54)) } : {}),
        deactivationSlot: view.getBigUint64(4, true).toString(),
        lastExtendedSlot: view.getBigUint64(12, true).toString(),
        lastExtendedSlotStartIndex: account.data[20],
      };
      return { program: 'address-lookup-table', parsed: { info, type: 'lookupTable' }, space: BigInt(space) };
    }
    return null;
  };

  const encodeAccount = (address: Address, config: AccountConfig) => {
    const account = backend.account(address);
    if (!account) return null;
    const data =
      config.encoding === 'jsonParsed'
        ? (parsedAccountData(account) ?? encodeData(account.data, 'base64', undefined))
        : encodeData(account.data, config.encoding, config.dataSlice);
    return {
      data,
      executable: account.executable,
      lamports: account.lamports,
      owner: account.owner,
      rentEpoch: U64_MAX,
      space: BigInt(account.data.length),
    };
  };

  const tokenBalance = (balance: RecordedTokenBalance) => ({
    accountIndex: balance.accountIndex,
    mint: balance.mint,
    owner: balance.owner,
    programId: balance.programId,
    uiTokenAmount: uiTokenAmount(balance.amount, balance.decimals),
  });

  const status = (tx: RecordedTransaction) => (tx.err === null ? { Ok: null } : { Err: tx.err });

  /** The message as `json` shows it: static keys, header, compiled instructions, lookups. */
  const jsonMessage = (decoded: DecodedTransaction) => ({
    accountKeys: decoded.staticAccounts,
    header: {
      numReadonlySignedAccounts: decoded.header.numReadonlySignerAccounts,
      numReadonlyUnsignedAccounts: decoded.header.numReadonlyNonSignerAccounts,
      numRequiredSignatures: decoded.header.numSignerAccounts,
    },
    recentBlockhash: decoded.lifetimeToken,
    instructions: decoded.compiledInstructions.map((instruction) => ({
      programIdIndex: instruction.programAddressIndex,
      accounts: instruction.accountIndices ?? [],
      data: base58.decode(instruction.data ?? new Uint8Array()),
      stackHeight: null,
    })),
    ...(decoded.version === 0
      ? {
          addressTableLookups: decoded.lookups.map((lookup) => ({
            accountKey: lookup.lookupTableAddress,
            writableIndexes: lookup.writableIndexes,
            readonlyIndexes: lookup.readonlyIndexes,
          })),
        }
      : {}),
  });

  /** The message as `jsonParsed` shows it: every key (static and loaded) with its flags, parsed instructions. */
  const parsedMessage = (decoded: DecodedTransaction, tx: RecordedTransaction) => {
    const { numSignerAccounts, numReadonlySignerAccounts, numReadonlyNonSignerAccounts } = decoded.header;
    const staticCount = decoded.staticAccounts.length;
    const invoked = new Set(decoded.compiledInstructions.map((instruction) => instruction.programAddressIndex));
    const accountKeys = tx.accountKeys.map((pubkey, index) => {
      const signer = index < numSignerAccounts;
      let writable: boolean;
      if (index >= staticCount) writable = index < staticCount + tx.loadedAddresses.writable.length;
      else if (signer) writable = index < numSignerAccounts - numReadonlySignerAccounts;
      else writable = index < staticCount - numReadonlyNonSignerAccounts;
      // A validator demotes invoked programs to read-only.
      if (invoked.has(index)) writable = false;
      return { pubkey, signer, source: index < staticCount ? 'transaction' : 'lookupTable', writable };
    });
    const instruction = (programIdIndex: number, accounts: readonly number[], data: ReadonlyUint8Array, stackHeight: number | null) =>
      parsedInstruction(
        tx.accountKeys[programIdIndex],
        accounts.map((index) => tx.accountKeys[index]),
        data,
        stackHeight,
      );
    return {
      message: {
        accountKeys,
        recentBlockhash: decoded.lifetimeToken,
        instructions: decoded.compiledInstructions.map((compiled) =>
          instruction(compiled.programAddressIndex, compiled.accountIndices ?? [], compiled.data ?? new Uint8Array(), null),
        ),
        ...(decoded.version === 0 ? { addressTableLookups: jsonMessage(decoded).addressTableLookups } : {}),
      },
      innerInstructions: tx.innerInstructions.map(({ index, instructions }) => ({
        index,
        instructions: instructions.map((inner) =>
          instruction(inner.programIdIndex, inner.accounts, getBase58Encoder().encode(inner.data), inner.stackHeight),
        ),
      })),
    };
  };

  const getTransaction = ([signatureValue, configValue]: readonly unknown[]) => {
    const signature = signatureParam(signatureValue);
    const config = configOf(configValue) as TransactionConfig;
    const encoding = config.encoding ?? 'json';
    if (!['json', 'jsonParsed', 'base58', 'base64'].includes(encoding)) {
      throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, `Invalid params: unknown encoding ${encoding}`);
    }
    const tx = backend.transaction(signature);
    if (!tx) return null;
    if (tx.version !== 'legacy' && config.maxSupportedTransactionVersion === undefined) {
      throw new RpcMethodError(
        JSON_RPC.UNSUPPORTED_TRANSACTION_VERSION,
        'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
      );
    }
    const decoded = decodeBase64WireTransaction(tx.wire);
    const meta = {
      err: tx.err,
      status: status(tx),
      fee: tx.fee,
      preBalances: tx.preBalances,
      postBalances: tx.postBalances,
      innerInstructions: tx.innerInstructions,
      logMessages: tx.logMessages,
      preTokenBalances: tx.preTokenBalances.map(tokenBalance),
      postTokenBalances: tx.postTokenBalances.map(tokenBalance),
      rewards: [],
      computeUnitsConsumed: tx.computeUnitsConsumed,
    };
    // jsonParsed lists the loaded addresses among the message's account keys instead.
    const loadedAddresses = { readonly: tx.loadedAddresses.readonly, writable: tx.loadedAddresses.writable };
    let transaction: unknown;
    if (encoding === 'base64') transaction = [tx.wire, 'base64'];
    else if (encoding === 'base58') transaction = [base58.decode(getBase64Encoder().encode(tx.wire)), 'base58'];
    else if (encoding === 'json') transaction = { message: jsonMessage(decoded), signatures: decoded.signatures };
    else {
      const parsed = parsedMessage(decoded, tx);
      transaction = { message: parsed.message, signatures: decoded.signatures };
      return {
        slot: tx.slot,
        blockTime: tx.blockTime,
        ...(config.maxSupportedTransactionVersion === undefined ? {} : { version: tx.version }),
        meta: { ...meta, innerInstructions: parsed.innerInstructions },
        transaction,
      };
    }
    return {
      slot: tx.slot,
      blockTime: tx.blockTime,
      ...(config.maxSupportedTransactionVersion === undefined ? {} : { version: tx.version }),
      meta: { ...meta, loadedAddresses },
      transaction,
    };
  };

  return {
    getAccountInfo: ([address, config]) => {
      const options = configOf(config) as AccountConfig;
      requireMinContextSlot(options);
      return withContext(encodeAccount(addressParam(address), options));
    },
    getMultipleAccounts: ([addresses, config]) => {
      const options = configOf(config) as AccountConfig;
      requireMinContextSlot(options);
      if (!Array.isArray(addresses)) throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, 'Invalid params: expected an array of addresses');
      if (addresses.length > MAX_MULTIPLE_ACCOUNTS) {
        throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, `Too many inputs provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
      }
      return withContext(addresses.map((address) => encodeAccount(addressParam(address), options)));
    },
    getBalance: ([address]) => withContext(backend.account(addressParam(address))?.lamports ?? 0n),
    getTokenAccountBalance: ([address]) => {
      const account = backend.account(addressParam(address));
      const parsed = account ? (parsedAccountData(account) as { parsed: { type: string; info: { tokenAmount: unknown } } } | null) : null;
      if (parsed?.parsed.type !== 'account') throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, 'Invalid param: not a Token account');
      return withContext(parsed.parsed.info.tokenAmount);
    },
    getSignaturesForAddress: ([address, config]) => {
      const { limit = MAX_SIGNATURES, before, until } = configOf(config) as SignaturesConfig;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SIGNATURES) {
        throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, `Invalid limit; max ${MAX_SIGNATURES}`);
      }
      const newestFirst = [...backend.transactionsFor(addressParam(address))].reverse();
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
          err: tx.err,
          memo: tx.memos.length ? tx.memos.map((memo) => `[${Buffer.byteLength(memo)}] ${memo}`).join('; ') : null,
          blockTime: tx.blockTime,
          confirmationStatus: 'finalized',
        });
      }
      return found;
    },
    getSignatureStatuses: ([signatures]) => {
      if (!Array.isArray(signatures)) throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, 'Invalid params: expected an array of signatures');
      if (signatures.length > MAX_SIGNATURE_STATUSES) {
        throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, `Too many inputs provided; max ${MAX_SIGNATURE_STATUSES}`);
      }
      return withContext(
        signatures.map((value) => {
          const tx = backend.transaction(signatureParam(value));
          return tx ? { slot: tx.slot, confirmations: null, err: tx.err, status: status(tx), confirmationStatus: 'finalized' } : null;
        }),
      );
    },
    getTransaction,
    getLatestBlockhash: ([config]) => {
      requireMinContextSlot(configOf(config));
      return withContext(backend.latestBlockhash());
    },
    isBlockhashValid: ([blockhash]) => {
      if (typeof blockhash !== 'string') throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, 'Invalid param: Invalid');
      return withContext(backend.isBlockhashValid(blockhash));
    },
    getSlot: () => backend.currentSlot(),
    getBlockHeight: () => backend.currentSlot(),
    getTransactionCount: () => backend.transactionCount(),
    getEpochInfo: () => {
      const slot = backend.currentSlot();
      const { slotsPerEpoch } = backend.epochSchedule();
      return {
        absoluteSlot: slot,
        blockHeight: slot,
        epoch: slot / slotsPerEpoch,
        slotIndex: slot % slotsPerEpoch,
        slotsInEpoch: slotsPerEpoch,
        transactionCount: backend.transactionCount(),
      };
    },
    getMinimumBalanceForRentExemption: ([size]) => backend.minimumBalanceForRentExemption(integerParam(size, 'data length')),
    getHealth: () => 'ok',
    getVersion: () => ({ 'solana-core': API_VERSION, 'feature-set': 0 }),
    sendTransaction: ([wireValue, configValue]) => {
      const config = configOf(configValue) as SendConfig;
      const encoding = config.encoding ?? 'base58';
      if (typeof wireValue !== 'string' || (encoding !== 'base58' && encoding !== 'base64')) {
        throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, `Invalid params: a transaction as a ${encoding} string`);
      }
      let wire: Uint8Array;
      try {
        wire = new Uint8Array(encoding === 'base64' ? getBase64Encoder().encode(wireValue) : getBase58Encoder().encode(wireValue));
      } catch (error) {
        throw new RpcMethodError(JSON_RPC.INVALID_PARAMS, `invalid ${encoding} encoding: ${(error as Error).message}`);
      }
      return backend.sendTransaction(wire, config.skipPreflight !== true);
    },
  };
}

/** A JSON-RPC 2.0 request's answer: a result or an error, echoing the id. */
export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/**
 * Answers one JSON-RPC request object with `methods`; `translate` turns the errors a method throws into JSON-RPC
 * errors (the ledger's own rejections); anything else is an internal error.
 */
export function answerJsonRpc(
  methods: Record<string, RpcMethod>,
  request: unknown,
  translate: (error: unknown) => RpcMethodError | null = () => null,
): JsonRpcResponse {
  const { id = null, method, params = [] } = configOf(request);
  const fail = (code: number, message: string, data?: unknown): JsonRpcResponse => ({
    jsonrpc: '2.0',
    id,
    error: data === undefined ? { code, message } : { code, message, data },
  });
  if (typeof method !== 'string' || !Array.isArray(params)) return fail(JSON_RPC.INVALID_REQUEST, 'Invalid request');
  const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!handler) return fail(JSON_RPC.METHOD_NOT_FOUND, 'Method not found');
  try {
    return { jsonrpc: '2.0', id, result: handler(params) };
  } catch (error) {
    const known = error instanceof RpcMethodError ? error : translate(error);
    if (known) return fail(known.code, known.message, known.data);
    return fail(JSON_RPC.INTERNAL_ERROR, `Internal error: ${(error as Error).message}`);
  }
}

/**
 * A @solana/kit RPC client answered in process by `methods` (the embedded ledger): answers pass through kit's own
 * response transformers, so callers get exactly the types and values a cluster's answers would give them.
 */
export function createInProcessRpc(methods: Record<string, RpcMethod>, translate?: (error: unknown) => RpcMethodError | null): SolanaPayRpc {
  const transport: RpcTransport = <T>({ payload }: { payload: unknown }) => Promise.resolve(answerJsonRpc(methods, payload, translate) as T);
  return createSolanaRpcFromTransport(transport);
}
