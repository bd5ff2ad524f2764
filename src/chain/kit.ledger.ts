import {
  AccountRole,
  type Address,
  type Instruction,
  type Signature,
  type TransactionSigner,
  type AddressesByLookupTableAddress,
  fetchEncodedAccount,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
} from '@solana/kit';
import { getAddMemoInstruction } from '@solana-program/memo';
import { getTransferSolInstruction } from '@solana-program/system';
import {
  TOKEN_PROGRAM_ADDRESS,
  fetchMaybeToken,
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstruction,
  getTransferCheckedInstruction,
} from '@solana-program/token';
import { ChainErrorCode, ChainException } from './chain.exception.js';
import { assertValidMemo, decodeBase64WireTransaction, memosOf } from './ledger-transactions.js';
import {
  type LedgerReceipt,
  type MemoOptions,
  SolanaLedger,
  type SolanaPayRpc,
  USDC_DECIMALS,
  type UsdcBatchOptions,
  type UsdcTransferOptions,
} from './solana-ledger.port.js';
import {
  LOOKUP_TABLE_MAX_ADDRESSES,
  decodeLookupTableAddresses,
  findLookupTableAddress,
  getCreateLookupTableInstruction,
  getExtendLookupTableInstruction,
} from './lookup-table.js';
import {
  MAX_TRANSACTION_BYTES,
  type UsdcTransfer,
  transactionSize,
  usdcBatchInstructions,
  usdcTransfersPerTransaction,
  v0TransactionMessage,
} from './usdc-batch.js';

/** Addresses per ExtendLookupTable transaction: 30 x 32 bytes leave room for the signature, keys and header. */
const LOOKUP_TABLE_ADDRESSES_PER_EXTEND = 30;

/**
 * Each CreateIdempotent runs 5 instructions (itself and 4 inner ones) against a limit of 64 per transaction
 * (MaxInstructionTraceLengthExceeded): 12 would fit; 10 leaves room for a slower path through the program.
 */
const TOKEN_ACCOUNTS_PER_TRANSACTION = 10;

/** A blockhash lifetime as @solana/kit's `setTransactionMessageLifetimeUsingBlockhash` takes it. */
export type BlockhashLifetime = Parameters<typeof setTransactionMessageLifetimeUsingBlockhash>[0];

/** A transaction signed by every signer its instructions name, ready to submit. */
export type SignedTransaction = Awaited<ReturnType<typeof signTransactionMessageWithSigners>>;

/**
 * Everything both adapters share: building, signing and reading transactions with @solana/kit. An adapter
 * supplies the blockhash and the submission (send + confirm), so the LiteSVM tests run the production code path
 * up to the wire bytes.
 */
export abstract class KitLedger extends SolanaLedger {
  protected abstract readonly treasury: TransactionSigner;
  private batchCapacity?: Map<string, number>;

  protected abstract latestBlockhash(): Promise<BlockhashLifetime>;

  /** A slot in the SlotHashes sysvar, unique to this table creation (a lookup table's address derives from it). */
  protected abstract recentSlotForLookupTable(): Promise<bigint>;

  /** Resolves once the ledger is past the slot of `receipt`: a table extension is usable from the next slot on. */
  protected abstract waitForSlotAfter(receipt: LedgerReceipt): Promise<void>;

  /** Sends a signed transaction and resolves once it is confirmed; throws ChainException when it fails. */
  protected abstract submit(transaction: SignedTransaction): Promise<LedgerReceipt>;

  /** Runs one build-sign-submit sequence; an adapter whose blockhash changes after every transaction serializes them. */
  protected runExclusive<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  get treasuryAddress(): Address {
    return this.treasury.address;
  }

  /**
   * Builds a v0 message, signs it and submits it. Without `lookupTables` (every buyer payment and memo record) the
   * message names every account itself, so @solana/pay can read it; payout batches pass their table.
   */
  protected execute(
    instructions: readonly Instruction[],
    feePayer: TransactionSigner = this.treasury,
    lookupTables?: AddressesByLookupTableAddress,
  ): Promise<LedgerReceipt> {
    return this.runExclusive(() => this.executeNow(instructions, feePayer, lookupTables));
  }

  /**
   * Creates a lookup table owned by the treasury holding `addresses` (at most 256), in one create and
   * ceil(n / 30) extend transactions, and resolves once it is usable (the slot after the last extension).
   */
  override async createLookupTable(addresses: readonly Address[]): Promise<{ address: Address; transactions: number }> {
    const unique = [...new Set(addresses)];
    if (unique.length === 0 || unique.length > LOOKUP_TABLE_MAX_ADDRESSES) {
      throw new ChainException(
        ChainErrorCode.INVALID_ARGUMENT,
        `a lookup table holds 1 to ${LOOKUP_TABLE_MAX_ADDRESSES} addresses, got ${unique.length}`,
      );
    }
    const { table, receipt } = await this.runExclusive(async () => {
      const recentSlot = await this.recentSlotForLookupTable();
      const [table, bump] = await findLookupTableAddress(this.treasury.address, recentSlot);
      const create = getCreateLookupTableInstruction({ table, authority: this.treasury, payer: this.treasury, recentSlot, bump });
      return { table, receipt: await this.executeNow([create]) };
    });
    let last = receipt;
    let transactions = 1;
    for (let i = 0; i < unique.length; i += LOOKUP_TABLE_ADDRESSES_PER_EXTEND) {
      const chunk = unique.slice(i, i + LOOKUP_TABLE_ADDRESSES_PER_EXTEND);
      last = await this.execute([getExtendLookupTableInstruction({ table, authority: this.treasury, payer: this.treasury, addresses: chunk })]);
      transactions += 1;
    }
    await this.waitForSlotAfter(last);
    return { address: table, transactions };
  }

  /** The addresses a lookup table holds; empty when it does not exist. */
  override async lookupTableAddresses(table: Address): Promise<Address[]> {
    const account = await fetchEncodedAccount(this.rpc(), table);
    return account.exists ? decodeLookupTableAddresses(account.data) : [];
  }

  /** execute() for a caller already inside runExclusive. */
  private async executeNow(
    instructions: readonly Instruction[],
    feePayer: TransactionSigner = this.treasury,
    lookupTables?: AddressesByLookupTableAddress,
  ): Promise<LedgerReceipt> {
    const message = v0TransactionMessage(feePayer, await this.latestBlockhash(), instructions, lookupTables);
    return this.submit(await signTransactionMessageWithSigners(message));
  }

  async recordMemo(memo: string, options: MemoOptions = {}): Promise<LedgerReceipt> {
    assertValidMemo(memo);
    const instructions: Instruction[] = [getAddMemoInstruction({ memo, signers: [this.treasury] })];
    if (options.reference) instructions.push(this.referenceInstruction(options.reference));
    return this.execute(instructions);
  }

  async findByReference(reference: Address): Promise<LedgerReceipt | null> {
    const found = await this.rpc().getSignaturesForAddress(reference, { commitment: 'confirmed' }).send();
    // Newest first: walk from the oldest. A fresh reference names one or two transactions, so one page is enough.
    for (const entry of [...found].reverse()) {
      if (entry.err === null && (await this.paidByTreasury(entry.signature))) return { signature: entry.signature, slot: entry.slot };
    }
    return null;
  }

  async findMemo(signature: Signature): Promise<string | null> {
    const response = await this.rpc()
      .getTransaction(signature, { encoding: 'base64', maxSupportedTransactionVersion: 0, commitment: 'confirmed' })
      .send();
    if (!response || response.meta?.err) return null;
    // A payout batch loads its token accounts from a lookup table: rebuild its instructions with the loaded addresses.
    const decoded = decodeBase64WireTransaction(response.transaction[0], response.meta?.loadedAddresses);
    return memosOf(decoded.instructions ?? []).at(0) ?? null;
  }

  override async tokenAccountOf(owner: Address): Promise<Address> {
    const [ata] = await findAssociatedTokenPda({ owner, mint: this.usdcMint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    return ata;
  }

  async ensureTokenAccount(owner: Address): Promise<Address> {
    const ata = await this.tokenAccountOf(owner);
    const account = await fetchEncodedAccount(this.rpc(), ata);
    if (!account.exists) await this.execute([this.createTokenAccountInstruction(owner, ata)]);
    return ata;
  }

  async transferUsdc(from: TransactionSigner, to: Address, amount: bigint, options: UsdcTransferOptions = {}): Promise<LedgerReceipt> {
    if (amount <= 0n) throw new ChainException(ChainErrorCode.INVALID_ARGUMENT, `transfer amount must be positive, got ${amount}`);
    const [source, destination] = await Promise.all([this.tokenAccountOf(from.address), this.tokenAccountOf(to)]);
    const instructions: Instruction[] = [];
    // The memo goes first: long transactions truncate logs, and @solana/pay puts it before the transfer as well.
    if (options.memo !== undefined) {
      assertValidMemo(options.memo);
      instructions.push(getAddMemoInstruction({ memo: options.memo }));
    }
    if (!(await fetchEncodedAccount(this.rpc(), destination)).exists) {
      instructions.push(this.createTokenAccountInstruction(to, destination));
    }
    instructions.push(getTransferCheckedInstruction({ source, mint: this.usdcMint, destination, authority: from, amount, decimals: USDC_DECIMALS }));
    return this.execute(instructions);
  }

  override async transferUsdcBatch(transfers: readonly UsdcTransfer[], options: UsdcBatchOptions = {}): Promise<LedgerReceipt> {
    if (transfers.length === 0) throw new ChainException(ChainErrorCode.INVALID_ARGUMENT, 'a batch needs at least one transfer');
    const bad = transfers.find((transfer) => transfer.amount <= 0n);
    if (bad) throw new ChainException(ChainErrorCode.INVALID_ARGUMENT, `transfer amount must be positive, got ${bad.amount} to ${bad.to}`);
    if (options.memo !== undefined) assertValidMemo(options.memo);
    const source = await this.tokenAccountOf(this.treasury.address);
    const destinations = await Promise.all(transfers.map((transfer) => this.tokenAccountOf(transfer.to)));
    const planned = transfers.map((transfer, i) => ({ source, destination: destinations[i], amount: transfer.amount }));
    const instructions = usdcBatchInstructions(this.treasury, planned, options);
    let tables: AddressesByLookupTableAddress | undefined;
    if (options.lookupTable) {
      const held = await this.lookupTableAddresses(options.lookupTable);
      if (held.length === 0) throw new ChainException(ChainErrorCode.INVALID_ARGUMENT, `lookup table ${options.lookupTable} does not exist`);
      tables = { [options.lookupTable]: held };
    }
    const size = transactionSize(this.treasury, instructions, tables);
    if (size > MAX_TRANSACTION_BYTES) {
      throw new ChainException(
        ChainErrorCode.INVALID_ARGUMENT,
        `${transfers.length} transfers take ${size} bytes, over the ${MAX_TRANSACTION_BYTES}-byte limit`,
      );
    }
    return this.execute(instructions, this.treasury, tables);
  }

  override usdcBatchCapacity(memoBytes: number, withLookupTable = false): number {
    this.batchCapacity ??= new Map();
    const key = `${memoBytes}:${withLookupTable}`;
    let capacity = this.batchCapacity.get(key);
    if (capacity === undefined) {
      capacity = usdcTransfersPerTransaction(this.treasury, memoBytes, withLookupTable);
      this.batchCapacity.set(key, capacity);
    }
    return capacity;
  }

  override async ensureTokenAccounts(owners: readonly Address[]): Promise<number> {
    const unique = [...new Set(owners)];
    const accounts = await Promise.all(unique.map((owner) => this.tokenAccountOf(owner)));
    const missing: Instruction[] = [];
    for (let i = 0; i < unique.length; i += 100) {
      const { value } = await this.rpc()
        .getMultipleAccounts(accounts.slice(i, i + 100), { encoding: 'base64' })
        .send();
      value.forEach((account, j) => {
        if (!account) missing.push(this.createTokenAccountInstruction(unique[i + j], accounts[i + j]));
      });
    }
    let transactions = 0;
    while (missing.length > 0) {
      let count = 1;
      while (
        count < Math.min(missing.length, TOKEN_ACCOUNTS_PER_TRANSACTION) &&
        transactionSize(this.treasury, missing.slice(0, count + 1)) <= MAX_TRANSACTION_BYTES
      ) {
        count += 1;
      }
      await this.execute(missing.splice(0, count));
      transactions += 1;
    }
    return transactions;
  }

  async usdcBalance(owner: Address): Promise<bigint> {
    const account = await fetchMaybeToken(this.rpc(), await this.tokenAccountOf(owner));
    return account.exists ? account.data.amount : 0n;
  }

  /** A 0-lamport transfer from the treasury to itself carrying `reference` as a read-only, non-signing account. */
  private referenceInstruction(reference: Address): Instruction {
    const transfer = getTransferSolInstruction({ source: this.treasury, destination: this.treasury.address, amount: 0n });
    return { ...transfer, accounts: [...transfer.accounts, { address: reference, role: AccountRole.READONLY }] };
  }

  private async paidByTreasury(signature: Signature): Promise<boolean> {
    const response = await this.rpc()
      .getTransaction(signature, { encoding: 'base64', maxSupportedTransactionVersion: 0, commitment: 'confirmed' })
      .send();
    if (!response || response.meta?.err) return false;
    return decodeBase64WireTransaction(response.transaction[0]).staticAccounts[0] === this.treasury.address;
  }

  private createTokenAccountInstruction(owner: Address, ata: Address): Instruction {
    return getCreateAssociatedTokenIdempotentInstruction({ payer: this.treasury, ata, owner, mint: this.usdcMint });
  }

  abstract override rpc(): SolanaPayRpc;
}
