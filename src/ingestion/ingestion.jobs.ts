import { defineQueue, SCHEDULED_SWEEP } from '../queue/job-queue.js';

/** Verifies a completed upload or a network's staged object (size, SHA-256, format) and marks the capture ready or rejected. */
export interface CaptureProcessJob {
  captureId: string;
}

export const captureProcessQueue = defineQueue<CaptureProcessJob>('capture.process', {
  dedupe: true,
  attempts: 5,
  retryDelaySeconds: 2,
  maxRetryDelaySeconds: 600,
  // Hashing a 50 GiB capture takes a while; a dead worker is noticed by its heartbeat, not by this.
  expireInSeconds: 6 * 3600,
  longRunning: true,
});

/** Rejects uploads not completed within UPLOAD_EXPIRY_HOURS and aborts their multipart uploads; scheduled. */
export const uploadExpirySweepQueue = defineQueue<Record<string, never>>('capture.expire-uploads', SCHEDULED_SWEEP);

/** Minutes between upload expiry sweeps: an abandoned upload is rejected at most this long after its time is up. */
export const UPLOAD_EXPIRY_SWEEP_MINUTES = 10;

/** Re-reads a ready capture's verified object to extract its footprint (captures made before footprints existed). */
export interface CaptureFootprintJob {
  captureId: string;
}

export const captureFootprintQueue = defineQueue<CaptureFootprintJob>('capture.footprint', {
  dedupe: true,
  attempts: 5,
  retryDelaySeconds: 30,
  maxRetryDelaySeconds: 3600,
  expireInSeconds: 6 * 3600,
  longRunning: true,
});

/** Finds ready captures with an older footprint extraction and queues a `capture.footprint` job for each; scheduled. */
export const footprintBackfillSweepQueue = defineQueue<Record<string, never>>('capture.footprint-sweep', SCHEDULED_SWEEP);

/** Makes a ready capture's previews (thumbnails, clip, renderings, tables, plots) and stores them; queued after processing. */
export interface CapturePreviewJob {
  captureId: string;
}

export const capturePreviewQueue = defineQueue<CapturePreviewJob>('capture.preview', {
  dedupe: true,
  // A preview asked for again while one runs (a video's DJI SRT became ready, the capture was reprocessed) must be made
  // again once the running one ends: the running one may have read the capture before the change.
  whileRunning: 'queue',
  attempts: 3,
  retryDelaySeconds: 30,
  maxRetryDelaySeconds: 1800,
  expireInSeconds: 3600,
  longRunning: true,
});

/** Queues a `capture.preview` job for ready captures whose preview is missing or older than PREVIEW_VERSION; scheduled. */
export const previewSweepQueue = defineQueue<Record<string, never>>('capture.preview-sweep', SCHEDULED_SWEEP);

export const INGESTION_QUEUES = [
  captureProcessQueue,
  uploadExpirySweepQueue,
  captureFootprintQueue,
  footprintBackfillSweepQueue,
  capturePreviewQueue,
  previewSweepQueue,
];
