import { defineQueue, SCHEDULED_SWEEP } from '../queue/job-queue.js';

/** Copies footprints extracted since a version was frozen (the backfill) into its files and re-indexes it; scheduled. */
export const versionFootprintSyncQueue = defineQueue<Record<string, never>>('catalog.footprint-sync', SCHEDULED_SWEEP);

export const CATALOG_QUEUES = [versionFootprintSyncQueue];
