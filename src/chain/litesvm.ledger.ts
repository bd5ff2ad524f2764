import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type Address,
  type KeyPairSigner,
  createKeyPairSignerFromPrivateKeyBytes,
  generateKeyPairSigner,
  getBase64Decoder,
  getSignatureFromTransaction,
  getTransactionEncoder,
  lamports,
} from '@solana/kit';
import { CreateTransferError, ParseURLError, createTransfer, parseURL } from '@solana/pay';
import { getCreateAccountInstruction } from '@solana-program/system';
import {
  TOKEN_PROGRAM_ADDRESS,
  getInitializeMint2Instruction,
  getMintDecoder,
  getMintSize,
  getMintToCheckedInstruction,
  getTokenDecoder,
  getTokenSize,
} from '@solana-program/token';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import { ChainErrorCode, ChainException } from './chain.exception.js';
import { type BlockhashLifetime, KitLedger, type SignedTransaction } from './kit.ledger.js';
import { decodeWireTransaction, memosOf } from './ledger-transactions.js';
import { decodeLookupTableAddresses, resolveLoadedAddresses } from './lookup-table.js';
import { type LedgerAccount, type LiteSvmRpcBackend, type RecordedTokenBalance, type RecordedTransaction, createLiteSvmRpc } from './litesvm-rpc.js';
import { type LedgerReceipt, type SolanaPayRpc, USDC_DECIMALS } from './solana-ledger.port.js';

export interface LiteSvmLedgerOptions {
  /** The state file, e.g. `${DATA_DIR}/chain/litesvm-ledger.bin`; created with a fresh ledger when missing. */
  statePath: string;
}

const LAMPORTS_PER_SOL = 1_000_000_000n;
const TREASURY_SOL = 1_000n * LAMPORTS_PER_SOL;
const DEMO_BUYER_SOL = 10n * LAMPORTS_PER_SOL;
/** 1,000,000 USDC: enough for any demo or test run. */
export const DEMO_BUYER_USDC = 1_000_000n * 10n ** BigInt(USDC_DECIMALS);
const LAMPORTS_PER_SIGNATURE = 5_000n;
/** LiteSVM never expires a blockhash by height; this only fills kit's lifetime field. */
const BLOCKHASH_VALIDITY_SLOTS = 150n;
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

/**
 * The embedded ledger (SOLANA_RPC_URL unset): an in-process LiteSVM with a USDC-like mint (6 decimals, mint
 * authority = treasury), the treasury wallet and its USDC token account, and a demo buyer wallet holding SOL and
 * DEMO_BUYER_USDC, all created on first start.
 *
 * State: a snapshot file holding the LiteSVM state (accounts, balances) and the keys, rewritten atomically (temp
 * file + rename) after every accepted transaction, and beside it an append-only journal of the accepted
 * transactions (wire bytes + balances, which LiteSVM does not keep; one JSON line each, `<state>.journal`). A
 * transaction's line is appended before the snapshot that includes it is written, and the snapshot records how many
 * lines it includes: after a crash between the two, the extra line is dropped on load, like the transaction it
 * describes. So a restart finds every record, the two never disagree, and a save costs the same however long the
 * history. The keys are dev-only and kept in clear, like the generated JWT secret.
 *
 * LiteSVM accepts only its latest blockhash, and the adapter moves to a new slot and blockhash after each
 * transaction (so two identical transfers get distinct signatures), hence transactions are built and sent one at
 * a time.
 */
export class LiteSvmLedger extends KitLedger {
  readonly cluster = 'litesvm';
  /** Submission is synchronous: once submit returns or throws, the transaction has landed or never will. */
  readonly landingWindowSeconds = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly bySignature = new Map<string, RecordedTransaction>();
  private readonly byAddress = new Map<Address, RecordedTransaction[]>();
  private readonly client: SolanaPayRpc;

  private constructor(
    private svm: LiteSVM,
    private readonly statePath: string,
    protected readonly treasury: KeyPairSigner,
    private readonly treasurySeed: Uint8Array,
    private readonly demoBuyer: KeyPairSigner,
    private readonly demoBuyerSeed: Uint8Array,
    readonly usdcMint: Address,
    private readonly journal: RecordedTransaction[],
  ) {
    super();
    journal.forEach((tx) => {
      this.index(tx);
    });
    this.client = createLiteSvmRpc(this.backend());
  }

  /** Opens the ledger kept at `statePath`, or creates and saves a fresh one there. */
  static async open({ statePath }: LiteSvmLedgerOptions): Promise<LiteSvmLedger> {
    return existsSync(statePath) ? LiteSvmLedger.load(statePath) : LiteSvmLedger.create(statePath);
  }

  get demoBuyerAddress(): Address {
    return this.demoBuyer.address;
  }

  rpc(): SolanaPayRpc {
    return this.client;
  }

  /**
   * Pays a Solana Pay transfer-request URL from the demo buyer wallet as a wallet app does: @solana/pay's
   * createTransfer builds the memo + transferChecked (with the reference keys) and the buyer signs and pays the fee.
   */
  async payWithDemoWallet(url: string | URL): Promise<LedgerReceipt> {
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
    try {
      const instructions = await createTransfer(this.client, this.demoBuyer, { recipient, amount, splToken, reference, memo });
      return await this.execute(instructions, this.demoBuyer);
    } catch (error) {
      if (error instanceof CreateTransferError) throw new ChainException(ChainErrorCode.INVALID_PAYMENT_REQUEST, error.message);
      throw error;
    }
  }

  /** Dev faucet: mints USDC to the owner's token account (created when missing); the treasury is the mint authority. */
  async airdropUsdc(owner: Address, amount: bigint): Promise<LedgerReceipt> {
    if (amount <= 0n) throw new ChainException(ChainErrorCode.INVALID_ARGUMENT, `airdrop amount must be positive, got ${amount}`);
    const token = await this.ensureTokenAccount(owner);
    return this.execute([getMintToCheckedInstruction({ mint: this.usdcMint, token, mintAuthority: this.treasury, amount, decimals: USDC_DECIMALS })]);
  }

  /** Dev faucet for fees: credits lamports to any address. */
  airdropSol(owner: Address, amount: bigint): void {
    const result = this.svm.airdrop(owner, lamports(amount));
    if (!result || result instanceof FailedTransactionMetadata) {
      throw new ChainException(ChainErrorCode.TRANSACTION_FAILED, `airdrop to ${owner} failed: ${result?.toString() ?? 'no result'}`);
    }
    this.save();
  }

  protected override runExclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  protected async latestBlockhash(): Promise<BlockhashLifetime> {
    return {
      blockhash: this.svm.latestBlockhash(),
      lastValidBlockHeight: this.svm.getClock().slot + BLOCKHASH_VALIDITY_SLOTS,
    };
  }

  /**
   * LiteSVM 1.5 does not add warped-to slots to the SlotHashes sysvar, which CreateLookupTable checks its recent slot
   * against: the current slot (one per transaction here, so unique per table) is added first.
   */
  protected async recentSlotForLookupTable(): Promise<bigint> {
    const slot = this.svm.getClock().slot;
    const hashes = this.svm.getSlotHashes();
    if (!hashes.some((entry) => entry.slot === slot) && hashes.length > 0) {
      const entry = hashes[0];
      entry.slot = slot;
      this.svm.setSlotHashes([entry, ...this.svm.getSlotHashes()].slice(0, 512));
    }
    return slot;
  }

  /** submit() already moved to the next slot after the transaction. */
  protected async waitForSlotAfter(): Promise<void> {}

  protected async submit(transaction: SignedTransaction): Promise<LedgerReceipt> {
    const wire = new Uint8Array(getTransactionEncoder().encode(transaction));
    // A v0 message may load accounts from lookup tables: resolve them from the tables as they are before it runs
    // (a table only grows), so the journal lists every account key in the runtime's order, as a validator does.
    const header = decodeWireTransaction(wire);
    const loadedAddresses = resolveLoadedAddresses(header.lookups, (table) =>
      decodeLookupTableAddresses(this.account(table)?.data ?? new Uint8Array()),
    );
    const decoded = header.lookups.length ? decodeWireTransaction(wire, loadedAddresses) : header;
    const keys = [...decoded.staticAccounts, ...loadedAddresses.writable, ...loadedAddresses.readonly];
    const slot = this.svm.getClock().slot;
    const preBalances = keys.map((key) => this.lamportsOf(key));
    const preTokenBalances = this.tokenBalances(keys);

    const result = this.svm.sendTransaction(transaction);
    if (result instanceof FailedTransactionMetadata) {
      const logs = result.meta().logs().slice(-5).join(' | ');
      throw new ChainException(ChainErrorCode.TRANSACTION_FAILED, `transaction rejected: ${result.toString()}; logs: ${logs}`);
    }

    const signature = getSignatureFromTransaction(transaction);
    this.append({
      signature,
      slot,
      blockTime: BigInt(Math.floor(Date.now() / 1000)),
      wire: getBase64Decoder().decode(wire),
      version: decoded.version,
      accountKeys: keys,
      loadedAddresses,
      fee: LAMPORTS_PER_SIGNATURE * BigInt(decoded.signatureCount),
      preBalances,
      postBalances: keys.map((key) => this.lamportsOf(key)),
      preTokenBalances,
      postTokenBalances: this.tokenBalances(keys),
      logMessages: result.logs(),
      computeUnitsConsumed: result.computeUnitsConsumed(),
      memos: memosOf(decoded.instructions ?? []),
    });
    this.svm.warpToSlot(slot + 1n);
    this.svm.expireBlockhash();
    this.save();
    return { signature, slot };
  }

  private static async create(statePath: string): Promise<LiteSvmLedger> {
    const treasurySeed = new Uint8Array(randomBytes(32));
    const demoBuyerSeed = new Uint8Array(randomBytes(32));
    const mint = await generateKeyPairSigner();
    const ledger = new LiteSvmLedger(
      new LiteSVM(),
      statePath,
      await createKeyPairSignerFromPrivateKeyBytes(treasurySeed),
      treasurySeed,
      await createKeyPairSignerFromPrivateKeyBytes(demoBuyerSeed),
      demoBuyerSeed,
      mint.address,
      [],
    );
    ledger.rewriteJournal(); // an empty journal, whatever a journal file left without its snapshot held
    ledger.airdropSol(ledger.treasuryAddress, TREASURY_SOL);
    ledger.airdropSol(ledger.demoBuyerAddress, DEMO_BUYER_SOL);
    const space = getMintSize();
    await ledger.execute([
      getCreateAccountInstruction({
        payer: ledger.treasury,
        newAccount: mint,
        lamports: ledger.svm.minimumBalanceForRentExemption(BigInt(space)),
        space,
        programAddress: TOKEN_PROGRAM_ADDRESS,
      }),
      getInitializeMint2Instruction({ mint: mint.address, decimals: USDC_DECIMALS, mintAuthority: ledger.treasuryAddress }),
    ]);
    // Solana Pay needs the recipient's token account to exist before anyone pays.
    await ledger.ensureTokenAccount(ledger.treasuryAddress);
    await ledger.airdropUsdc(ledger.demoBuyerAddress, DEMO_BUYER_USDC);
    return ledger;
  }

  private static async load(statePath: string): Promise<LiteSvmLedger> {
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
    const ledger = new LiteSvmLedger(
      svm,
      statePath,
      await createKeyPairSignerFromPrivateKeyBytes(treasurySeed),
      treasurySeed,
      await createKeyPairSignerFromPrivateKeyBytes(demoBuyerSeed),
      demoBuyerSeed,
      state.usdcMint,
      transactions.map(reviveTransaction),
    );
    // Start the journal file over with exactly the snapshot's transactions: drops a line no snapshot included, and
    // moves a state file from before the journal file to the new layout.
    ledger.rewriteJournal();
    return ledger;
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
    mkdirSync(dirname(this.statePath), { recursive: true });
    const temporary = `${this.statePath}.tmp`;
    writeFileSync(temporary, Buffer.concat([STATE_MAGIC, length, json, this.svm.toBytes()]));
    renameSync(temporary, this.statePath);
  }

  /**
   * Journals an accepted transaction; the snapshot written next includes it (see the class comment). The folder
   * exists: create() and load() write the journal file before any transaction.
   */
  private append(tx: RecordedTransaction): void {
    appendFileSync(this.journalPath, journalLine(tx));
    this.journal.push(tx);
    this.index(tx);
  }

  private rewriteJournal(): void {
    mkdirSync(dirname(this.statePath), { recursive: true });
    const temporary = `${this.journalPath}.tmp`;
    writeFileSync(temporary, this.journal.map(journalLine).join(''));
    renameSync(temporary, this.journalPath);
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

  private account(address: Address): LedgerAccount | null {
    const account = this.svm.getAccount(address);
    if (!account.exists || (account.lamports === 0n && account.data.length === 0)) return null;
    return { data: account.data, executable: account.executable, lamports: account.lamports, owner: account.programAddress };
  }

  private lamportsOf(address: Address): bigint {
    return this.account(address)?.lamports ?? 0n;
  }

  private tokenBalances(keys: readonly Address[]): RecordedTokenBalance[] {
    const balances: RecordedTokenBalance[] = [];
    keys.forEach((key, accountIndex) => {
      const account = this.account(key);
      if (!account || account.owner !== TOKEN_PROGRAM_ADDRESS || account.data.length !== getTokenSize()) return;
      const token = getTokenDecoder().decode(account.data);
      const mint = this.account(token.mint);
      if (!mint) return;
      const { decimals } = getMintDecoder().decode(mint.data);
      balances.push({ accountIndex, mint: token.mint, owner: token.owner, programId: TOKEN_PROGRAM_ADDRESS, amount: token.amount, decimals });
    });
    return balances;
  }

  private backend(): LiteSvmRpcBackend {
    return {
      currentSlot: () => this.svm.getClock().slot,
      account: (address) => this.account(address),
      transaction: (signature) => this.bySignature.get(signature),
      transactionsFor: (address) => this.byAddress.get(address) ?? [],
    };
  }
}

/** Restores the bigints JSON held as strings. */
function reviveTransaction(raw: unknown): RecordedTransaction {
  const tx = raw as Record<string, unknown> & RecordedTransaction;
  const big = (value: unknown) => BigInt(value as string);
  const tokenBalances = (list: readonly RecordedTokenBalance[]) => list.map((balance) => ({ ...balance, amount: big(balance.amount) }));
  return {
    ...tx,
    // Journals written before lookup tables were used have no loadedAddresses.
    loadedAddresses: tx.loadedAddresses ?? { writable: [], readonly: [] },
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
