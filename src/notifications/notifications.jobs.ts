import type { OrderEventSubject, OrderEventType } from '../checkout/order-event-hooks.js';
import { defineQueue, SCHEDULED_SWEEP } from '../queue/job-queue.js';

/** Writes the notices of one committed withdrawal: a webhook delivery per endpoint and order, an e-mail per order. */
export interface WithdrawalNoticeJob {
  recordId: string;
  datasetId: string;
  captureIds: string[];
  at: string;
  /** The fixed words buyers are told (a withdrawal's or a takedown's); absent in jobs queued before takedowns told buyers. */
  buyerReason?: string;
}

export const withdrawalNoticeQueue = defineQueue<WithdrawalNoticeJob>('notifications.consent-withdrawn', {
  dedupe: true,
  attempts: 10,
  retryDelaySeconds: 5,
  maxRetryDelaySeconds: 600,
  expireInSeconds: 15 * 60,
});

/** Queues the webhook deliveries of an order that was paid or fulfilled (sent in that change's transaction). */
export interface OrderEventJob {
  type: OrderEventType;
  order: OrderEventSubject;
}

export const orderEventQueue = defineQueue<OrderEventJob>('notifications.order-event', {
  dedupe: true,
  attempts: 10,
  retryDelaySeconds: 5,
  maxRetryDelaySeconds: 600,
  expireInSeconds: 15 * 60,
});

/** Sends the due webhook deliveries and e-mails of the outboxes; scheduled every minute, and sent when notices are written. */
export const notificationDispatchQueue = defineQueue<Record<string, never>>('notifications.dispatch', SCHEDULED_SWEEP);

export const NOTIFICATION_DISPATCH_MINUTES = 1;

export const NOTIFICATIONS_QUEUES = [withdrawalNoticeQueue, orderEventQueue, notificationDispatchQueue];
