import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type Address,
  type Blockhash,
  type Instruction,
  type KeyPairSigner,
  type ReadonlyUint8Array,
  type Transaction,
  createKeyPairSignerFromPrivateKeyBytes,
  generateKeyPairSigner,
  getAddressEncoder,
  getBase58Decoder,
  getBase64Decoder,
  getSignatureFromTransaction,
  getTransactionDecoder,
  getTransactionEncoder,
  lamports,
  signTransactionMessageWithSigners,
} from '@solana/kit';
import { CreateTransferError, ParseURLError, createTransfer, parseURL } from '@solana/pay';
import { getCreateAccountInstruction } from '@solana-program/system';
import {
  TOKEN_PROGRAM_ADDRESS,
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstruction,
  getInitializeMint2Instruction,
  getMintDecoder,
  getMintSize,
  getMintToCheckedInstruction,
  getTokenDecoder,
  getTokenSize,
} from '@solana-program/token';
import { FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from 'litesvm';
import { ChainErrorCode, ChainException } from './chain.exception.js';
import { decodeWireTransaction, memosOf } from './ledger-transactions.js';
import {
  JSON_RPC,
  type LedgerAccount,
  type LedgerRpcBackend,
  type RecordedTokenBalance,
  type RecordedTransaction,
  type RpcMethod,
  RpcMethodError,
  createInProcessRpc,
  createLedgerRpcMethods,
} from './litesvm-rpc.js';
import { decodeLookupTableAddresses, resolveLoadedAddresses } from './lookup-table.js';
import { type SolanaPayRpc, USDC_DECIMALS } from './solana-ledger.port.js';
import { type TransactionErrorJson, transactionErrorJson, transactionErrorText } from './transaction-error.js';
import { v0TransactionMessage } from './usdc-batch.js';

const LAMPORTS_PER_SOL = 1_000_000_000n;
const TREASURY_SOL = 1_000n * LAMPORTS_PER_SOL;
const DEMO_BUYER_SOL = 10n * LAMPORTS_PER_SOL;
/** 1,000,000 USDC: enough for any demo or test run. */
export const DEMO_BUYER_USDC = 1_000_000n * 10n ** BigInt(USDC_DECIMALS);
const LAMPORTS_PER_SIGNATURE = 5_000n;
/** A blockhash is accepted for this many slots after the slot it was issued in, as on a validator (MAX_PROCESSING_AGE). */
export const BLOCKHASH_VALIDITY_SLOTS = 150n;
/** How many recent slots the SlotHashes sysvar keeps (lookup tables are created against one of them). */
const SLOT_HASHES_KEPT = 512;
const STATE_MAGIC = Buffer.from('DPLSVM01', 'ascii');

/** The state file's JSON part; bigints are decimal strings. */
interface PersistedState {
  treasurySeed: string;
  demoBuyerSeed: string;
  usdcMint: Address;
  /** How many lines of the journal file this snapshot includes. */
  journalLength?: number;
  /** Before the journal file: the whole journal, rewritten with every snapshot. Read once, then moved. */
  transactions?: unknown[];
}

/** The journal file beside a state file. */
const journalPathOf = (statePath: string) => `${statePath}.journal`;

/** A journal line: one accepted transaction as JSON, bigints as decimal strings. */
const journalLine = (tx: RecordedTransaction) =>
  `${JSON.stringify(tx, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}\n`;

/** The first `count` complete lines of the journal file (later ones belong to no snapshot: see save). */
function readJournal(path: string, count: number): unknown[] {
  if (count === 0 || !existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.length - 1 < count)
    throw new ChainException(ChainErrorCode.LEDGER_STATE_INVALID, `${path} holds fewer transactions than its snapshot says (${count})`);
  return lines.slice(0, count).map((line) => JSON.parse(line) as unknown);
}

/** Files holding the wallets' seeds: owner-only. */
const PRIVATE_FILE = { mode: 0o600 } as const;

/** Writes `bytes` to `path` atomically (temp file + rename), readable by the owner only. */
function writePrivateFile(path: string, bytes: string | Uint8Array): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, bytes, PRIVATE_FILE);
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/**
 * A transaction the ledger refused before it could land (preflight failure, unknown or expired blockhash, a
 * signature it already processed, a lookup it cannot resolve): nothing changed, no fee was taken. `err` is the
 * validator's JSON error; a JSON-RPC sendTransaction answers it as error -32002 with these fields as data.
 */
export class TransactionRejected extends Error {
  constructor(
    readonly err: TransactionErrorJson,
    readonly logs: readonly string[] = [],
    readonly unitsConsumed = 0n,
  ) {
    super(`Transaction simulation failed: ${transactionErrorText(err)}`);
  }
}

/** A wire transaction that is not one (bad encoding, no signatures, a message that does not decode). */
export class MalformedTransaction extends Error {}

/** The JSON-RPC error a validator answers for the ledger's rejections; null for any other error. */
export function ledgerRpcError(error: unknown): RpcMethodError | null {
  if (error instanceof MalformedTransaction) return new RpcMethodError(JSON_RPC.INVALID_PARAMS, error.message);
  if (!(error instanceof TransactionRejected)) return null;
  if (error.err === 'SignatureFailure') {
    return new RpcMethodError(JSON_RPC.TRANSACTION_SIGNATURE_VERIFICATION_FAILURE, 'Transaction signature verification failure');
  }
  return new RpcMethodError(JSON_RPC.SEND_TRANSACTION_PREFLIGHT_FAILURE, error.message, {
    accounts: null,
    err: error.err,
    innerInstructions: null,
    logs: error.logs,
    replacementBlockhash: null,
    returnData: null,
    unitsConsumed: error.unitsConsumed,
  });
}

export interface ChainOptions {
  slotPerTransaction: boolean;
}

export interface SlotListener {
  (slot: bigint, parent: bigint): void;
}

export interface TransactionListener {
  (tx: RecordedTransaction): void;
}

/**
 * The LiteSVM state behind both the embedded ledger (in the service process) and the ledger server (`npm run
 * ledger`, shared over JSON-RPC): a USDC-like mint (6 decimals, mint authority = treasury), the treasury wallet and
 * its USDC token account, and a demo buyer wallet holding SOL and DEMO_BUYER_USDC, all created on first open.
 *
 * State: a snapshot file holding the LiteSVM state (accounts, balances) and the keys, rewritten atomically (temp
 * file + rename, owner-only) after every accepted transaction, and beside it an append-only journal of the accepted
 * transactions (wire bytes + balances, which LiteSVM does not keep; one JSON line each, `<state>.journal`). A
 * transaction's line is appended before the snapshot that includes it is written, and the snapshot records how many
 * lines it includes: after a crash between the two, the extra line is dropped on load, like the transaction it
 * describes. So a restart finds every record, the two never disagree, and a save costs the same however long the
 * history. The keys are dev-only and kept in clear (owner-only files), like the generated JWT secret.
 *
 * Blocks: the caller moves the ledger to the next slot (advanceSlot), each slot with a new blockhash, recorded in
 * the SlotHashes sysvar (address lookup tables are created against a recent slot). A transaction is accepted while
 * its blockhash is at most BLOCKHASH_VALIDITY_SLOTS slots old, and its signature only once, as a validator does;
 * LiteSVM's own latest-blockhash-only check is off so that several clients may build transactions at once.
 */
export class LiteSvmChain {
  private readonly bySignature = new Map<string, RecordedTransaction>();
  private readonly byAddress = new Map<Address, RecordedTransaction[]>();
  /** Blockhashes handed out in the last slots, with the slot each was issued in. */
  private readonly blockhashes = new Map<Blockhash, bigint>();
  /** Decimals of the mints seen in token balances (mintDecimals). */
  private readonly decimalsOf = new Map<Address, number>();
  private readonly slotListeners = new Set<SlotListener>();
  private readonly transactionListeners = new Set<TransactionListener>();
  /** The JSON-RPC methods answered from this ledger (in process by rpc(), over HTTP by the ledger server). */
  readonly rpcMethods: Record<string, RpcMethod>;
  private readonly client: SolanaPayRpc;

  private constructor(
    private readonly svm: LiteSVM,
    private readonly statePath: string,
    private readonly slotPerTransaction: boolean,
    readonly treasury: KeyPairSigner,
    private readonly treasurySeed: Uint8Array,
    readonly demoBuyer: KeyPairSigner,
    private readonly demoBuyerSeed: Uint8Array,
    readonly usdcMint: Address,
    private readonly journal: RecordedTransaction[],
  ) {
    svm.withBlockhashCheck(false);
    journal.forEach((tx) => {
      this.index(tx);
    });
    this.blockhashes.set(svm.latestBlockhash(), this.currentSlot());
    this.rpcMethods = createLedgerRpcMethods(this.backend());
    this.client = createInProcessRpc(this.rpcMethods, ledgerRpcError);
  }

  /**
   * Opens the ledger kept at `statePath`, or creates and saves a fresh one there. `slotPerTransaction`: move to the
   * next slot after each transaction (the embedded ledger, which has no clock), so that two identical transfers get
   * distinct blockhashes and signatures; the ledger server moves slots on a timer instead.
   */
  static async open(statePath: string, options: ChainOptions): Promise<LiteSvmChain> {
    return existsSync(statePath) ? LiteSvmChain.load(statePath, options) : LiteSvmChain.create(statePath, options);
  }

  /** The treasury's secret key as a Solana CLI key file holds it: the 32-byte seed, then the 32-byte public key. */
  get treasurySecretKey(): Uint8Array {
    return new Uint8Array([...this.treasurySeed, ...getAddressEncoder().encode(this.treasury.address)]);
  }

  /** An in-process RPC client answered from this ledger (the same methods the ledger server serves). */
  rpc(): SolanaPayRpc {
    return this.client;
  }

  currentSlot(): bigint {
    return this.svm.getClock().slot;
  }

  /** The blockhash of the current slot and the last block height at which a transaction using it is accepted. */
  latestBlockhash(): { blockhash: Blockhash; lastValidBlockHeight: bigint } {
    const blockhash = this.svm.latestBlockhash();
    const issued = this.blockhashes.get(blockhash) ?? this.currentSlot();
    return { blockhash, lastValidBlockHeight: issued + BLOCKHASH_VALIDITY_SLOTS };
  }

  isBlockhashValid(blockhash: string): boolean {
    const issued = this.blockhashes.get(blockhash as Blockhash);
    return issued !== undefined && this.currentSlot() - issued <= BLOCKHASH_VALIDITY_SLOTS;
  }

  /** Moves to the next slot with a new blockhash (recorded in SlotHashes); answers the new slot. */
  advanceSlot(): bigint {
    const parent = this.currentSlot();
    const slot = parent + 1n;
    this.svm.warpToSlot(slot);
    this.svm.expireBlockhash();
    const blockhash = this.svm.latestBlockhash();
    this.blockhashes.set(blockhash, slot);
    for (const [hash, issued] of this.blockhashes) {
      if (slot - issued <= BLOCKHASH_VALIDITY_SLOTS) break;
      this.blockhashes.delete(hash);
    }
    this.svm.setSlotHashes([{ slot, hash: blockhash }, ...this.svm.getSlotHashes()].slice(0, SLOT_HASHES_KEPT));
    for (const listener of this.slotListeners) listener(slot, parent);
    return slot;
  }

  onSlot(listener: SlotListener): () => void {
    this.slotListeners.add(listener);
    return () => this.slotListeners.delete(listener);
  }

  /** Called with every transaction that landed (successful or failed with its fee taken). */
  onTransaction(listener: TransactionListener): () => void {
    this.transactionListeners.add(listener);
    return () => this.transactionListeners.delete(listener);
  }

  /**
   * Runs a signed wire transaction at the current slot. With `preflight` (what clients get unless they skip it) a
   * transaction that would fail is simulated first and refused (TransactionRejected) without a fee; without it, a
   * failing transaction lands failed, its fee taken, and is recorded with its error like any other.
   */
  process(wire: ReadonlyUint8Array, options: { preflight: boolean }): RecordedTransaction {
    let transaction: Transaction;
    let header: ReturnType<typeof decodeWireTransaction>;
    try {
      transaction = getTransactionDecoder().decode(wire);
      header = decodeWireTransaction(wire);
    } catch (error) {
      throw new MalformedTransaction(`failed to deserialize the transaction: ${(error as Error).message}`);
    }
    const signature = getSignatureFromTransaction(transaction);
    if (this.bySignature.has(signature)) throw new TransactionRejected('AlreadyProcessed');
    if (!this.isBlockhashValid(header.lifetimeToken)) throw new TransactionRejected('BlockhashNotFound');
    // A v0 message may load accounts from lookup tables: resolve them from the tables as they are before it runs
    // (a table only grows), so the record lists every account key in the runtime's order, as a validator does.
    let loadedAddresses: RecordedTransaction['loadedAddresses'];
    try {
      loadedAddresses = resolveLoadedAddresses(header.lookups, (table) => {
        const account = this.account(table);
        if (!account) throw new TransactionRejected('AddressLookupTableNotFound');
        return decodeLookupTableAddresses(account.data);
      });
    } catch (error) {
      throw error instanceof TransactionRejected ? error : new TransactionRejected('InvalidAddressLookupTableIndex');
    }
    const decoded = header.lookups.length ? decodeWireTransaction(wire, loadedAddresses) : header;
    const keys = [...decoded.staticAccounts, ...loadedAddresses.writable, ...loadedAddresses.readonly];

    if (options.preflight) {
      const simulated = this.svm.simulateTransaction(transaction);
      if (simulated instanceof FailedTransactionMetadata) {
        throw new TransactionRejected(transactionErrorJson(simulated.err()), simulated.meta().logs(), simulated.meta().computeUnitsConsumed());
      }
    }
    const slot = this.currentSlot();
    // Each account read once before and once after (a read decodes and encodes base58 addresses in LiteSVM's binding).
    const before = keys.map((key) => this.account(key));
    const preBalances = before.map(lamportsIn);
    const result = this.svm.sendTransaction(transaction);
    let meta: TransactionMetadata;
    let err: TransactionErrorJson | null = null;
    if (result instanceof FailedTransactionMetadata) {
      err = transactionErrorJson(result.err());
      // Refused before execution (no fee taken): nothing landed.
      if (this.lamportsOf(keys[0]) === preBalances[0]) throw new TransactionRejected(err, result.meta().logs(), result.meta().computeUnitsConsumed());
      meta = result.meta();
    } else {
      meta = result;
    }
    const after = keys.map((key) => this.account(key));
    const record: RecordedTransaction = {
      signature,
      slot,
      blockTime: BigInt(Math.floor(Date.now() / 1000)),
      wire: getBase64Decoder().decode(wire),
      version: decoded.version,
      accountKeys: keys,
      loadedAddresses,
      fee: LAMPORTS_PER_SIGNATURE * BigInt(decoded.signatureCount),
      preBalances,
      postBalances: after.map(lamportsIn),
      preTokenBalances: this.tokenBalances(before),
      postTokenBalances: this.tokenBalances(after),
      logMessages: meta.logs(),
      computeUnitsConsumed: meta.computeUnitsConsumed(),
      memos: err === null ? memosOf(decoded.instructions ?? []) : [],
      err,
      innerInstructions: innerInstructionsOf(meta),
    };
    this.append(record);
    this.save();
    for (const listener of this.transactionListeners) listener(record);
    if (this.slotPerTransaction) this.advanceSlot();
    return record;
  }

  /** Builds, signs (fee payer first) and processes `instructions` at the latest blockhash; throws when they fail. */
  async execute(instructions: readonly Instruction[], feePayer: KeyPairSigner = this.treasury): Promise<RecordedTransaction> {
    const message = v0TransactionMessage(feePayer, this.latestBlockhash(), instructions);
    const signed = await signTransactionMessageWithSigners(message);
    const wire = getTransactionEncoder().encode(signed);
    try {
      const record = this.process(wire, { preflight: true });
      if (record.err !== null) throw new TransactionRejected(record.err, record.logMessages);
      return record;
    } catch (error) {
      if (!(error instanceof TransactionRejected)) throw error;
      const logs = error.logs.slice(-5).join(' | ');
      throw new ChainException(ChainErrorCode.TRANSACTION_FAILED, `transaction rejected: ${error.message}${logs ? `; logs: ${logs}` : ''}`);
    }
  }

  /**
   * Pays a Solana Pay transfer-request URL from the demo buyer wallet as a wallet app does: @solana/pay's
   * createTransfer builds the memo + transferChecked (with the reference keys) and the buyer signs and pays the fee.
   */
  async payWithDemoWallet(url: string | URL): Promise<RecordedTransaction> {
    if (typeof url === 'string' && !URL.canParse(url)) {
      throw new ChainException(ChainErrorCode.INVALID_PAYMENT_REQUEST, 'not a Solana Pay transfer request: not a URL');
    }
    let fields: ReturnType<typeof parseURL>;
    try {
      fields = parseURL(url);
    } catch (error) {
      // A URIError comes from a transaction-request link that is not percent-encoded properly.
      if (error instanceof ParseURLError || error instanceof URIError) {
        throw new ChainException(ChainErrorCode.INVALID_PAYMENT_REQUEST, `not a Solana Pay transfer request: ${error.message}`);
      }
      throw error;
    }
    if (!('recipient' in fields) || fields.amount === undefined) {
      throw new ChainException(ChainErrorCode.INVALID_PAYMENT_REQUEST, 'only transfer requests with an amount can be paid');
    }
    const { recipient, amount, splToken, reference, memo } = fields;
    let instructions: Instruction[];
    try {
      instructions = await createTransfer(this.client, this.demoBuyer, { recipient, amount, splToken, reference, memo });
    } catch (error) {
      if (error instanceof CreateTransferError) throw new ChainException(ChainErrorCode.INVALID_PAYMENT_REQUEST, error.message);
      throw error;
    }
    return this.execute(instructions, this.demoBuyer);
  }

  /** Dev faucet: mints USDC to the owner's token account (created when missing); the treasury is the mint authority. */
  async mintUsdc(owner: Address, amount: bigint): Promise<RecordedTransaction> {
    if (amount <= 0n) throw new ChainException(ChainErrorCode.INVALID_ARGUMENT, `airdrop amount must be positive, got ${amount}`);
    const [token] = await findAssociatedTokenPda({ owner, mint: this.usdcMint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    return this.execute([
      getCreateAssociatedTokenIdempotentInstruction({ payer: this.treasury, ata: token, owner, mint: this.usdcMint }),
      getMintToCheckedInstruction({ mint: this.usdcMint, token, mintAuthority: this.treasury, amount, decimals: USDC_DECIMALS }),
    ]);
  }

  /** Dev faucet for fees: credits lamports to any address (outside any recorded transaction). */
  airdropSol(owner: Address, amount: bigint): void {
    const result = this.svm.airdrop(owner, lamports(amount));
    if (!result || result instanceof FailedTransactionMetadata) {
      throw new ChainException(ChainErrorCode.TRANSACTION_FAILED, `airdrop to ${owner} failed: ${result?.toString() ?? 'no result'}`);
    }
    this.save();
  }

  account(address: Address): LedgerAccount | null {
    const account = this.svm.getAccount(address);
    if (!account.exists || (account.lamports === 0n && account.data.length === 0)) return null;
    return { data: account.data, executable: account.executable, lamports: account.lamports, owner: account.programAddress };
  }

  private static async create(statePath: string, { slotPerTransaction }: ChainOptions): Promise<LiteSvmChain> {
    const treasurySeed = new Uint8Array(randomBytes(32));
    const demoBuyerSeed = new Uint8Array(randomBytes(32));
    const mint = await generateKeyPairSigner();
    const chain = await LiteSvmChain.assemble(new LiteSVM(), statePath, slotPerTransaction, { treasurySeed, demoBuyerSeed }, mint.address, []);
    chain.rewriteJournal(); // an empty journal, whatever a journal file left without its snapshot held
    chain.advanceSlot();
    chain.airdropSol(chain.treasury.address, TREASURY_SOL);
    chain.airdropSol(chain.demoBuyer.address, DEMO_BUYER_SOL);
    const space = getMintSize();
    await chain.execute([
      getCreateAccountInstruction({
        payer: chain.treasury,
        newAccount: mint,
        lamports: chain.svm.minimumBalanceForRentExemption(BigInt(space)),
        space,
        programAddress: TOKEN_PROGRAM_ADDRESS,
      }),
      getInitializeMint2Instruction({ mint: mint.address, decimals: USDC_DECIMALS, mintAuthority: chain.treasury.address }),
    ]);
    // Solana Pay needs the recipient's token account to exist before anyone pays.
    const [treasuryToken] = await findAssociatedTokenPda({ owner: chain.treasury.address, mint: mint.address, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    await chain.execute([
      getCreateAssociatedTokenIdempotentInstruction({ payer: chain.treasury, ata: treasuryToken, owner: chain.treasury.address, mint: mint.address }),
    ]);
    await chain.mintUsdc(chain.demoBuyer.address, DEMO_BUYER_USDC);
    return chain;
  }

  private static async assemble(
    svm: LiteSVM,
    statePath: string,
    slotPerTransaction: boolean,
    { treasurySeed, demoBuyerSeed }: { treasurySeed: Uint8Array; demoBuyerSeed: Uint8Array },
    usdcMint: Address,
    journal: RecordedTransaction[],
  ): Promise<LiteSvmChain> {
    const [treasury, demoBuyer] = await Promise.all([
      createKeyPairSignerFromPrivateKeyBytes(treasurySeed),
      createKeyPairSignerFromPrivateKeyBytes(demoBuyerSeed),
    ]);
    return new LiteSvmChain(svm, statePath, slotPerTransaction, treasury, treasurySeed, demoBuyer, demoBuyerSeed, usdcMint, journal);
  }

  private static async load(statePath: string, { slotPerTransaction }: ChainOptions): Promise<LiteSvmChain> {
    const file = readFileSync(statePath);
    if (file.length < STATE_MAGIC.length + 4 || !file.subarray(0, STATE_MAGIC.length).equals(STATE_MAGIC)) {
      throw new ChainException(ChainErrorCode.LEDGER_STATE_INVALID, `${statePath} is not an embedded ledger state file`);
    }
    const jsonLength = file.readUInt32LE(STATE_MAGIC.length);
    const jsonStart = STATE_MAGIC.length + 4;
    const state = JSON.parse(file.subarray(jsonStart, jsonStart + jsonLength).toString('utf8')) as PersistedState;
    const svm = LiteSVM.fromBytes(new Uint8Array(file.subarray(jsonStart + jsonLength)));
    const transactions = state.transactions ?? readJournal(journalPathOf(statePath), state.journalLength ?? 0);
    const treasurySeed = new Uint8Array(Buffer.from(state.treasurySeed, 'base64'));
    const demoBuyerSeed = new Uint8Array(Buffer.from(state.demoBuyerSeed, 'base64'));
    const seeds = { treasurySeed, demoBuyerSeed };
    const chain = await LiteSvmChain.assemble(svm, statePath, slotPerTransaction, seeds, state.usdcMint, transactions.map(reviveTransaction));
    // Start the journal file over with exactly the snapshot's transactions: drops a line no snapshot included, and
    // moves a state file from before the journal file to the new layout (owner-only files).
    chain.rewriteJournal();
    // The snapshot was written in the slot of its last transaction: go on from the next one, never back.
    chain.advanceSlot();
    return chain;
  }

  private save(): void {
    const state: PersistedState = {
      treasurySeed: Buffer.from(this.treasurySeed).toString('base64'),
      demoBuyerSeed: Buffer.from(this.demoBuyerSeed).toString('base64'),
      usdcMint: this.usdcMint,
      journalLength: this.journal.length,
    };
    const json = Buffer.from(JSON.stringify(state));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    writePrivateFile(this.statePath, Buffer.concat([STATE_MAGIC, length, json, this.svm.toBytes()]));
  }

  /**
   * Journals an accepted transaction; the snapshot written next includes it (see the class comment). The folder
   * exists: create() and load() write the journal file before any transaction.
   */
  private append(tx: RecordedTransaction): void {
    appendFileSync(this.journalPath, journalLine(tx), PRIVATE_FILE);
    this.journal.push(tx);
    this.index(tx);
  }

  private rewriteJournal(): void {
    mkdirSync(dirname(this.statePath), { recursive: true, mode: 0o700 });
    writePrivateFile(this.journalPath, this.journal.map(journalLine).join(''));
    this.save();
  }

  private get journalPath(): string {
    return journalPathOf(this.statePath);
  }

  private index(tx: RecordedTransaction): void {
    this.bySignature.set(tx.signature, tx);
    for (const key of tx.accountKeys) {
      const list = this.byAddress.get(key) ?? [];
      list.push(tx);
      this.byAddress.set(key, list);
    }
  }

  private lamportsOf(address: Address): bigint {
    return lamportsIn(this.account(address));
  }

  /** The token balances among a transaction's accounts (as read before or after it), by account index. */
  private tokenBalances(accounts: readonly (LedgerAccount | null)[]): RecordedTokenBalance[] {
    const balances: RecordedTokenBalance[] = [];
    accounts.forEach((account, accountIndex) => {
      if (!account || account.owner !== TOKEN_PROGRAM_ADDRESS || account.data.length !== getTokenSize()) return;
      const token = getTokenDecoder().decode(account.data);
      const decimals = this.mintDecimals(token.mint);
      if (decimals === undefined) return;
      balances.push({ accountIndex, mint: token.mint, owner: token.owner, programId: TOKEN_PROGRAM_ADDRESS, amount: token.amount, decimals });
    });
    return balances;
  }

  /** A mint's decimals (fixed when an SPL Token mint is made, and such a mint is never closed): read once. */
  private mintDecimals(mint: Address): number | undefined {
    let decimals = this.decimalsOf.get(mint);
    if (decimals === undefined) {
      const account = this.account(mint);
      if (!account) return undefined;
      decimals = getMintDecoder().decode(account.data).decimals;
      this.decimalsOf.set(mint, decimals);
    }
    return decimals;
  }

  private backend(): LedgerRpcBackend {
    return {
      currentSlot: () => this.currentSlot(),
      latestBlockhash: () => this.latestBlockhash(),
      isBlockhashValid: (blockhash) => this.isBlockhashValid(blockhash),
      account: (address) => this.account(address),
      transaction: (signature) => this.bySignature.get(signature),
      transactionsFor: (address) => this.byAddress.get(address) ?? [],
      transactionCount: () => BigInt(this.journal.length),
      minimumBalanceForRentExemption: (size) => this.svm.minimumBalanceForRentExemption(size),
      epochSchedule: () => this.svm.getEpochSchedule(),
      sendTransaction: (wire, preflight) => this.process(wire, { preflight }).signature,
    };
  }
}

/** An account's lamports as a balance: 0 for one that does not exist. */
const lamportsIn = (account: LedgerAccount | null): bigint => account?.lamports ?? 0n;

/** LiteSVM's inner instructions as a validator reports them: per top-level instruction index, compiled instructions. */
function innerInstructionsOf(meta: TransactionMetadata): RecordedTransaction['innerInstructions'] {
  const base58 = getBase58Decoder();
  return meta
    .innerInstructions()
    .map((list, index) => ({
      index,
      instructions: list.map((inner) => {
        const compiled = inner.instruction();
        return {
          programIdIndex: compiled.programIdIndex(),
          accounts: [...compiled.accounts()],
          data: base58.decode(compiled.data()),
          stackHeight: inner.stackHeight(),
        };
      }),
    }))
    .filter((entry) => entry.instructions.length > 0);
}

/** Restores the bigints JSON held as strings; fills fields journals written by older versions lack. */
function reviveTransaction(raw: unknown): RecordedTransaction {
  type Journaled = Omit<RecordedTransaction, 'err' | 'innerInstructions' | 'loadedAddresses'> &
    Partial<Pick<RecordedTransaction, 'err' | 'innerInstructions' | 'loadedAddresses'>>;
  const tx = raw as Journaled;
  const big = (value: unknown) => BigInt(value as string);
  const tokenBalances = (list: readonly RecordedTokenBalance[]) => list.map((balance) => ({ ...balance, amount: big(balance.amount) }));
  return {
    ...tx,
    loadedAddresses: tx.loadedAddresses ?? { writable: [], readonly: [] },
    err: tx.err ?? null,
    innerInstructions: tx.innerInstructions ?? [],
    slot: big(tx.slot),
    blockTime: big(tx.blockTime),
    fee: big(tx.fee),
    computeUnitsConsumed: big(tx.computeUnitsConsumed),
    preBalances: tx.preBalances.map(big),
    postBalances: tx.postBalances.map(big),
    preTokenBalances: tokenBalances(tx.preTokenBalances),
    postTokenBalances: tokenBalances(tx.postTokenBalances),
  };
}
