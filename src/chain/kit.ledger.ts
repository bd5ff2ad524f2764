import {
  type Address,
  type Instruction,
  type Signature,
  type TransactionSigner,
  appendTransactionMessageInstructions,
  createTransactionMessage,
  fetchEncodedAccount,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
} from '@solana/kit';
import { getAddMemoInstruction } from '@solana-program/memo';
import {
  TOKEN_PROGRAM_ADDRESS,
  fetchMaybeToken,
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstruction,
  getTransferCheckedInstruction,
} from '@solana-program/token';
import { ChainErrorCode, ChainException } from './chain.exception.js';
import { assertValidMemo, decodeBase64WireTransaction, memosOf } from './ledger-transactions.js';
import { type LedgerReceipt, SolanaLedger, type SolanaPayRpc, USDC_DECIMALS, type UsdcTransferOptions } from './solana-ledger.port.js';

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

  protected abstract latestBlockhash(): Promise<BlockhashLifetime>;

  /** Sends a signed transaction and resolves once it is confirmed; throws ChainException when it fails. */
  protected abstract submit(transaction: SignedTransaction): Promise<LedgerReceipt>;

  /** Runs one build-sign-submit sequence; an adapter whose blockhash changes after every transaction serializes them. */
  protected runExclusive<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  get treasuryAddress(): Address {
    return this.treasury.address;
  }

  /** Builds a v0 message (no lookup tables, so @solana/pay can read it), signs it and submits it. */
  protected execute(instructions: readonly Instruction[], feePayer: TransactionSigner = this.treasury): Promise<LedgerReceipt> {
    return this.runExclusive(async () => {
      const lifetime = await this.latestBlockhash();
      const message = pipe(
        createTransactionMessage({ version: 0 }),
        (m) => setTransactionMessageFeePayerSigner(feePayer, m),
        (m) => setTransactionMessageLifetimeUsingBlockhash(lifetime, m),
        (m) => appendTransactionMessageInstructions(instructions, m),
      );
      return this.submit(await signTransactionMessageWithSigners(message));
    });
  }

  async recordMemo(memo: string): Promise<LedgerReceipt> {
    assertValidMemo(memo);
    return this.execute([getAddMemoInstruction({ memo, signers: [this.treasury] })]);
  }

  async findMemo(signature: Signature): Promise<string | null> {
    const response = await this.rpc()
      .getTransaction(signature, { encoding: 'base64', maxSupportedTransactionVersion: 0, commitment: 'confirmed' })
      .send();
    if (!response || response.meta?.err) return null;
    const [memo] = memosOf(decodeBase64WireTransaction(response.transaction[0]).instructions);
    return memo ?? null;
  }

  async tokenAccountOf(owner: Address): Promise<Address> {
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
    instructions.push(
      getTransferCheckedInstruction({ source, mint: this.usdcMint, destination, authority: from, amount, decimals: USDC_DECIMALS }),
    );
    return this.execute(instructions);
  }

  async usdcBalance(owner: Address): Promise<bigint> {
    const account = await fetchMaybeToken(this.rpc(), await this.tokenAccountOf(owner));
    return account.exists ? account.data.amount : 0n;
  }

  private createTokenAccountInstruction(owner: Address, ata: Address): Instruction {
    return getCreateAssociatedTokenIdempotentInstruction({ payer: this.treasury, ata, owner, mint: this.usdcMint });
  }

  abstract override rpc(): SolanaPayRpc;
}
