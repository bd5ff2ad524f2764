import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user.js';
import { Role } from '../../auth/role.js';
import { UserDirectoryService } from '../../auth/services/user-directory.service.js';
import { CatalogSliceService } from '../../catalog/services/catalog-slice.service.js';
import type { PlacedCheckout } from '../../checkout/dto/cart.dto.js';
import { CartService } from '../../checkout/services/cart.service.js';
import { DomainException } from '../../common/errors/domain.exception.js';
import { AppConfig } from '../../config/app-config.js';
import { isUniqueViolation } from '../../database/pg-errors.js';
import { JobsService } from '../../queue/jobs.service.js';
import { eventId } from '../../notifications/notification-events.js';
import { type BuyerNotice, BuyerNoticeService } from '../../notifications/services/buyer-notice.service.js';
import type { QuoteSnapshot } from '../../quotes/dto/quote-snapshot.js';
import { QuoteErrorCode, QuoteException } from '../../quotes/quote.exception.js';
import { QuotesService } from '../../quotes/services/quotes.service.js';
import type { Subscription } from '../entities/subscription.entity.js';
import type { SkippedDataset, SubscriptionPeriod } from '../entities/subscription-period.entity.js';
import { SubscriptionRepository } from '../repositories/subscription.repository.js';
import { SubscriptionErrorCode, SubscriptionException } from '../subscription.exception.js';
import { formatUsd, holdsCaptures } from '../subscription-orders.js';
import { MONTHLY_BILLING_CRON, periodEnd, periodStart, previousPeriod } from '../subscription-period.js';
import { subscriptionBillingQueue } from '../subscriptions.jobs.js';

/**
 * How long a monthly invoice can be paid: a day, the longest a Stripe Checkout Session lives (orders bought on the spot
 * have ORDER_TTL_MINUTES). Unpaid by then, it expires and its captures come back the next month.
 */
export const INVOICE_TTL_MINUTES = 24 * 60;

/** Subscriptions one page of a run reads. */
const RUN_PAGE = 100;

export type BillingOutcome = 'invoiced' | 'empty' | 'over_cap' | 'failed' | 'already';

/** What a run did, per outcome ('already': another run, or an earlier one, billed the subscription's period). */
export type BillingRunSummary = Record<BillingOutcome, number>;

/** The `subscription.invoice` event's data: one per subscription and month, whatever the month's outcome. */
export interface SubscriptionInvoiceEventData {
  subscriptionId: string;
  period: string;
  outcome: 'invoiced' | 'over_cap' | 'failed';
  checkoutId: string | null;
  priceUsdCents: number;
  monthlyCapUsdCents: number;
  captures: number;
  amount: { minor: number; currency: string } | null;
  /** Where to pay: the Stripe Checkout page, or the Solana Pay transfer request; null when nothing is to be paid. */
  paymentUrl: string | null;
  /** The marketplace's page of the invoice (pay it there too). */
  invoiceUrl: string | null;
  expiresAt: string | null;
  lines: { datasetId: string; orderId: string; captures: number; priceUsdCents: number }[];
  skipped: SkippedDataset[];
  reason: string | null;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The monthly billing of area subscriptions (issue 13, part 7). For each active subscription and month: the captures of
 * each listed dataset's current version in the area (of the modalities) that the subscription has neither delivered,
 * nor has on a payable invoice, nor found already for sale when the buyer subscribed, quoted per dataset exactly as
 * POST /v1/quotes quotes (QuotesService), and placed as ONE cart checkout with a line per dataset (CartService). Over
 * the monthly cap nothing is billed and the buyer is told; nothing new records an empty month; a dataset that cannot
 * be sold as slices (an exclusive licence, no unit prices) is left out with the quote's reason. A month is billed once
 * per subscription: its row is unique and written in the invoice's own transaction, so runs that race place one.
 */
@Injectable()
export class SubscriptionBillingService implements OnModuleInit {
  private readonly logger = new Logger('Subscriptions');

  constructor(
    private readonly jobs: JobsService,
    private readonly subscriptions: SubscriptionRepository,
    private readonly catalog: CatalogSliceService,
    private readonly quotes: QuotesService,
    private readonly cart: CartService,
    private readonly users: UserDirectoryService,
    private readonly notices: BuyerNoticeService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.handle(subscriptionBillingQueue, {
      run: async (job) => {
        const summary = await this.runPeriod(job.payload.period ?? previousPeriod(new Date()));
        this.logger.log(`subscription billing: ${JSON.stringify(summary)}`);
      },
      onFailed: (failure) => {
        this.logger.error(`subscription billing for ${failure.payload.period ?? 'last month'} gave up: ${failure.error}; run it again`);
        return Promise.resolve();
      },
    });
    this.jobs.schedule(subscriptionBillingQueue, MONTHLY_BILLING_CRON);
  }

  /**
   * Bills every subscription active now and made before the period's end. A subscription whose billing fails
   * unexpectedly (a provider down) does not stop the others; the run then fails so the job retries, and the retry
   * skips those already billed.
   */
  async runPeriod(period: string): Promise<BillingRunSummary> {
    const start = periodStart(period);
    if (!start) throw new SubscriptionException(SubscriptionErrorCode.INVALID_PERIOD, `A period is a month, YYYY-MM, not ${period}`);
    const summary: BillingRunSummary = { invoiced: 0, empty: 0, over_cap: 0, failed: 0, already: 0 };
    const errors: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.subscriptions.pageActive(periodEnd(period), after, RUN_PAGE);
      for (const subscription of page) {
        try {
          summary[await this.bill(subscription, period, start)] += 1;
        } catch (error) {
          errors.push(`subscription ${subscription.id}: ${messageOf(error)}`);
        }
      }
      if (page.length < RUN_PAGE) break;
      after = page[page.length - 1].id;
    }
    if (errors.length > 0) throw new Error(`billing ${period} failed for ${errors.length} subscriptions: ${errors.join('; ')}`);
    return summary;
  }

  /** Bills one subscription for the period (first day `start`); answers what happened. */
  async bill(subscription: Subscription, period: string, start: string): Promise<BillingOutcome> {
    if (await this.subscriptions.hasPeriod(subscription.id, start)) return 'already';
    const held = new Set([...(await this.subscriptions.baselineOf(subscription.id)), ...(await this.heldCaptures(subscription.id))]);
    const datasetIds = subscription.datasetId
      ? [subscription.datasetId]
      : await this.catalog.listedMeeting(subscription.area, subscription.modalities);
    const quoted: QuoteSnapshot[] = [];
    const skipped: SkippedDataset[] = [];
    for (const datasetId of datasetIds) {
      try {
        const quote = await this.quotes.quoteNew(
          subscription.buyerId,
          { datasetId, area: subscription.area, modalities: subscription.modalities ?? undefined },
          held,
        );
        quoted.push(quote);
        // A capture in two datasets is billed once.
        for (const captureId of quote.captureIds) held.add(captureId);
      } catch (error) {
        if (!(error instanceof QuoteException)) throw error;
        if (error.code !== QuoteErrorCode.EMPTY_SLICE) skipped.push({ datasetId, code: error.code, reason: error.message });
      }
    }
    const base = { id: randomUUID(), subscriptionId: subscription.id, period: start, skipped, createdAt: new Date() };
    const priceUsdCents = quoted.reduce((sum, quote) => sum + quote.priceUsdCents, 0);
    const captures = quoted.reduce((sum, quote) => sum + quote.captureCount, 0);
    if (quoted.length === 0) {
      const recorded = await this.subscriptions.recordOnce({
        ...base,
        outcome: 'empty',
        checkoutId: null,
        priceUsdCents: 0,
        captures: 0,
        reason: null,
      });
      return recorded ? 'empty' : 'already';
    }
    if (priceUsdCents > subscription.monthlyCapUsdCents) {
      const reason =
        `The new captures in your area (${captures}) cost ${formatUsd(priceUsdCents)}, above your monthly cap of ` +
        `${formatUsd(subscription.monthlyCapUsdCents)}: nothing was billed for ${period}. They stay new: raise the cap and next month bills them.`;
      const record = { ...base, outcome: 'over_cap', checkoutId: null, priceUsdCents, captures, reason } as const;
      return (await this.recordTold(subscription, period, record)) ? 'over_cap' : 'already';
    }
    // Read before the invoice's transaction, the notice is queued in it: the invoice and its notice are stored together.
    const recipients = await this.notices.recipientsOf(subscription.buyerId, 'subscription.invoice');
    try {
      await this.cart.placeQuoted(
        await this.buyerOf(subscription.buyerId),
        quoted.map((quote) => ({ datasetId: quote.datasetId, quoteId: quote.id })),
        subscription.paymentMethod,
        {
          ttlMinutes: INVOICE_TTL_MINUTES,
          within: async (manager, placed) => {
            const lines = quoted.map((quote) => ({
              periodId: base.id,
              datasetId: quote.datasetId,
              version: quote.version,
              quoteId: quote.id,
              captureIds: quote.captureIds,
              priceUsdCents: quote.priceUsdCents,
            }));
            const record = { ...base, outcome: 'invoiced', checkoutId: placed.id, priceUsdCents, captures, reason: null } as const;
            try {
              await this.subscriptions.insertInvoiced(manager, record, lines);
            } catch (error) {
              if (!isUniqueViolation(error)) throw error;
              throw new SubscriptionException(SubscriptionErrorCode.PERIOD_BILLED, `Subscription ${subscription.id} is billed for ${period} already`);
            }
            await this.notices.queue(manager, this.notice(subscription, period, record, placed), recipients);
          },
        },
      );
    } catch (error) {
      if (error instanceof SubscriptionException && error.code === SubscriptionErrorCode.PERIOD_BILLED) return 'already';
      // A refusal of the checkout (the method not taken now, a line sold exclusively meanwhile) fails the month; its
      // captures stay new for the next one. An outage (5xx) is thrown, so the run is retried.
      if (!(error instanceof DomainException) || error.status >= HttpStatus.INTERNAL_SERVER_ERROR) throw error;
      const reason = `The invoice for ${period} could not be placed: ${error.message}`;
      const record = { ...base, outcome: 'failed', checkoutId: null, priceUsdCents, captures, reason } as const;
      return (await this.recordTold(subscription, period, record)) ? 'failed' : 'already';
    }
    return 'invoiced';
  }

  /** Records a month without an invoice (over the cap, failed) and its notice in one transaction, unless recorded already. */
  private async recordTold(
    subscription: Subscription,
    period: string,
    record: SubscriptionPeriod & { outcome: 'over_cap' | 'failed' },
  ): Promise<boolean> {
    const recipients = await this.notices.recipientsOf(subscription.buyerId, 'subscription.invoice');
    return this.subscriptions.recordOnce(record, (manager) =>
      this.notices.queue(manager, this.notice(subscription, period, record, null), recipients),
    );
  }

  /** The captures of the subscription's invoices whose lines are delivered or still payable. */
  private async heldCaptures(subscriptionId: string): Promise<string[]> {
    const periods = (await this.subscriptions.periodsOf([subscriptionId])).filter((period) => period.checkoutId !== null);
    const lines = await this.subscriptions.linesOf(periods.map((period) => period.id));
    const now = new Date();
    const held: string[] = [];
    for (const period of periods) {
      const orders = await this.cart.ordersOf(period.checkoutId ?? '');
      for (const line of lines.filter((each) => each.periodId === period.id)) {
        if (
          holdsCaptures(
            orders.find((order) => order.datasetId === line.datasetId),
            now,
          )
        )
          held.push(...line.captureIds);
      }
    }
    return held;
  }

  private async buyerOf(buyerId: string): Promise<AuthUser> {
    const [emails, wallets] = await Promise.all([this.users.emailsOf([buyerId]), this.users.walletsOf([buyerId])]);
    return { id: buyerId, role: Role.BUYER, email: emails.get(buyerId) ?? null, walletAddress: wallets.get(buyerId) ?? null, via: 'jwt' };
  }

  /** The `subscription.invoice` webhook and e-mail for the month (keyed by subscription and month: told once). */
  private notice(
    subscription: Subscription,
    period: string,
    record: Omit<SubscriptionPeriod, 'outcome'> & { outcome: SubscriptionInvoiceEventData['outcome'] },
    placed: PlacedCheckout | null,
  ): BuyerNotice<SubscriptionInvoiceEventData> {
    const paymentUrl = placed?.paymentUrl ?? null;
    const invoiceUrl = placed ? `${this.config.publicUrl}/cart?checkoutId=${placed.id}` : null;
    const data: SubscriptionInvoiceEventData = {
      subscriptionId: subscription.id,
      period,
      outcome: record.outcome,
      checkoutId: record.checkoutId,
      priceUsdCents: record.priceUsdCents,
      monthlyCapUsdCents: subscription.monthlyCapUsdCents,
      captures: record.captures,
      amount: placed ? { minor: placed.amount.minor, currency: placed.amount.currency } : null,
      paymentUrl,
      invoiceUrl,
      expiresAt: placed ? placed.expiresAt.toISOString() : null,
      lines: (placed?.lines ?? []).map((line) => ({
        datasetId: line.datasetId,
        orderId: line.orderId,
        captures: line.captures,
        priceUsdCents: line.priceUsdCents,
      })),
      skipped: record.skipped,
      reason: record.reason,
    };
    const event = {
      id: eventId('subscription.invoice', subscription.id, period),
      object: 'event' as const,
      type: 'subscription.invoice' as const,
      created: Math.floor(record.createdAt.getTime() / 1000),
      data,
    };
    const newCaptures = `${record.captures} new capture${record.captures === 1 ? '' : 's'}`;
    const skippedText = record.skipped.map((each) => `  - dataset ${each.datasetId} left out: ${each.reason}`);
    const subject =
      record.outcome === 'invoiced'
        ? `Your area subscription's invoice for ${period}: ${newCaptures}, ${formatUsd(record.priceUsdCents)}`
        : record.outcome === 'over_cap'
          ? `Your area subscription found new captures for ${period} above your monthly cap`
          : `Your area subscription's invoice for ${period} could not be placed`;
    const text = [
      record.outcome === 'invoiced'
        ? `${newCaptures} in your subscribed area, ${formatUsd(record.priceUsdCents)} in all, one line per dataset.`
        : (record.reason ?? ''),
      ...(paymentUrl ? ['', `Pay it here: ${paymentUrl}`] : []),
      ...(invoiceUrl ? [`Or on your invoice's page: ${invoiceUrl}`] : []),
      ...(data.expiresAt ? [`The invoice expires at ${data.expiresAt}; unpaid, its captures come back next month.`] : []),
      ...(skippedText.length > 0 ? ['', ...skippedText] : []),
      '',
      `Subscription: ${subscription.id} (monthly cap ${formatUsd(subscription.monthlyCapUsdCents)})`,
      `Your subscriptions: ${this.config.publicUrl}/account#subscriptions`,
      `Event id: ${event.id}`,
    ].join('\n');
    return { buyerId: subscription.buyerId, event, email: { subject, text } };
  }
}
