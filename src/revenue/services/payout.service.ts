import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { address, getAddressDecoder, isAddress } from '@solana/kit';
import { DataSource } from 'typeorm';
import { UserDirectoryService } from '../../auth/services/user-directory.service.js';
import { SolanaLedger } from '../../chain/solana-ledger.port.js';
import { packInto } from '../../chain/usdc-batch.js';
import { AppConfig } from '../../config/app-config.js';
import { JobQueueService } from '../../jobs/job-queue.service.js';
import type { SplitCurrency } from '../../provenance/split-leaf.js';
import type { PayoutRunResponse } from '../dto/payout-run.response.js';
import type { PayoutMethodEntity } from '../entities/payout-method.entity.js';
import { type LedgerEntry, LedgerRepository, type PayableBalance } from '../repositories/ledger.repository.js';
import { type NewPayoutBatch, PayoutRepository, type PayoutRow } from '../repositories/payout.repository.js';
import { ExactlyOnceSenderService, type SendOutcome } from './exactly-once-sender.service.js';

/** USDC is a dollar stablecoin with 6 decimals: a cent is 10,000 base units, exactly. */
export const USDC_BASE_UNITS_PER_CENT = 10_000n;
export const PAYOUT_BATCH_MAX_ATTEMPTS = 10_000;
/** The synchronous run normally sends the batches itself; the job is the safety net when it crashes or fails. */
const BATCH_JOB_DELAY_SECONDS = 60;
export const STRIPE_NOT_WIRED =
  'Stripe Connect transfers are not wired yet: the payout is recorded as pending for an operator; the earnings stay reserved until it is paid';

export const payoutMemo = (batchId: string) => `payout:${batchId}`;

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
  /** Payout transactions this run confirmed. */
  transactions: number;
}

type Plan = { kind: 'pay'; payout: Omit<PayoutRow, 'txSignature' | 'runId' | 'batchId' | 'id'> } | { kind: 'held'; outcome: PayoutOutcome };

/**
 * Payout runs: every payee whose payable balance (per account and currency, from the ledger) reaches the currency's
 * threshold gets one payout. USDC payouts go to wallets, packed into as few transactions as the 1,232-byte limit
 * allows (ledger.usdcBatchCapacity); each batch is an outbox row sent exactly once (ExactlyOnceSenderService), and
 * its payouts are booked in the ledger only in the transaction that records its confirmation.
 */
@Injectable()
export class PayoutService {
  private readonly logger = new Logger(PayoutService.name);

  constructor(
    private readonly ledgerBook: LedgerRepository,
    private readonly payouts: PayoutRepository,
    private readonly users: UserDirectoryService,
    private readonly chain: SolanaLedger,
    private readonly sender: ExactlyOnceSenderService,
    private readonly jobs: JobQueueService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The admin route: a run now, answered as the API shows it (amounts as decimal strings). */
  async runNow(): Promise<PayoutRunResponse> {
    const result = await this.run();
    return {
      payouts: result.payouts.map((p) => ({
        payee: p.payeeId,
        destination: p.destination,
        amount: p.amount.toString(),
        currency: p.currency,
        txSignature: p.txSignature,
        status: p.status,
        reason: p.reason,
      })),
      transactions: result.transactions,
    };
  }

  async run(): Promise<PayoutRunResult> {
    const runId = randomUUID();
    // Everything read from other modules and the chain happens before the planning transaction opens.
    const candidates = await this.ledgerBook.payableWithoutOpenPayout();
    const owners = candidates.map((c) => c.ownerId);
    const [methods, wallets] = await Promise.all([this.payouts.methodsOf(owners), this.users.walletsOf(owners)]);
    const known = new Set(owners);
    const usdcDestinations = candidates
      .map((c) => this.plan(c, methods.get(c.ownerId), wallets.get(c.ownerId) ?? null))
      .flatMap((plan) => (plan.kind === 'pay' && plan.payout.method === 'usdc' ? [plan.payout.destination] : []));
    await this.chain.ensureTokenAccounts(usdcDestinations.map((wallet) => address(wallet)));

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
      const usdc = planned.filter((p) => p.method === 'usdc');
      const capacity = this.chain.usdcBatchCapacity(payoutMemo(runId).length);
      const batches: NewPayoutBatch[] = packInto(usdc, capacity).map((group) => {
        const id = randomUUID();
        group.forEach((payout) => (payout.batchId = id));
        return { id, runId, memo: payoutMemo(id), reference: getAddressDecoder().decode(randomBytes(32)) };
      });
      await this.payouts.insertPlan(manager, batches, planned);
      for (const batch of batches) {
        await this.jobs.enqueue(
          'revenue.send-payout-batch',
          { batchId: batch.id },
          { dedupeKey: `revenue.send-payout-batch:${batch.id}`, maxAttempts: PAYOUT_BATCH_MAX_ATTEMPTS, delaySeconds: BATCH_JOB_DELAY_SECONDS },
          manager,
        );
      }
    });

    await this.sendPendingBatches();
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
      transactions: new Set(rows.flatMap((row) => (row.status === 'paid' && row.txSignature ? [row.txSignature] : []))).size,
    };
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

  /** Sends one batch exactly once; on confirmation marks its payouts paid and posts one ledger entry per payout. */
  async sendBatch(batchId: string): Promise<SendOutcome> {
    const payouts = await this.payouts.ofBatch(batchId);
    return this.sender.send(
      'revenue_payout_batches',
      batchId,
      (reference, memo) => this.chain.transferUsdcBatch(payouts.map((p) => ({ to: address(p.destination), amount: p.payAmount })), { memo, reference }),
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
   * USD earnings converted at par; Stripe Connect for USD earnings of payees who chose it (recorded as pending,
   * STRIPE_NOT_WIRED). Below the threshold: nothing (held without a reason, not reported).
   */
  private plan(balance: PayableBalance, method: PayoutMethodEntity | undefined, signInWallet: string | null): Plan {
    const base = { payeeId: balance.ownerId, account: balance.account, currency: balance.currency, amount: balance.balance };
    const held = (reason: string | null): Plan => ({
      kind: 'held',
      outcome: { payeeId: balance.ownerId, destination: null, amount: balance.balance, currency: balance.currency, status: 'held', txSignature: null, reason },
    });
    if (balance.balance < this.threshold(balance.currency)) return held(null);
    if (method?.kind === 'stripe' && balance.currency === 'USD') {
      return { kind: 'pay', payout: { ...base, method: 'stripe', destination: method.account!, payCurrency: 'USD', payAmount: balance.balance, status: 'pending', reason: STRIPE_NOT_WIRED } };
    }
    const wallet = method?.wallet ?? signInWallet;
    if (!wallet) {
      return held(method ? 'USDC earnings are paid to a Solana wallet and this payee has none' : 'no payout method: set one with PUT /v1/me/payout-method');
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
