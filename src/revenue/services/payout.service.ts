import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { address, getAddressDecoder, isAddress } from '@solana/kit';
import { DataSource } from 'typeorm';
import { UserDirectoryService } from '../../auth/services/user-directory.service.js';
import { SolanaLedger } from '../../chain/solana-ledger.port.js';
import { LOOKUP_TABLE_MAX_ADDRESSES } from '../../chain/lookup-table.js';
import { packInto } from '../../chain/usdc-batch.js';
import { AppConfig } from '../../config/app-config.js';
import { StripeGateway } from '../../stripe/stripe-gateway.port.js';
import { JobsService } from '../../queue/jobs.service.js';
import type { SplitCurrency } from '../../provenance/split-leaf.js';
import { PayoutResponse, PayoutRunResponse } from '../dto/payout-run.response.js';
import { responseOf } from '../dto/response-of.js';
import type { PayoutMethodEntity } from '../entities/payout-method.entity.js';
import { type LedgerEntry, LedgerRepository, type PayableBalance } from '../repositories/ledger.repository.js';
import { type NewPayoutBatch, PayoutRepository, type PayoutRow } from '../repositories/payout.repository.js';
import { SplitRepository } from '../repositories/split.repository.js';
import { allocatePayout, type TransferPart } from '../payout-allocation.js';
import { sendPayoutBatchQueue } from '../revenue.jobs.js';
import { ExactlyOnceSenderService, type SendOutcome } from './exactly-once-sender.service.js';

/** USDC is a dollar stablecoin with 6 decimals: a cent is 10,000 base units, exactly. */
export const USDC_BASE_UNITS_PER_CENT = 10_000n;
/** The synchronous run normally sends the batches itself; the job is the safety net when it crashes or fails. */
const BATCH_JOB_DELAY_SECONDS = 60;
export const STRIPE_NOT_CONFIGURED =
  'Stripe is not configured on this marketplace (STRIPE_SECRET_KEY): the payout stays pending, its earnings reserved, and is sent by the first run after Stripe is configured';

/** Stripe's transfer_group for the part of a Connect payout that no sale accounts for (balance from ledger adjustments). */
export const stripeTransferGroup = (runId: string) => `payout-run:${runId}`;

export const payoutMemo = (batchId: string) => `payout:${batchId}`;

/**
 * When a run pays through address lookup tables: with more payees than fit in this many plain transactions. Below
 * it, a table's setup transactions (create + one per 30 addresses) would outnumber the transactions it saves.
 */
export const LOOKUP_TABLE_MIN_PLAIN_TRANSACTIONS = 3;

export interface PayoutOutcome {
  payeeId: string;
  destination: string | null;
  amount: bigint;
  currency: SplitCurrency;
  status: 'paid' | 'sending' | 'pending' | 'held';
  txSignature: string | null;
  reason: string | null;
}

export interface PayoutRunResult {
  runId: string;
  payouts: PayoutOutcome[];
  /** USDC payout transactions this run confirmed. */
  transactions: number;
  /** Transactions spent creating and extending this run's address lookup tables. */
  lookupTableTransactions: number;
}

type Plan = { kind: 'pay'; payout: Omit<PayoutRow, 'txSignature' | 'runId' | 'batchId' | 'id'> } | { kind: 'held'; outcome: PayoutOutcome };

/**
 * Payout runs: every payee whose payable balance (per account and currency, from the ledger) reaches the currency's
 * threshold gets one payout. USDC payouts go to wallets, packed into as few transactions as the 1,232-byte limit
 * allows (ledger.usdcBatchCapacity), through address lookup tables for big runs (prepareLookupTables); Stripe
 * payouts are Connect transfers (sendStripePayouts). Each batch is an outbox row sent exactly once (ExactlyOnceSenderService), and
 * its payouts are booked in the ledger only in the transaction that records its confirmation.
 */
@Injectable()
export class PayoutService {
  private readonly logger = new Logger(PayoutService.name);

  constructor(
    private readonly ledgerBook: LedgerRepository,
    private readonly payouts: PayoutRepository,
    private readonly splits: SplitRepository,
    private readonly users: UserDirectoryService,
    private readonly chain: SolanaLedger,
    private readonly sender: ExactlyOnceSenderService,
    private readonly stripe: StripeGateway,
    private readonly jobs: JobsService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The admin route: a run now, answered as the API shows it (amounts as decimal strings). */
  async runNow(): Promise<PayoutRunResponse> {
    const result = await this.run();
    return responseOf(PayoutRunResponse, {
      payouts: result.payouts.map((p) =>
        responseOf(PayoutResponse, {
          payee: p.payeeId,
          destination: p.destination,
          amount: p.amount.toString(),
          currency: p.currency,
          txSignature: p.txSignature,
          status: p.status,
          reason: p.reason,
        }),
      ),
      transactions: result.transactions,
    });
  }

  async run(): Promise<PayoutRunResult> {
    const runId = randomUUID();
    // Everything read from other modules and the chain happens before the planning transaction opens.
    const candidates = await this.ledgerBook.payableWithoutOpenPayout(this.dataSource.manager);
    const owners = candidates.map((c) => c.ownerId);
    const [methods, wallets] = await Promise.all([this.payouts.methodsOf(owners), this.users.walletsOf(owners)]);
    const known = new Set(owners);
    const usdcDestinations = candidates
      .map((c) => this.plan(c, methods.get(c.ownerId), wallets.get(c.ownerId) ?? null))
      .flatMap((plan) => (plan.kind === 'pay' && plan.payout.method === 'usdc' ? [plan.payout.destination] : []));
    await this.chain.ensureTokenAccounts(usdcDestinations.map((wallet) => address(wallet)));
    const memoBytes = payoutMemo(runId).length;
    const plainCapacity = this.chain.usdcBatchCapacity(memoBytes, false);
    const { tableOf, transactions: lookupTableTransactions } = await this.prepareLookupTables(
      [...new Set(usdcDestinations)],
      memoBytes,
      plainCapacity,
    );

    const held: PayoutOutcome[] = [];
    await this.dataSource.transaction(async (manager) => {
      // One planner at a time across instances; balances are read again under the lock, in this transaction.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('revenue.payout-plan'))`);
      const balances = (await this.ledgerBook.payableWithoutOpenPayout(manager)).filter((b) => known.has(b.ownerId));
      const planned: Omit<PayoutRow, 'txSignature'>[] = [];
      for (const balance of balances) {
        const plan = this.plan(balance, methods.get(balance.ownerId), wallets.get(balance.ownerId) ?? null);
        if (plan.kind === 'held') {
          if (plan.outcome.reason !== null) held.push(plan.outcome);
          continue;
        }
        planned.push({ ...plan.payout, id: randomUUID(), runId, batchId: null });
      }
      // Payees grouped by the lookup table holding their token accounts (none: plain batches), then packed.
      const byTable = new Map<string | null, Omit<PayoutRow, 'txSignature'>[]>();
      for (const payout of planned.filter((p) => p.method === 'usdc')) {
        const table = tableOf.get(payout.destination) ?? null;
        const group = byTable.get(table) ?? [];
        group.push(payout);
        byTable.set(table, group);
      }
      // A table whose payees this run would not fill one plain transaction with is not worth a batch of its own.
      for (const [table, group] of byTable) {
        if (table === null || group.length > plainCapacity) continue;
        byTable.delete(table);
        byTable.set(null, [...(byTable.get(null) ?? []), ...group]);
      }
      const batches: NewPayoutBatch[] = [...byTable].flatMap(([lookupTable, group]) =>
        packInto(group, this.chain.usdcBatchCapacity(memoBytes, lookupTable !== null)).map((batch) => {
          const id = randomUUID();
          batch.forEach((payout) => (payout.batchId = id));
          return { id, runId, memo: payoutMemo(id), reference: getAddressDecoder().decode(randomBytes(32)), lookupTable };
        }),
      );
      await this.payouts.insertPlan(manager, batches, planned);
      // A retry never comes before an earlier send can no longer land (the sender would only wait again).
      const minRetryDelaySeconds = this.chain.landingWindowSeconds;
      for (const batch of batches) {
        const key = `revenue.send-payout-batch:${batch.id}`;
        await this.jobs.send(
          manager,
          sendPayoutBatchQueue,
          { batchId: batch.id },
          { key, delaySeconds: BATCH_JOB_DELAY_SECONDS, minRetryDelaySeconds },
        );
      }
    });

    await this.sendPendingBatches();
    await this.sendStripePayouts();
    const rows = await this.payouts.ofRun(runId);
    return {
      runId,
      payouts: [
        ...rows.map((row) => ({
          payeeId: row.payeeId,
          destination: row.destination,
          amount: row.payAmount,
          currency: row.payCurrency,
          status: row.status,
          txSignature: row.txSignature,
          reason: row.reason,
        })),
        ...held,
      ],
      transactions: new Set(rows.flatMap((row) => (row.status === 'paid' && row.method === 'usdc' && row.txSignature ? [row.txSignature] : []))).size,
      lookupTableTransactions,
    };
  }

  /**
   * The address lookup tables this run pays through, when it is big enough (LOOKUP_TABLE_MIN_PLAIN_TRANSACTIONS).
   * Tables are reused across runs: each wallet's table is recorded (revenue_payout_lookup_entries) and trusted only
   * while the table on the ledger still holds the wallet's token account (tables only grow; the treasury never
   * closes them). Wallets without one get new tables, each holding the treasury's token account and the token
   * accounts of as many whole batches as fit in 256 entries (4 x 57), so every batch loads from exactly one table.
   * A table is created before the plan commits; a payee the plan then drops only leaves an unused entry.
   */
  private async prepareLookupTables(
    wallets: readonly string[],
    memoBytes: number,
    plain: number,
  ): Promise<{ tableOf: Map<string, string>; transactions: number }> {
    if (wallets.length <= plain * LOOKUP_TABLE_MIN_PLAIN_TRANSACTIONS) return { tableOf: new Map(), transactions: 0 };
    const perBatch = this.chain.usdcBatchCapacity(memoBytes, true);
    const perTable = Math.floor((LOOKUP_TABLE_MAX_ADDRESSES - 1) / perBatch) * perBatch;
    const treasuryAccount = await this.chain.tokenAccountOf(this.chain.treasuryAddress);
    const accountOf = new Map(await Promise.all(wallets.map(async (wallet) => [wallet, await this.chain.tokenAccountOf(address(wallet))] as const)));

    const tableOf = new Map<string, string>();
    const recorded = await this.payouts.lookupTablesOf(wallets);
    const contents = new Map<string, Set<string>>();
    for (const table of new Set(recorded.values())) contents.set(table, new Set(await this.chain.lookupTableAddresses(address(table))));
    const accountFor = (wallet: string) => {
      const account = accountOf.get(wallet);
      if (account === undefined) throw new Error(`the token account of ${wallet} was not looked up`);
      return account;
    };
    for (const [wallet, table] of recorded) {
      const held = contents.get(table);
      if (held?.has(treasuryAccount) && held.has(accountFor(wallet))) tableOf.set(wallet, table);
    }

    let transactions = 0;
    for (const group of packInto(
      wallets.filter((wallet) => !tableOf.has(wallet)),
      perTable,
    )) {
      if (group.length <= plain) break; // the last few go in plain batches: a table would cost more than it saves
      const table = await this.chain.createLookupTable([treasuryAccount, ...group.map(accountFor)]);
      transactions += table.transactions;
      await this.payouts.recordLookupTable(table.address, group);
      group.forEach((wallet) => tableOf.set(wallet, table.address));
    }
    return { tableOf, transactions };
  }

  /** Sends every unconfirmed batch, this run's and any left behind; a failure is left to the batch's job. */
  async sendPendingBatches(): Promise<void> {
    for (const batchId of await this.payouts.pendingBatchIds()) {
      try {
        await this.sendBatch(batchId);
      } catch (error) {
        this.logger.warn(`payout batch ${batchId} not sent yet (its job retries): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /**
   * Sends every unbooked Stripe payout (this run's and any left behind), each exactly once: its transfers (one per
   * sale, parts fixed on the first send) carry the payout and order ids in their idempotency keys, so sending again
   * after a crash between "sent" and "booked" answers the same transfers (and past Stripe's 24-hour key lifetime,
   * findTransfer adopts them); the payout is booked in the ledger in the transaction that marks it paid, conditional
   * on it still being unbooked. A failure is retried by the next run.
   */
  async sendStripePayouts(): Promise<void> {
    if (!this.stripe.configured) return;
    await this.payouts.releasePendingStripePayouts();
    for (const payout of await this.payouts.stripePayoutsToSend()) {
      try {
        await this.sendStripePayout(payout);
      } catch (error) {
        this.logger.warn(`Stripe payout ${payout.id} not sent yet (the next run retries): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private async sendStripePayout(payout: PayoutRow): Promise<void> {
    const transferIds: string[] = [];
    for (const part of await this.payouts.fixTransferParts(payout.id, await this.transferParts(payout))) {
      const transferGroup = part.orderId ?? stripeTransferGroup(payout.runId);
      transferIds.push(
        (await this.stripe.findTransfer(payout.id, transferGroup)) ??
          (await this.stripe.createTransfer({
            payoutId: payout.id,
            orderId: part.orderId,
            amountCents: part.amount,
            destination: payout.destination,
            transferGroup,
          })),
      );
    }
    await this.dataSource.transaction(async (manager) => {
      const paid = await this.payouts.markPaid(manager, payout.id, transferIds.join(','));
      if (paid) await this.ledgerBook.post(manager, [payoutEntry(paid)]);
    });
  }

  /** One part per sale the payout pays, oldest earnings first (see allocatePayout). */
  private async transferParts(payout: PayoutRow): Promise<TransferPart[]> {
    const earnings = (await this.splits.earningsOf(payout.payeeId))
      .filter((earning) => !earning.refunded && earning.account === payout.account && earning.currency === payout.currency)
      .map((earning) => ({ orderId: earning.orderId, amount: earning.amount }));
    return allocatePayout(earnings, await this.payouts.takenBefore(payout.id), payout.payAmount);
  }

  /** Sends one batch exactly once; on confirmation marks its payouts paid and posts one ledger entry per payout. */
  async sendBatch(batchId: string): Promise<SendOutcome> {
    const [payouts, lookupTable] = await Promise.all([this.payouts.ofBatch(batchId), this.payouts.batchLookupTable(batchId)]);
    return this.sender.send(
      'revenue_payout_batches',
      batchId,
      (reference, memo) =>
        this.chain.transferUsdcBatch(
          payouts.map((p) => ({ to: address(p.destination), amount: p.payAmount })),
          {
            memo,
            reference,
            lookupTable: lookupTable === null ? undefined : address(lookupTable),
          },
        ),
      async (manager, confirmation) => {
        const paid = await this.payouts.markBatchPaid(manager, batchId, confirmation.signature);
        await this.ledgerBook.post(manager, paid.map(payoutEntry));
      },
    );
  }

  private threshold(currency: SplitCurrency): bigint {
    return BigInt(currency === 'USD' ? this.config.PAYOUT_THRESHOLD_USD_CENTS : this.config.PAYOUT_THRESHOLD_USDC_BASE_UNITS);
  }

  /**
   * Where and how a payable balance is paid: USDC to the payout wallet (or the sign-in wallet when no method is set),
   * USD earnings converted at par; Stripe Connect for USD earnings of payees who chose it (pending with
   * STRIPE_NOT_CONFIGURED while Stripe is not configured). Below the threshold: nothing (held without a reason, not reported).
   */
  private plan(balance: PayableBalance, method: PayoutMethodEntity | undefined, signInWallet: string | null): Plan {
    const base = { payeeId: balance.ownerId, account: balance.account, currency: balance.currency, amount: balance.balance };
    const held = (reason: string | null): Plan => ({
      kind: 'held',
      outcome: {
        payeeId: balance.ownerId,
        destination: null,
        amount: balance.balance,
        currency: balance.currency,
        status: 'held',
        txSignature: null,
        reason,
      },
    });
    if (balance.balance < this.threshold(balance.currency)) return held(null);
    // A stripe method always has an account (a check constraint on revenue_payout_methods).
    const stripeAccount = method?.kind === 'stripe' ? method.account : null;
    if (stripeAccount !== null && balance.currency === 'USD') {
      const ready = this.stripe.configured;
      const payout = { ...base, method: 'stripe' as const, destination: stripeAccount, payCurrency: 'USD' as const, payAmount: balance.balance };
      return { kind: 'pay', payout: { ...payout, status: ready ? 'sending' : 'pending', reason: ready ? null : STRIPE_NOT_CONFIGURED } };
    }
    const wallet = method?.wallet ?? signInWallet;
    if (!wallet) {
      return held(
        method ? 'USDC earnings are paid to a Solana wallet and this payee has none' : 'no payout method: set one with PUT /v1/me/payout-method',
      );
    }
    if (!isAddress(wallet)) return held(`payout wallet ${wallet} is not a Solana address`);
    const payAmount = balance.currency === 'USD' ? balance.balance * USDC_BASE_UNITS_PER_CENT : balance.balance;
    return { kind: 'pay', payout: { ...base, method: 'usdc', destination: wallet, payCurrency: 'USDC', payAmount, status: 'sending', reason: null } };
  }
}

/**
 * A confirmed payout as one balanced entry: the payable goes down, `payouts` up. USD earnings paid as USDC pass
 * through the treasury: it keeps the USD and fronts the USDC, balanced in each currency.
 */
export function payoutEntry(payout: PayoutRow): LedgerEntry {
  const payable = { account: payout.account, ownerId: payout.payeeId, currency: payout.currency, amount: -payout.amount };
  const lines =
    payout.currency === payout.payCurrency
      ? [payable, { account: 'payouts' as const, ownerId: null, currency: payout.payCurrency, amount: payout.payAmount }]
      : [
          payable,
          { account: 'treasury' as const, ownerId: null, currency: payout.currency, amount: payout.amount },
          { account: 'treasury' as const, ownerId: null, currency: payout.payCurrency, amount: -payout.payAmount },
          { account: 'payouts' as const, ownerId: null, currency: payout.payCurrency, amount: payout.payAmount },
        ];
  return { id: randomUUID(), kind: 'payout', payoutId: payout.id, description: `payout ${payout.id} (${payout.txSignature ?? 'confirmed'})`, lines };
}
