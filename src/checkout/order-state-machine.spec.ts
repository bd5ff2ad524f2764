import { describe, expect, it } from '@jest/globals';
import { ORDER_STATUSES, type OrderEvent, type OrderStatus, nextOrderState } from './order-state-machine.js';

const PAYMENT_EVENTS: OrderEvent[] = ['payment-confirmed', 'payment-conflict', 'payment-short'];
const EVENTS: OrderEvent[] = [...PAYMENT_EVENTS, 'payment-failed', 'expire', 'delivered', 'refund-requested', 'refunded-externally'];

/** Replays events from `pending`, skipping refused ones, and answers the final state. */
function replay(events: OrderEvent[]): OrderStatus {
  return events.reduce<OrderStatus>((state, event) => {
    const decision = nextOrderState(state, event);
    return decision.allowed ? decision.to : state;
  }, 'pending');
}

describe('order state machine', () => {
  it('pays, fulfils and refunds along the main path', () => {
    expect(nextOrderState('pending', 'payment-confirmed')).toEqual({
      allowed: true,
      to: 'paid',
      changed: true,
      grant: true,
      revoke: false,
      returnPayment: false,
    });
    expect(nextOrderState('paid', 'delivered')).toMatchObject({ allowed: true, to: 'fulfilled', changed: true, grant: false });
    expect(nextOrderState('fulfilled', 'refund-requested')).toMatchObject({ allowed: true, to: 'refunded', revoke: true, returnPayment: false });
    expect(nextOrderState('paid', 'refunded-externally')).toMatchObject({ allowed: true, to: 'refunded', revoke: true });
  });

  it('never grants twice: a payment arriving for a paid or refunded order leaves it as it is and goes back', () => {
    for (const status of ['paid', 'fulfilled', 'refunded'] as const) {
      expect(nextOrderState(status, 'payment-confirmed')).toMatchObject({
        allowed: true,
        to: status,
        changed: false,
        grant: false,
        returnPayment: true,
      });
    }
  });

  it('sends a short payment back and leaves the order as it was, still payable while pending', () => {
    for (const status of ORDER_STATUSES) {
      expect(nextOrderState(status, 'payment-short')).toEqual({
        allowed: true,
        to: status,
        changed: false,
        grant: false,
        revoke: false,
        returnPayment: true,
      });
    }
  });

  it('treats a repeated or late event other than a payment as a no-op', () => {
    expect(nextOrderState('fulfilled', 'delivered')).toMatchObject({ changed: false });
    expect(nextOrderState('refunded', 'refund-requested')).toMatchObject({ allowed: true, changed: false });
    expect(nextOrderState('paid', 'payment-failed')).toMatchObject({ allowed: true, to: 'paid', changed: false });
    expect(nextOrderState('paid', 'expire')).toMatchObject({ to: 'paid', changed: false });
  });

  it('honours a late payment on an expired order and returns one on a cancelled order', () => {
    expect(nextOrderState('pending', 'expire')).toMatchObject({ to: 'expired', changed: true });
    expect(nextOrderState('expired', 'payment-confirmed')).toMatchObject({ to: 'paid', grant: true });
    expect(nextOrderState('pending', 'payment-failed')).toMatchObject({ to: 'cancelled', changed: true });
    expect(nextOrderState('cancelled', 'payment-confirmed')).toMatchObject({ to: 'refunded', grant: false, returnPayment: true });
  });

  it('refunds the losing payment of an exclusive licence automatically', () => {
    expect(nextOrderState('pending', 'payment-conflict')).toMatchObject({ to: 'refunded', grant: false, returnPayment: true });
    expect(nextOrderState('expired', 'payment-conflict')).toMatchObject({ to: 'refunded', returnPayment: true });
  });

  it('refuses to deliver or refund what was never paid, and says why', () => {
    for (const status of ['pending', 'expired', 'cancelled'] as const) {
      expect(nextOrderState(status, 'delivered')).toMatchObject({ allowed: false, reason: expect.any(String) });
      expect(nextOrderState(status, 'refund-requested')).toMatchObject({ allowed: false, reason: expect.stringContaining('nothing to refund') });
    }
    expect(nextOrderState('refunded', 'delivered')).toEqual({ allowed: false, reason: 'the order was refunded and its licence revoked' });
  });

  it('answers every (state, event) pair; entitlement effects only where the status really moves', () => {
    for (const status of ORDER_STATUSES) {
      for (const event of EVENTS) {
        const decision = nextOrderState(status, event);
        expect(decision).toBeDefined();
        if (decision.allowed && !decision.changed) {
          expect(decision.to).toBe(status);
          expect([decision.grant, decision.revoke]).toEqual([false, false]);
          if (!PAYMENT_EVENTS.includes(event)) expect(decision.returnPayment).toBe(false);
        }
        if (decision.allowed && decision.grant) expect(decision.to).toBe('paid');
      }
    }
  });

  it('either grants or gives back every payment that arrives, in every state: a payment is never just dropped', () => {
    for (const status of ORDER_STATUSES) {
      for (const event of PAYMENT_EVENTS) {
        const decision = nextOrderState(status, event);
        if (!decision.allowed) throw new Error(`${event} refused in ${status}`);
        expect([decision.grant, decision.returnPayment].filter(Boolean)).toHaveLength(1);
      }
    }
  });

  it('never leaves refunded, whatever arrives afterwards (out-of-order events)', () => {
    expect(replay(['payment-confirmed', 'refund-requested', 'payment-confirmed', 'delivered', 'expire'])).toBe('refunded');
    expect(replay(['payment-failed', 'payment-confirmed', 'payment-confirmed'])).toBe('refunded');
    expect(replay(['payment-confirmed', 'payment-failed', 'expire', 'delivered'])).toBe('fulfilled');
  });
});
