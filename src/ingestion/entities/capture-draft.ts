import { CaptureEntity } from './capture.entity.js';

type Required = Pick<CaptureEntity, 'id' | 'ownerId' | 'status' | 'filename' | 'declaredSizeBytes' | 'declaredSha256' | 'objectKey'>;

/** A new capture row: what the caller knows, and nothing yet for what processing will find. */
export function draftCapture(known: Required & Partial<CaptureEntity>): CaptureEntity {
  const now = new Date();
  return Object.assign(new CaptureEntity(), {
    declaredModality: null,
    capturedAt: null,
    deviceId: null,
    devicePublicKey: null,
    deviceSignature: null,
    deviceSignatureValid: null,
    uploadId: null,
    partSizeBytes: null,
    partCount: null,
    network: null,
    externalId: null,
    sizeBytes: null,
    sha256: null,
    format: null,
    modality: null,
    timeStart: null,
    timeEnd: null,
    minLon: null,
    minLat: null,
    maxLon: null,
    maxLat: null,
    durationSeconds: null,
    contentKey: null,
    pointCount: null,
    vertexCount: null,
    messageCount: null,
    rowCount: null,
    epochCount: null,
    frameCount: null,
    fixCount: null,
    metadata: null,
    warnings: [],
    rejectionCode: null,
    rejectionReason: null,
    processedAt: null,
    createdAt: now,
    updatedAt: now,
    ...known,
  });
}
