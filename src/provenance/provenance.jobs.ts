import { defineQueue } from '../queue/job-queue.js';

/** Records a dataset version's manifest root on-chain, once (provenance_anchors is the outbox). */
export interface AnchorJob {
  datasetId: string;
  version: number;
}

/** Enough attempts to ride out a cluster outage of weeks at the 15-minute cap: an anchor is retried until done. */
export const ANCHOR_MAX_ATTEMPTS = 10_000;

export const anchorQueue = defineQueue<AnchorJob>('provenance.anchor', {
  dedupe: true,
  attempts: ANCHOR_MAX_ATTEMPTS,
  // At least the ledger's landing window in fact: each send passes it (AnchorService.requestAnchor).
  retryDelaySeconds: 2,
  maxRetryDelaySeconds: 15 * 60,
  expireInSeconds: 15 * 60,
});

export function anchorJobKey(datasetId: string, version: number): string {
  return `provenance.anchor:${datasetId}:${version}`;
}

export const PROVENANCE_QUEUES = [anchorQueue];
