import type { CheckoutOrderState } from '../checkout/services/cart.service.js';

/**
 * Whether an invoice line's order holds its captures: delivered (paid or fulfilled) or still payable (pending and not
 * past its expiry). An expired, cancelled or refunded line gives its captures back to the next month.
 */
export function holdsCaptures(order: CheckoutOrderState | undefined, now: Date): boolean {
  if (!order) return false;
  return order.status === 'paid' || order.status === 'fulfilled' || (order.status === 'pending' && order.expiresAt.getTime() > now.getTime());
}

/** An invoice as the buyer sees it: paid once a line is delivered, pending while payable, else expired. */
export function paymentStatusOf(orders: readonly CheckoutOrderState[], now: Date): 'pending' | 'paid' | 'expired' {
  if (orders.some((order) => order.status === 'paid' || order.status === 'fulfilled')) return 'paid';
  return orders.some((order) => holdsCaptures(order, now)) ? 'pending' : 'expired';
}

/** USD cents as the buyer reads them: $1,234.50. */
export function formatUsd(cents: number): string {
  return `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
