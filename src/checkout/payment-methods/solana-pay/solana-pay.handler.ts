import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type Address, type Signature, address, getAddressDecoder, isAddress } from '@solana/kit';
import { FindReferenceError, ValidateTransferError, encodeURL, findReference, validateTransfer } from '@solana/pay';
import { TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda } from '@solana-program/token';
import QRCode from 'qrcode';
import { BoundedCache } from '../../../common/bounded-cache.js';
import { SolanaLedger } from '../../../chain/solana-ledger.port.js';
import { CheckoutErrorCode } from '../../checkout.exception.js';
import type { OrderPaymentRequest } from '../../entities/order-payment-request.entity.js';
import type { Order } from '../../entities/order.entity.js';
import { centsToUsdcBaseUnits, solanaPayAmount, usdcBaseUnitsToDecimal } from '../../usdc-amount.js';
import {
  type CandidateCheck,
  type PayableOrder,
  type PaymentInstructions,
  PaymentMethodHandler,
  type PaymentPolling,
  type PaymentRequest,
  type RefundableCharge,
  type RefundToSend,
} from '../payment-method.js';

/** How many QR codes of recent transfer requests are kept (a few KB each). */
const QR_CODES_KEPT = 1_000;

const LABEL = 'Physical-AI data marketplace';

/** First look for a payment this many seconds after the order is placed. */
export const FIRST_WATCH_DELAY_SECONDS = 2;

/** The memo every payment of the order carries, so the transfer names the order on-chain. */
export const memoFor = (orderId: string) => `order:${orderId}`;

/** The memo of what is being paid: `order:<id>`, or `checkout:<id>` for a cart checkout's one payment of several orders. */
const memoOf = (order: { id: string; checkoutId?: string | null }) => (order.checkoutId ? `checkout:${order.checkoutId}` : memoFor(order.id));

/** What a USDC order keeps beside its reference: the transfer request's recipient, mint and URL. */
interface SolanaPayDetails {
  recipient: Address;
  splToken: Address;
  url: string;
}

function parseDetails(request: OrderPaymentRequest): SolanaPayDetails {
  // Stored JSON: read as unknown, since a row this handler did not write may lack any key.
  const { recipient, splToken, url }: Record<string, unknown> = request.details;
  if (typeof recipient !== 'string' || !isAddress(recipient) || typeof splToken !== 'string' || !isAddress(splToken) || typeof url !== 'string') {
    throw new Error(`the Solana Pay request of order ${request.orderId} is incomplete`);
  }
  return { recipient, splToken, url };
}

/** A token balance as getTransaction reports it (kit's TokenBalance, reduced to what is read here). */
interface TokenBalanceFacts {
  accountIndex: number;
  mint: string;
  owner?: string;
  uiTokenAmount: { amount: string };
}

interface BalanceChange {
  mint: string;
  owner: string | null;
  delta: bigint;
}

function changes(pre: readonly TokenBalanceFacts[] = [], post: readonly TokenBalanceFacts[] = []): BalanceChange[] {
  return post.map((after) => {
    const before = pre.find((balance) => balance.accountIndex === after.accountIndex);
    return { mint: after.mint, owner: after.owner ?? null, delta: BigInt(after.uiTokenAmount.amount) - BigInt(before?.uiTokenAmount.amount ?? '0') };
  });
}

/**
 * The memo a refund transfer carries: `refund:<refund id>`. Refunds carried over from before the outbox are keyed
 * `refund:<order id>`, the memo the old sender used, and are found by it.
 */
const refundMemo = (refund: RefundToSend) => (isAddress(refund.idempotencyKey) ? `refund:${refund.id}` : refund.idempotencyKey);

/**
 * USDC by Solana Pay: a transfer request per order (the treasury, the cluster's USDC mint, a fresh reference key
 * unique among orders, the memo `order:<id>`), found by its reference (the watcher job or POST
 * /v1/orders/:id/confirm-solana) and checked with @solana/pay's validateTransfer. Every transfer to the treasury
 * that carries the order's reference and memo is a payment of the order, whatever its amount. Refunds go from the
 * treasury to the wallet that paid, each carrying a reference address of its own that is looked up before any resend.
 */
@Injectable()
export class SolanaPayHandler extends PaymentMethodHandler implements PaymentPolling {
  readonly method = 'solana';
  readonly currency = 'USDC';
  readonly polling: PaymentPolling = this;
  readonly firstLookDelaySeconds = FIRST_WATCH_DELAY_SECONDS;
  readonly label = 'USDC (Solana Pay)';
  /** The ledger is always there (the embedded one when SOLANA_RPC_URL is unset). */
  readonly available = true;
  /**
   * QR codes of transfer requests, by URL: a pending order's page asks for its order every few seconds while the buyer
   * pays, and drawing the code was most of such a request's CPU. A URL names its order's reference, so a code never
   * goes stale; the cache only bounds the memory.
   */
  private readonly qrCodes = new BoundedCache<string, string>(QR_CODES_KEPT);

  constructor(private readonly ledger: SolanaLedger) {
    super();
  }

  get refundLandingSeconds(): number {
    return this.ledger.landingWindowSeconds;
  }

  amountFor(priceUsdCents: number): number {
    // Exact integers: cents x 10^4 base units, checked against 2^53 by solanaPayAmount when the request is made.
    return Number(centsToUsdcBaseUnits(priceUsdCents));
  }

  formatAmount(amountMinor: number): string {
    return `${usdcBaseUnitsToDecimal(BigInt(amountMinor))} USDC`;
  }

  createRequest(order: PayableOrder): Promise<PaymentRequest> {
    // A reference is any fresh public key: 32 random bytes, nobody needs its private half.
    const reference = getAddressDecoder().decode(randomBytes(32));
    const recipient = this.ledger.treasuryAddress;
    const splToken = this.ledger.usdcMint;
    const url = encodeURL({
      recipient,
      amount: solanaPayAmount(order.priceUsdCents),
      splToken,
      reference,
      label: LABEL,
      message:
        `${order.checkoutId ? 'Checkout' : 'Order'} ${order.id}: ${order.lines.map((line) => `${line.datasetTitle} v${line.version}`).join(', ')}`.slice(
          0,
          200,
        ),
      memo: memoOf(order),
    }).toString();
    return Promise.resolve({ providerReference: reference, details: { recipient, splToken, url } satisfies SolanaPayDetails });
  }

  /** The transfer request, while the order can still be paid (a late payment on an expired order counts). */
  async describe(order: Order, request: OrderPaymentRequest): Promise<PaymentInstructions> {
    if (order.status !== 'pending' && order.status !== 'expired') return {};
    const { recipient, splToken, url } = parseDetails(request);
    let qrCode = this.qrCodes.get(url);
    if (qrCode === undefined) {
      const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      qrCode = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
      this.qrCodes.set(url, qrCode);
    }
    return {
      solanaPay: {
        url,
        reference: request.providerReference,
        recipient,
        amount: usdcBaseUnitsToDecimal(BigInt(order.amountMinor)),
        splToken,
        qrCode,
      },
    };
  }

  /** findReference's answer (the oldest transaction carrying the reference), then every later successful one. */
  async candidates(_order: Order, request: OrderPaymentRequest, hint?: string): Promise<string[]> {
    if (hint) return [hint];
    const reference = address(request.providerReference);
    let oldest: Signature;
    try {
      oldest = (await findReference(this.ledger.rpc(), reference, { commitment: 'confirmed' })).signature;
    } catch (error) {
      if (error instanceof FindReferenceError) return [];
      throw error;
    }
    const all = await this.ledger.rpc().getSignaturesForAddress(reference, { commitment: 'confirmed', limit: 1000 }).send();
    return [oldest, ...[...all].reverse().flatMap((info) => (info.signature !== oldest && !info.err ? [info.signature] : []))];
  }

  /**
   * validateTransfer with no minimum amount (recipient, mint, reference and memo must match), then what the
   * treasury's USDC balance really gained: a short payment is still a payment of the order (and goes back).
   */
  async validate(order: Order, request: OrderPaymentRequest, reference: string): Promise<CandidateCheck> {
    const details = parseDetails(request);
    const signature = reference as Signature;
    let response: Awaited<ReturnType<typeof validateTransfer>>;
    try {
      response = await validateTransfer(
        this.ledger.rpc(),
        signature,
        {
          recipient: details.recipient,
          amount: 0,
          splToken: details.splToken,
          reference: address(request.providerReference),
          memo: memoOf(order),
        },
        { commitment: 'confirmed' },
      );
    } catch (error) {
      if (!(error instanceof ValidateTransferError)) throw error;
      return {
        rejected: CheckoutErrorCode.PAYMENT_INVALID,
        reason: `transaction ${reference}: ${await this.explain(signature, error, order, request)}`,
      };
    }
    const moved = changes(response.meta?.preTokenBalances, response.meta?.postTokenBalances).filter((change) => change.mint === details.splToken);
    const received = moved.filter((change) => change.owner === details.recipient).reduce((sum, change) => sum + change.delta, 0n);
    if (received <= 0n) {
      return { rejected: CheckoutErrorCode.PAYMENT_INVALID, reason: `transaction ${reference}: no USDC reached the marketplace treasury` };
    }
    const payer = moved.find((change) => change.delta < 0n)?.owner ?? null;
    return { payment: { method: 'solana', reference, amountMinor: Number(received), currency: 'USDC', payer } };
  }

  refundBlocker(charge: RefundableCharge): string | null {
    return charge.payer === null ? 'the wallet that paid is not known, so the refund has nowhere to go' : null;
  }

  newRefundKey(): string {
    return getAddressDecoder().decode(randomBytes(32));
  }

  async findRefund(refund: RefundToSend): Promise<string | null> {
    const memo = refundMemo(refund);
    if (!isAddress(refund.idempotencyKey)) return this.findByMemo(this.payerOf(refund), memo);
    const receipt = await this.ledger.findByReference(refund.idempotencyKey);
    if (!receipt) return null;
    const recorded = await this.ledger.findMemo(receipt.signature);
    if (recorded !== memo) {
      throw new Error(`transaction ${receipt.signature} carries the reference of refund ${refund.id} but records ${JSON.stringify(recorded)}`);
    }
    return receipt.signature;
  }

  async sendRefund(refund: RefundToSend): Promise<string> {
    const to = this.payerOf(refund);
    // The payer's token account existed when it paid; it may have been closed since.
    await this.ledger.ensureTokenAccount(to);
    const reference = isAddress(refund.idempotencyKey) ? refund.idempotencyKey : undefined;
    return (await this.ledger.transferUsdcBatch([{ to, amount: BigInt(refund.amountMinor) }], { memo: refundMemo(refund), reference })).signature;
  }

  private payerOf(refund: RefundToSend): Address {
    if (refund.charge.payer === null || !isAddress(refund.charge.payer)) throw new Error(`refund ${refund.id} has no wallet to go to`);
    return refund.charge.payer;
  }

  /** A successful transaction touching the payer's USDC account whose memo is `memo` (RPC nodes report memos as "[length] text"). */
  private async findByMemo(to: Address, memo: string): Promise<string | null> {
    const [account] = await findAssociatedTokenPda({ owner: to, mint: this.ledger.usdcMint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    const recent = await this.ledger.rpc().getSignaturesForAddress(account, { commitment: 'confirmed', limit: 100 }).send();
    return recent.find((entry) => entry.err === null && entry.memo?.endsWith(` ${memo}`))?.signature ?? null;
  }

  /** Turns validateTransfer's terse errors into a reason a buyer can act on. */
  private async explain(signature: Signature, error: ValidateTransferError, order: Order, request: OrderPaymentRequest): Promise<string> {
    switch (error.message) {
      case 'invalid memo':
      case 'missing memo instruction':
      case 'invalid memo program':
        return `the memo does not name this ${order.checkoutId ? 'checkout' : 'order'} (expected "${memoOf(order)}")`;
      case 'invalid transfer':
      case 'invalid transfer instruction':
      case 'recipient not found':
        return this.diagnoseTransfer(signature, parseDetails(request));
      default:
        if (error.message.startsWith('invalid reference'))
          return `the transfer does not carry exactly this order's reference ${request.providerReference}`;
        return `not a valid Solana Pay transfer for this order (${error.message})`;
    }
  }

  /** Says where the money went instead: another mint, another wallet, or no token at all. */
  private async diagnoseTransfer(signature: Signature, details: SolanaPayDetails): Promise<string> {
    const response = await this.ledger
      .rpc()
      .getTransaction(signature, { encoding: 'base64', maxSupportedTransactionVersion: 0, commitment: 'confirmed' })
      .send();
    const received = changes(response?.meta?.preTokenBalances, response?.meta?.postTokenBalances).filter((change) => change.delta > 0n);
    const otherMint = received.find((change) => change.mint !== details.splToken);
    if (otherMint) return `wrong mint: the transfer moved token ${otherMint.mint}, not USDC (${details.splToken})`;
    const otherOwner = received.find((change) => change.owner !== details.recipient);
    if (otherOwner)
      return `wrong recipient: the USDC went to ${otherOwner.owner ?? 'an unknown owner'}, not the marketplace treasury ${details.recipient}`;
    return `not a USDC transfer to the marketplace treasury ${details.recipient}`;
  }
}
