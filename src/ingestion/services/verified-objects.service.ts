import { Injectable } from '@nestjs/common';
import { ObjectNotFoundError, ObjectStorage } from '../../storage/object-storage.port.js';
import { contentKeyFor, INCOMING_PREFIX } from '../content-keys.js';
import type { CaptureEntity } from '../entities/capture.entity.js';

/**
 * Makes verified bytes immutable. What gets verified is a key nobody else can write: a network's staged object is
 * first copied to a private incoming key (a later write to the staging area cannot reach the copy), an upload is its
 * own key (its part URLs stop working once it is completed). The bytes that passed are then moved, not copied again,
 * to their content-addressed key, so what is served is exactly what was hashed; the same bytes twice are one object.
 */
@Injectable()
export class VerifiedObjectsService {
  constructor(private readonly storage: ObjectStorage) {}

  /**
   * The key to verify for a capture being processed, or null when its bytes are gone. An upload whose key is empty
   * was moved to its content key by an attempt that crashed before recording it: that content key is verified again.
   */
  async candidateFor(capture: CaptureEntity): Promise<string | null> {
    if (capture.network !== null) return this.privateCopy(capture);
    if (await this.storage.head(capture.objectKey)) return capture.objectKey;
    const promoted = contentKeyFor(capture.declaredSha256);
    return (await this.storage.head(promoted)) ? promoted : null;
  }

  /**
   * Puts bytes that passed verification at their content key and answers it. When that key already holds them (the
   * same file uploaded before) the candidate is dropped instead: only verified bytes of that hash are ever there.
   */
  async promote(candidate: string, sha256: string, sizeBytes: number): Promise<string> {
    const contentKey = contentKeyFor(sha256);
    if (candidate === contentKey) return contentKey;
    if ((await this.storage.head(contentKey))?.size === sizeBytes) await this.storage.delete(candidate);
    else await this.storage.move(candidate, contentKey);
    return contentKey;
  }

  /** Drops a private copy that failed verification (an upload's own key stays, for the contributor to see). */
  async discard(candidate: string | null): Promise<void> {
    if (candidate?.startsWith(INCOMING_PREFIX)) await this.storage.delete(candidate);
  }

  /** A private copy of a capture's source object, or null when there is none: what is verified then is the copy. */
  async privateCopy(capture: CaptureEntity): Promise<string | null> {
    const incoming = `${INCOMING_PREFIX}${capture.id}`;
    try {
      await this.storage.copy(capture.objectKey, incoming);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return null;
      throw error;
    }
    return incoming;
  }

  async delete(key: string): Promise<void> {
    await this.storage.delete(key);
  }
}
