import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user.js';
import type { CapturePreviewResponse } from '../../ingestion/dto/capture-preview.response.js';
import { CapturePreviewService, type PreviewFile } from '../../ingestion/services/capture-preview.service.js';
import { DatasetVersionRepository } from '../repositories/dataset-version.repository.js';

/**
 * Who may see a capture's preview: anyone when the capture is a sample file of a listed dataset (not taken down),
 * otherwise its owner and admins. Everyone else gets the 404 of a missing capture, so ids cannot be probed.
 */
@Injectable()
export class SamplePreviewsService {
  constructor(
    private readonly versions: DatasetVersionRepository,
    private readonly previews: CapturePreviewService,
  ) {}

  async preview(user: AuthUser | null, captureId: string): Promise<CapturePreviewResponse> {
    if (await this.versions.isListedSample(captureId)) return this.previews.forAnyone(captureId);
    return this.previews.forOwner(user, captureId);
  }

  async file(user: AuthUser | null, captureId: string, name: string): Promise<PreviewFile> {
    if (await this.versions.isListedSample(captureId)) return this.previews.fileForAnyone(captureId, name);
    return this.previews.fileForOwner(user, captureId, name);
  }
}
