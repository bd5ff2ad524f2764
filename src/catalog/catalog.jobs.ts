import { defineQueue } from '../jobs/job-queue.js';

/** Copies footprints extracted since a version was frozen (the backfill) into its files and re-indexes it; scheduled. */
export const versionFootprintSyncQueue = defineQueue<Record<string, never>>('catalog.footprint-sync', {
  dedupe: false,
  attempts: 3,
  retryDelaySeconds: 30,
  maxRetryDelaySeconds: 300,
  expireInSeconds: 15 * 60,
  concurrency: 1,
});

export const CATALOG_QUEUES = [versionFootprintSyncQueue];
