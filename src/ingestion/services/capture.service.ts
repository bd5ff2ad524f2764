import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { Role } from '../../auth/role.js';
import { verifyWalletSignature } from '../../auth/wallet-signature.js';
import { decodeCursor } from '../../common/keyset-cursor.js';
import { parseStrictDate } from '../../common/strict-date.js';
import { AppConfig } from '../../config/app-config.js';
import { JobsService } from '../../queue/jobs.service.js';
import { planMultipartUpload, plannedPartSize } from '../../storage/multipart-plan.js';
import { ObjectStorage } from '../../storage/object-storage.port.js';
import type { CompleteCaptureDto, CreateCaptureDto } from '../dto/create-capture.dto.js';
import { CapturePageResponse, CaptureResponse, CaptureUploadResponse, CreatedCaptureResponse, UploadPartUrl } from '../dto/capture.response.js';
import { CaptureCounts } from '../dto/capture-counts.js';
import type { CaptureSnapshot } from '../dto/capture-snapshot.js';
import type { ListCapturesQuery } from '../dto/list-captures.query.js';
import type { CaptureEntity } from '../entities/capture.entity.js';
import { draftCapture } from '../entities/capture-draft.js';
import type { BBox } from '../formats/probe.types.js';
import { IngestionErrorCode, IngestionException } from '../ingestion.exception.js';
import { captureProcessQueue } from '../ingestion.jobs.js';
import { CaptureRepository } from '../repositories/capture.repository.js';

function toSnapshot(capture: CaptureEntity): CaptureSnapshot {
  const { minLon, minLat, maxLon, maxLat } = capture;
  const bbox: BBox | null = minLon !== null && minLat !== null && maxLon !== null && maxLat !== null ? [minLon, minLat, maxLon, maxLat] : null;
  return {
    id: capture.id,
    ownerId: capture.ownerId,
    status: capture.status,
    filename: capture.filename,
    network: capture.network,
    objectKey: capture.contentKey,
    sizeBytes: capture.sizeBytes,
    sha256: capture.sha256,
    format: capture.format,
    modality: capture.modality,
    timeStart: capture.timeStart,
    timeEnd: capture.timeEnd,
    bbox,
    durationSeconds: capture.durationSeconds,
    counts: CaptureCounts.from(capture),
    metadata: capture.metadata ?? {},
    warnings: capture.warnings,
    footprint: capture.footprint,
    footprintReason: capture.footprintReason,
    gnssQuality: capture.gnssQuality,
    deviceId: capture.deviceId,
    devicePublicKey: capture.devicePublicKey,
    deviceSignatureValid: capture.deviceSignatureValid,
    rejectionReason: capture.rejectionReason,
  };
}

/**
 * Whether the capture's upload was completed (it is processing, or was processed, since), so a retried completion
 * answers it as it is: not an upload the expiry sweep abandoned, nor a network capture, which was never uploaded here.
 */
function completedUpload(capture: CaptureEntity): boolean {
  if (capture.partCount === null || capture.network !== null) return false;
  return (
    capture.status === 'processing' || capture.status === 'ready' || (capture.status === 'rejected' && capture.rejectionCode !== 'upload_abandoned')
  );
}

/** Keeps a safe base name: no directories, no characters that break object keys or headers. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 200);
  return cleaned || 'capture';
}

/** Contributor uploads: open a multipart upload, hand out part URLs, complete it and queue the processing job. */
@Injectable()
export class CaptureService {
  private readonly logger = new Logger(CaptureService.name);

  constructor(
    private readonly captures: CaptureRepository,
    private readonly storage: ObjectStorage,
    private readonly jobs: JobsService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(user: AuthUser, dto: CreateCaptureDto): Promise<CreatedCaptureResponse> {
    const deviceSignatureValid = this.checkDeviceSignature(dto);
    const plan = planMultipartUpload(dto.sizeBytes);
    const id = randomUUID();
    const objectKey = `captures/${id}/${safeFilename(dto.filename)}`;
    const uploadId = await this.storage.createMultipartUpload(objectKey);
    const capture = draftCapture({
      id,
      ownerId: user.id,
      status: 'uploading',
      filename: dto.filename,
      declaredSizeBytes: dto.sizeBytes,
      declaredSha256: dto.sha256,
      declaredModality: dto.modality ?? null,
      capturedAt: parseStrictDate(dto.capturedAt),
      deviceId: dto.deviceId ?? null,
      devicePublicKey: dto.devicePublicKey ?? null,
      deviceSignature: dto.deviceSignature ?? null,
      deviceSignatureValid,
      objectKey,
      uploadId,
      partSizeBytes: plan.partSizeBytes,
      partCount: plan.partCount,
    });
    // The upload expiry sweep (UploadExpiryService) rejects it if it is not completed in time.
    await this.captures.insert(this.dataSource.manager, capture);
    return Object.assign(new CreatedCaptureResponse(), CaptureResponse.from(capture), { upload: await this.uploadUrls(capture) });
  }

  /** Fresh part URLs for an upload still in progress, so a client can resume after a reload or an expiry. */
  async resumeUpload(user: AuthUser, id: string): Promise<CaptureUploadResponse> {
    const capture = await this.owned(user, id);
    if (capture.status !== 'uploading') {
      throw new IngestionException(IngestionErrorCode.CAPTURE_NOT_UPLOADING, `Capture ${id} is ${capture.status}, not uploading`);
    }
    return this.uploadUrls(capture);
  }

  /**
   * Discards an unfinished upload now instead of at its expiry: the capture is rejected (upload_abandoned) and its
   * multipart upload aborted, so its parts leave storage. 409 once completed (or already discarded or expired).
   */
  async discardUpload(user: AuthUser, id: string): Promise<CaptureResponse> {
    await this.owned(user, id);
    const abandoned = await this.captures.abandonUpload(id, user.id, 'The upload was discarded by its contributor before it was completed');
    if (!abandoned) {
      const capture = await this.owned(user, id);
      throw new IngestionException(IngestionErrorCode.CAPTURE_NOT_UPLOADING, `Capture ${id} is ${capture.status}, not uploading`);
    }
    if (abandoned.uploadId !== null) {
      try {
        await this.storage.abortMultipartUpload(abandoned.objectKey, abandoned.uploadId);
      } catch (error) {
        // The capture is rejected either way; the parts stay until the store's own lifecycle rules remove them.
        this.logger.warn(`upload of capture ${id} was discarded, but aborting it failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return CaptureResponse.from(await this.owned(user, id));
  }

  /**
   * Assembles the uploaded parts and queues the processing job, once. Idempotent for a client retrying after a lost
   * answer (the instance died mid-call): a capture already completed answers as it is now, and an upload the store
   * already assembled (the instance died between assembling and recording it) is recorded without assembling again.
   * One processing job either way: only the call that moves the capture out of `uploading` queues it.
   */
  async complete(user: AuthUser, id: string, dto: CompleteCaptureDto): Promise<CaptureResponse> {
    const capture = await this.owned(user, id);
    if (capture.status !== 'uploading' || !capture.uploadId) {
      if (completedUpload(capture)) return CaptureResponse.from(capture);
      throw new IngestionException(IngestionErrorCode.CAPTURE_NOT_UPLOADING, `Capture ${id} is ${capture.status}, not uploading`);
    }
    const numbers = dto.parts.map((part) => part.partNumber).sort((a, b) => a - b);
    if (numbers.length !== capture.partCount || numbers.some((n, i) => n !== i + 1)) {
      throw new IngestionException(
        IngestionErrorCode.UPLOAD_INCOMPLETE,
        `Expected parts 1..${capture.partCount}, each once; got ${numbers.join(', ')}`,
      );
    }
    try {
      await this.storage.completeMultipartUpload(capture.objectKey, capture.uploadId, dto.parts);
    } catch (error) {
      // Only this upload writes its key: an object there means an earlier call assembled it and died before recording it.
      if ((await this.storage.head(capture.objectKey)) === null) {
        throw new IngestionException(
          IngestionErrorCode.UPLOAD_INCOMPLETE,
          `The store refused to assemble the parts: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    await this.dataSource.transaction(async (manager) => {
      if (await this.captures.markProcessing(manager, capture.id)) {
        await this.jobs.send(manager, captureProcessQueue, { captureId: capture.id }, { key: `capture.process:${capture.id}` });
      }
    });
    const now = await this.owned(user, id);
    // A concurrent sweep that found the upload expired first wins: this call did not complete it.
    if (!completedUpload(now)) {
      throw new IngestionException(IngestionErrorCode.CAPTURE_NOT_UPLOADING, `Capture ${id} is ${now.status}, not uploading`);
    }
    return CaptureResponse.from(now);
  }

  async get(user: AuthUser, id: string): Promise<CaptureResponse> {
    return CaptureResponse.from(await this.visible(user, id));
  }

  async list(user: AuthUser, query: ListCapturesQuery): Promise<CapturePageResponse> {
    const ownerId = user.role === Role.ADMIN && !query.mine ? null : user.id;
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const { items, nextCursor } = await this.captures.listForOwner(ownerId, query.limit, before);
    return Object.assign(new CapturePageResponse(), { items: items.map((capture) => CaptureResponse.from(capture)), nextCursor });
  }

  /** Snapshots of the captures with these ids that exist (any status, any owner); the caller decides who may use them. */
  async snapshots(ids: readonly string[]): Promise<CaptureSnapshot[]> {
    return (await this.captures.findByIds(ids)).map(toSnapshot);
  }

  private checkDeviceSignature(dto: CreateCaptureDto): boolean | null {
    if (!dto.deviceSignature && !dto.devicePublicKey) return null;
    if (!dto.deviceSignature || !dto.devicePublicKey) {
      throw new IngestionException(IngestionErrorCode.DEVICE_SIGNATURE_INVALID, 'devicePublicKey and deviceSignature go together');
    }
    if (!verifyWalletSignature(dto.devicePublicKey, dto.sha256, dto.deviceSignature)) {
      throw new IngestionException(
        IngestionErrorCode.DEVICE_SIGNATURE_INVALID,
        'deviceSignature is not a valid Ed25519 signature by devicePublicKey over the sha256 hex string',
      );
    }
    return true;
  }

  private async uploadUrls(capture: CaptureEntity): Promise<CaptureUploadResponse> {
    const ttl = this.config.PRESIGN_TTL_SECONDS;
    const plan = { partSizeBytes: capture.partSizeBytes ?? 0, partCount: capture.partCount ?? 0 };
    const parts = await Promise.all(
      Array.from({ length: plan.partCount }, async (_, index) =>
        Object.assign(new UploadPartUrl(), {
          partNumber: index + 1,
          url: await this.storage.presignUploadPart(
            capture.objectKey,
            capture.uploadId ?? '',
            index + 1,
            plannedPartSize(plan, capture.declaredSizeBytes, index + 1),
            ttl,
          ),
        }),
      ),
    );
    return Object.assign(new CaptureUploadResponse(), {
      partSizeBytes: plan.partSizeBytes,
      parts,
      completeUrl: `${this.config.publicUrl}/v1/captures/${capture.id}/complete`,
      expiresAt: new Date(Date.now() + ttl * 1000),
    });
  }

  private async owned(user: AuthUser, id: string): Promise<CaptureEntity> {
    const capture = await this.captures.findOwned(id, user.id);
    if (!capture) throw new IngestionException(IngestionErrorCode.CAPTURE_NOT_FOUND, `No capture ${id} among yours`);
    return capture;
  }

  /** Owners see their captures, admins see all; anyone else gets the same 404 as for a missing id. */
  private async visible(user: AuthUser, id: string): Promise<CaptureEntity> {
    const capture = user.role === Role.ADMIN ? await this.captures.findById(id) : await this.captures.findOwned(id, user.id);
    if (!capture) throw new IngestionException(IngestionErrorCode.CAPTURE_NOT_FOUND, `No capture ${id} among yours`);
    return capture;
  }
}
