import { createHash } from 'node:crypto';
import type { OrderEventSubject } from '../checkout/order-event-hooks.js';
import type { AffectedOrder } from '../checkout/services/affected-orders.service.js';

/** The events a buyer webhook can subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['order.consent_withdrawn', 'order.paid', 'order.fulfilled', 'subscription.invoice'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * What a buyer learns of a withdrawal touching their order (which order, dataset, version, the withdrawn captures it
 * bought and their files' paths, when), with the fixed buyer-facing reason: never the contributor's own.
 */
export type ConsentWithdrawnData = Omit<AffectedOrder, 'buyerId'> & { withdrawnAt: string; reason: string };

/** The JSON body every endpoint subscribed to the event receives; `id` is the same for all and across retries. */
export interface WebhookEvent<T = ConsentWithdrawnData> {
  id: string;
  object: 'event';
  type: WebhookEventType;
  /** Unix seconds. */
  created: number;
  data: T;
}

/** `order.paid` (the payment settled the order; the licence is granted) and `order.fulfilled` (files first handed out). */
export type OrderEventData = Omit<OrderEventSubject, 'buyerId'>;

export function orderEvent(type: 'order.paid' | 'order.fulfilled', { buyerId: _buyer, ...data }: OrderEventSubject): WebhookEvent<OrderEventData> {
  return { id: eventId(type, data.orderId), object: 'event', type, created: Math.floor(new Date(data.at).getTime() / 1000), data };
}

/** A stable event id for one fact (e.g. one withdrawal x one order): a job run twice makes the same event. */
export function eventId(type: WebhookEventType, ...parts: readonly string[]): string {
  return `evt_${createHash('sha256')
    .update([type, ...parts].join('|'))
    .digest('hex')
    .slice(0, 32)}`;
}

export function consentWithdrawnEvent(recordId: string, data: ConsentWithdrawnData): WebhookEvent {
  return {
    id: eventId('order.consent_withdrawn', recordId, data.orderId),
    object: 'event',
    type: 'order.consent_withdrawn',
    created: Math.floor(new Date(data.withdrawnAt).getTime() / 1000),
    data,
  };
}

/** The notice e-mail's subject and text for the same event. */
export function consentWithdrawnEmail(event: WebhookEvent, orderUrl: string): { subject: string; text: string } {
  const { data } = event;
  const files = data.paths.length === 1 ? '1 file' : `${data.paths.length} files`;
  return {
    subject: `Consent withdrawn for ${files} of your order of ${data.datasetTitle}`,
    text: [
      data.reason,
      '',
      `Dataset: ${data.datasetTitle} (version ${data.version})`,
      `Order: ${data.orderId}`,
      `Withdrawn: ${data.withdrawnAt}`,
      `Files affected:`,
      ...data.paths.map((path) => `  - ${path}`),
      '',
      `What your licence lets you do with these files is stated on the order page: ${orderUrl}`,
      '',
      `Event id: ${event.id}`,
    ].join('\n'),
  };
}

/**
 * Seconds to wait after failed attempt `n` (1-based), as Stripe retries: fast at first, then further apart, over
 * about three days in all; null after the last attempt (the delivery is given up).
 */
const RETRY_DELAYS_SECONDS = [60, 5 * 60, 30 * 60, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 12 * 3600, 12 * 3600, 12 * 3600, 12 * 3600];
export const WEBHOOK_MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

export function retryDelaySeconds(failedAttempt: number): number | null {
  return RETRY_DELAYS_SECONDS[failedAttempt - 1] ?? null;
}

/** E-mail is retried on the same plan for a day: 1 min, 5 min, 30 min, 1 h, 2 h, 4 h, 8 h, then given up. */
export const EMAIL_MAX_ATTEMPTS = 8;
export function emailRetryDelaySeconds(failedAttempt: number): number | null {
  return failedAttempt < EMAIL_MAX_ATTEMPTS ? (RETRY_DELAYS_SECONDS[failedAttempt - 1] ?? null) : null;
}
