import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type Address, type Signature, getAddressDecoder } from '@solana/kit';
import { FindReferenceError, type TransferFields, ValidateTransferError, encodeURL, findReference, validateTransfer } from '@solana/pay';
import QRCode from 'qrcode';
import { SolanaLedger } from '../../chain/solana-ledger.port.js';
import { type PreparedSale, RevenueService } from '../../revenue/services/revenue.service.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import type { OrderEntity } from '../entities/order.entity.js';
import { PaymentRepository } from '../repositories/payment.repository.js';
import { solanaPayAmount, usdcBaseUnitsToDecimal } from '../usdc-amount.js';
import { OrderSettlementService, type Settlement } from './order-settlement.service.js';

const LABEL = 'Physical-AI data marketplace';

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

export interface SolanaPaymentRequest {
  reference: Address;
  recipient: Address;
  splToken: Address;
  url: string;
}

/** The memo every payment of the order carries, so the transfer names the order on-chain. */
export const memoFor = (orderId: string) => `order:${orderId}`;

/**
 * Solana Pay for orders: the transfer request (treasury, USDC, a fresh reference, a memo naming the order), and the
 * confirmation: find the transactions carrying the reference, validate them with @solana/pay's validateTransfer,
 * and settle the first valid one that no other order has used.
 */
@Injectable()
export class SolanaPayService {
  constructor(
    private readonly ledger: SolanaLedger,
    private readonly payments: PaymentRepository,
    private readonly settlement: OrderSettlementService,
    private readonly revenue: RevenueService,
  ) {}

  paymentRequest(order: { id: string; datasetTitle: string; version: number; priceUsdCents: number }): SolanaPaymentRequest {
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
      message: `Order ${order.id}: ${order.datasetTitle} v${order.version}`.slice(0, 200),
      memo: memoFor(order.id),
    });
    return { reference, recipient, splToken, url: url.toString() };
  }

  qrCode(url: string): Promise<string> {
    return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then(
      (svg) => `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    );
  }

  /**
   * Looks for the order's payment and settles it. `signature` (as the wallet returned it) skips the search.
   * Throws PAYMENT_NOT_FOUND when nothing references the order yet, and PAYMENT_INVALID / PAYMENT_ALREADY_USED
   * with the reasons when what was found does not pay it.
   */
  async confirm(order: OrderEntity, signature?: string): Promise<Settlement> {
    const reasons: { code: CheckoutErrorCode; reason: string }[] = [];
    // The revenue split's inputs, read before the payment transaction and only once a payment is found (watchers poll).
    let prepared: PreparedSale | undefined;
    for await (const candidate of this.candidates(order, signature as Signature | undefined)) {
      const used = await this.payments.findByReference(candidate);
      if (used && used.orderId !== order.id) {
        reasons.push({
          code: CheckoutErrorCode.PAYMENT_ALREADY_USED,
          reason: `transaction ${candidate} already paid order ${used.orderId}; one payment pays one order`,
        });
        continue;
      }
      let response: Awaited<ReturnType<typeof validateTransfer>>;
      try {
        response = await validateTransfer(this.ledger.rpc(), candidate, this.fields(order), { commitment: 'confirmed' });
      } catch (error) {
        if (!(error instanceof ValidateTransferError)) throw error;
        reasons.push({ code: CheckoutErrorCode.PAYMENT_INVALID, reason: `transaction ${candidate}: ${await this.explain(candidate, error, order)}` });
        continue;
      }
      const moved = changes(response.meta?.preTokenBalances, response.meta?.postTokenBalances).filter((change) => change.mint === order.solanaMint);
      const received = moved.filter((change) => change.owner === order.solanaRecipient).reduce((sum, change) => sum + change.delta, 0n);
      const payer = moved.find((change) => change.delta < 0n)?.owner ?? undefined;
      prepared ??= await this.revenue.prepareSale(order.datasetId, order.version);
      const sale = prepared;
      const settled = await this.settlement.transaction((manager) =>
        this.settlement.settlePayment(
          order.id,
          { method: 'solana', reference: candidate, amountMinor: Number(received), currency: 'USDC', payerAddress: payer },
          manager,
          sale,
        ),
      );
      if (settled.outcome !== 'rejected') return settled;
      reasons.push({ code: settled.code, reason: settled.reason });
    }
    if (reasons.length === 0) {
      throw new CheckoutException(
        CheckoutErrorCode.PAYMENT_NOT_FOUND,
        signature
          ? `Transaction ${signature} was not found`
          : `No transaction references order ${order.id} yet: pay its Solana Pay URL, then confirm again`,
      );
    }
    const message = reasons.map((entry) => entry.reason).join('; ');
    await this.settlement.notePaymentError(order.id, message);
    throw new CheckoutException(reasons[reasons.length - 1].code, `No valid payment for order ${order.id}: ${message}`);
  }

  private fields(order: OrderEntity): TransferFields {
    return {
      recipient: order.solanaRecipient as Address,
      amount: solanaPayAmount(order.priceUsdCents),
      splToken: order.solanaMint as Address,
      reference: order.solanaReference as Address,
      memo: memoFor(order.id),
    };
  }

  /** The transactions that may pay the order, oldest first: findReference's answer, then any later ones. */
  private async *candidates(order: OrderEntity, given?: Signature): AsyncGenerator<Signature> {
    if (given) {
      yield given;
      return;
    }
    const reference = order.solanaReference as Address;
    let oldest: Signature;
    try {
      oldest = (await findReference(this.ledger.rpc(), reference, { commitment: 'confirmed' })).signature;
    } catch (error) {
      if (error instanceof FindReferenceError) return;
      throw error;
    }
    yield oldest;
    const all = await this.ledger.rpc().getSignaturesForAddress(reference, { commitment: 'confirmed', limit: 1000 }).send();
    for (const info of [...all].reverse()) {
      if (info.signature !== oldest && !info.err) yield info.signature;
    }
  }

  /** Turns validateTransfer's terse errors into a reason a buyer can act on. */
  private async explain(signature: Signature, error: ValidateTransferError, order: OrderEntity): Promise<string> {
    const price = `${usdcBaseUnitsToDecimal(BigInt(order.amountMinor))} USDC`;
    switch (error.message) {
      case 'amount not transferred':
        return `short payment: less than the ${price} this order costs`;
      case 'invalid memo':
      case 'missing memo instruction':
      case 'invalid memo program':
        return `the memo does not name this order (expected "${memoFor(order.id)}")`;
      case 'invalid transfer':
      case 'invalid transfer instruction':
      case 'recipient not found':
        return this.diagnoseTransfer(signature, order);
      default:
        if (error.message.startsWith('invalid reference'))
          return `the transfer does not carry exactly this order's reference ${order.solanaReference}`;
        return `not a valid Solana Pay transfer for this order (${error.message})`;
    }
  }

  /** Says where the money went instead: another mint, another wallet, or no token at all. */
  private async diagnoseTransfer(signature: Signature, order: OrderEntity): Promise<string> {
    const response = await this.ledger
      .rpc()
      .getTransaction(signature, { encoding: 'base64', maxSupportedTransactionVersion: 0, commitment: 'confirmed' })
      .send();
    const received = changes(response?.meta?.preTokenBalances, response?.meta?.postTokenBalances).filter((change) => change.delta > 0n);
    const otherMint = received.find((change) => change.mint !== order.solanaMint);
    if (otherMint) return `wrong mint: the transfer moved token ${otherMint.mint}, not USDC (${order.solanaMint})`;
    const otherOwner = received.find((change) => change.owner !== order.solanaRecipient);
    if (otherOwner) return `wrong recipient: the USDC went to ${otherOwner.owner}, not the marketplace treasury ${order.solanaRecipient}`;
    return `not a USDC transfer to the marketplace treasury ${order.solanaRecipient}`;
  }
}
