import { defineQueue } from '../queue/job-queue.js';

/** Bills every active subscription for a month; scheduled on the 1st (the month before), or sent with a period. */
export interface SubscriptionBillingJob {
  /** 'YYYY-MM'; absent (the schedule's jobs): the month before the run. */
  period?: string;
}

export const subscriptionBillingQueue = defineQueue<SubscriptionBillingJob>('subscriptions.bill-period', {
  dedupe: false,
  attempts: 5,
  retryDelaySeconds: 60,
  maxRetryDelaySeconds: 3600,
  expireInSeconds: 60 * 60,
  concurrency: 1,
});

export const SUBSCRIPTIONS_QUEUES = [subscriptionBillingQueue];
