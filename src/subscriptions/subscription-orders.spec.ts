import { describe, expect, it } from '@jest/globals';
import type { CheckoutOrderState } from '../checkout/services/cart.service.js';
import type { OrderStatus } from '../checkout/order-state-machine.js';
import { formatUsd, holdsCaptures, paymentStatusOf } from './subscription-orders.js';

const now = new Date('2026-12-01T12:00:00Z');
const order = (status: OrderStatus, expiresAt = '2026-12-02T00:00:00Z'): CheckoutOrderState => ({
  orderId: 'o',
  datasetId: 'd',
  datasetTitle: 'Drives',
  status,
  expiresAt: new Date(expiresAt),
});

describe('what an invoice line holds', () => {
  it('holds its captures while delivered or payable', () => {
    expect(holdsCaptures(order('paid'), now)).toBe(true);
    expect(holdsCaptures(order('fulfilled'), now)).toBe(true);
    expect(holdsCaptures(order('pending'), now)).toBe(true);
  });

  it('gives them back once it expired, was cancelled or refunded, or has no order', () => {
    expect(holdsCaptures(order('pending', '2026-12-01T12:00:00Z'), now)).toBe(false);
    expect(holdsCaptures(order('expired'), now)).toBe(false);
    expect(holdsCaptures(order('cancelled'), now)).toBe(false);
    expect(holdsCaptures(order('refunded'), now)).toBe(false);
    expect(holdsCaptures(undefined, now)).toBe(false);
  });

  it('calls an invoice paid once a line is, pending while one is payable, else expired', () => {
    expect(paymentStatusOf([order('refunded'), order('paid')], now)).toBe('paid');
    expect(paymentStatusOf([order('pending')], now)).toBe('pending');
    expect(paymentStatusOf([order('expired'), order('refunded')], now)).toBe('expired');
  });

  it('writes cents as dollars', () => {
    expect(formatUsd(1)).toBe('$0.01');
    expect(formatUsd(123_456)).toBe('$1,234.56');
  });
});
