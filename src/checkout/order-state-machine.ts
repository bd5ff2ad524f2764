/**
 * The order state machine. Pure: the services lock the order row, ask `nextOrderState` what an event does to it,
 * and apply the answer (status and side effects) in the same transaction.
 *
 *   pending --payment-confirmed--> paid --delivered--> fulfilled
 *   pending --expire--> expired --payment-confirmed--> paid        (a late payment is honoured)
 *   pending --payment-failed--> cancelled --payment-confirmed--> refunded (money that arrives anyway goes back)
 *   pending|expired --payment-conflict--> refunded                  (the exclusive licence went to another buyer, or
 *                                                                    an exclusive order's files were sold openly first)
 *   paid|fulfilled --refund-requested|refunded-externally--> refunded
 *
 * Every payment event is recorded and then either grants the licence or goes back whole (`returnPayment`), also
 * where the status stays: a second payment of a paid order, a payment of a refunded one, a short payment.
 */
export const ORDER_STATUSES = ['pending', 'paid', 'fulfilled', 'expired', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type OrderEvent =
  /** A valid payment for this order arrived. */
  | 'payment-confirmed'
  /**
   * A valid payment arrived, but the order's files are licensed exclusively to another order (or, for an exclusive
   * order, another order already bought them under an ordinary licence).
   */
  | 'payment-conflict'
  /** A payment for the order arrived, but less than its price. */
  | 'payment-short'
  /** The payment attempt failed for good (e.g. Stripe's async payment failed). */
  | 'payment-failed'
  /** The order's time is up. */
  | 'expire'
  /** The buyer was handed the download URLs. */
  | 'delivered'
  /** An admin refunds the order: the platform moves the money back. */
  | 'refund-requested'
  /** The payment provider reports that the money went back (e.g. a refund made in Stripe's dashboard). */
  | 'refunded-externally';

export interface OrderTransition {
  to: OrderStatus;
  /** False when the event changes nothing (a duplicate, late or out-of-order event): nothing to write. */
  changed: boolean;
  /** Record the incoming payment and grant the entitlement. */
  grant: boolean;
  /** Revoke the entitlement (if any). */
  revoke: boolean;
  /** Record the incoming payment and send it back whole (it does not pay the order). */
  returnPayment: boolean;
}

export type OrderDecision = ({ allowed: true } & OrderTransition) | { allowed: false; reason: string };

const stay = (to: OrderStatus): OrderDecision => ({ allowed: true, to, changed: false, grant: false, revoke: false, returnPayment: false });
/** The status stays, and the payment that arrived goes back. */
const giveBack = (to: OrderStatus): OrderDecision => ({ allowed: true, to, changed: false, grant: false, revoke: false, returnPayment: true });
const move = (to: OrderStatus, effects: Partial<Pick<OrderTransition, 'grant' | 'revoke' | 'returnPayment'>> = {}): OrderDecision => ({
  allowed: true,
  to,
  changed: true,
  grant: false,
  revoke: false,
  returnPayment: false,
  ...effects,
});
const refuse = (reason: string): OrderDecision => ({ allowed: false, reason });

const TABLE: Record<OrderStatus, Record<OrderEvent, OrderDecision>> = {
  pending: {
    'payment-confirmed': move('paid', { grant: true }),
    'payment-conflict': move('refunded', { returnPayment: true }),
    'payment-short': giveBack('pending'),
    'payment-failed': move('cancelled'),
    expire: move('expired'),
    delivered: refuse('the order is not paid yet'),
    'refund-requested': refuse('the order is not paid, so there is nothing to refund'),
    'refunded-externally': refuse('the order is not paid, so there is nothing to refund'),
  },
  expired: {
    'payment-confirmed': move('paid', { grant: true }),
    'payment-conflict': move('refunded', { returnPayment: true }),
    'payment-short': giveBack('expired'),
    'payment-failed': stay('expired'),
    expire: stay('expired'),
    delivered: refuse('the order expired before it was paid'),
    'refund-requested': refuse('the order expired unpaid, so there is nothing to refund'),
    'refunded-externally': refuse('the order expired unpaid, so there is nothing to refund'),
  },
  cancelled: {
    'payment-confirmed': move('refunded', { returnPayment: true }),
    'payment-conflict': move('refunded', { returnPayment: true }),
    'payment-short': giveBack('cancelled'),
    'payment-failed': stay('cancelled'),
    expire: stay('cancelled'),
    delivered: refuse('the order was cancelled'),
    'refund-requested': refuse('the order was cancelled unpaid, so there is nothing to refund'),
    'refunded-externally': refuse('the order was cancelled unpaid, so there is nothing to refund'),
  },
  paid: {
    'payment-confirmed': giveBack('paid'),
    'payment-conflict': giveBack('paid'),
    'payment-short': giveBack('paid'),
    'payment-failed': stay('paid'),
    expire: stay('paid'),
    delivered: move('fulfilled'),
    'refund-requested': move('refunded', { revoke: true }),
    'refunded-externally': move('refunded', { revoke: true }),
  },
  fulfilled: {
    'payment-confirmed': giveBack('fulfilled'),
    'payment-conflict': giveBack('fulfilled'),
    'payment-short': giveBack('fulfilled'),
    'payment-failed': stay('fulfilled'),
    expire: stay('fulfilled'),
    delivered: stay('fulfilled'),
    'refund-requested': move('refunded', { revoke: true }),
    'refunded-externally': move('refunded', { revoke: true }),
  },
  refunded: {
    'payment-confirmed': giveBack('refunded'),
    'payment-conflict': giveBack('refunded'),
    'payment-short': giveBack('refunded'),
    'payment-failed': stay('refunded'),
    expire: stay('refunded'),
    delivered: refuse('the order was refunded and its licence revoked'),
    'refund-requested': stay('refunded'),
    'refunded-externally': stay('refunded'),
  },
};

/** What `event` does to an order in state `from`. */
export function nextOrderState(from: OrderStatus, event: OrderEvent): OrderDecision {
  return TABLE[from][event];
}

/** Statuses in which the buyer holds the licence. */
export const ENTITLED_STATUSES: readonly OrderStatus[] = ['paid', 'fulfilled'];
