import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user.js';
import { Role } from '../../auth/role.js';
import type { CaptureSnapshot } from '../../ingestion/dto/capture-snapshot.js';
import { CaptureService } from '../../ingestion/services/capture.service.js';
import { CatalogErrorCode, CatalogException } from '../catalog.exception.js';

/**
 * Which captures a dataset may hold: ready ones, owned by the dataset's owner, or any ready capture when an admin
 * curates (e.g. for a network whose contributors signed in with their wallets).
 */
@Injectable()
export class DatasetCapturesService {
  constructor(private readonly captures: CaptureService) {}

  /** Who owns each of the captures (missing ones are left out). */
  async ownersOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    return new Map((await this.captures.snapshots([...new Set(ids)])).map((capture) => [capture.id, capture.ownerId]));
  }

  /**
   * The snapshots in the order of `ids`, or a 422 naming every capture that cannot be used and why. `owner` null
   * skips the ownership check (at approval, where it was checked when the captures were chosen).
   */
  async usable(owner: Pick<AuthUser, 'id' | 'role'> | null, ids: readonly string[]): Promise<CaptureSnapshot[]> {
    const found = new Map((await this.captures.snapshots(ids)).map((capture) => [capture.id, capture]));
    const problems: string[] = [];
    const usable: CaptureSnapshot[] = [];
    for (const id of ids) {
      const capture = found.get(id);
      // Someone else's capture reads exactly like a missing one.
      if (!capture || (owner && owner.role !== Role.ADMIN && capture.ownerId !== owner.id)) problems.push(`${id}: no such capture among yours`);
      else if (capture.status !== 'ready')
        problems.push(`${id}: capture is ${capture.status}${capture.rejectionReason ? ` (${capture.rejectionReason})` : ''}, not ready`);
      // A capture from before verified copies existed waits for its copy (made at start-up) like one still processing.
      else if (capture.objectKey === null) problems.push(`${id}: the verified copy of this capture is still being made; try again shortly`);
      else usable.push(capture);
    }
    if (problems.length > 0) {
      const shown = problems.slice(0, 20).join('; ');
      throw new CatalogException(
        CatalogErrorCode.CAPTURES_UNUSABLE,
        `${problems.length} capture(s) cannot go into this dataset: ${shown}${problems.length > 20 ? '; ...' : ''}`,
      );
    }
    return usable;
  }
}
