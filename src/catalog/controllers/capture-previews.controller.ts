import { Controller, Get, Param, ParseUUIDPipe, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../auth/auth-user.js';
import { OptionalAuth, OptionalUser } from '../../auth/decorators/auth.decorator.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { IngestionErrorCode, IngestionException } from '../../ingestion/ingestion.exception.js';
import { CapturePreviewResponse } from '../../ingestion/dto/capture-preview.response.js';
import { SamplePreviewsService } from '../services/sample-previews.service.js';

@ApiTags('previews')
@OptionalAuth()
@ApiErrorResponse(
  'No such capture visible to the caller (not a listed sample, not yours)',
  new IngestionException(IngestionErrorCode.CAPTURE_NOT_FOUND, 'No capture 52209f96-02f8-4c32-811b-d4fab64fcceb'),
)
@Controller('v1/captures/:id/preview')
export class CapturePreviewsController {
  constructor(private readonly previews: SamplePreviewsService) {}

  @Get()
  @ApiOperation({ summary: "A capture's preview: anyone for a listed dataset's sample files, the owner and admins for any capture" })
  @ApiOkResponse({ type: CapturePreviewResponse })
  get(@OptionalUser() user: AuthUser | null, @Param('id', new ParseUUIDPipe()) id: string): Promise<CapturePreviewResponse> {
    return this.previews.preview(user, id);
  }

  @Get('files/:name')
  @ApiOperation({ summary: 'One preview file (thumbnail, clip, rendering, viewer points, frame), with the same rights as the preview' })
  @ApiOkResponse({
    description: 'The file',
    // Listed here rather than with @ApiProduces, which would put the JSON error answers under these types too.
    content: Object.fromEntries(
      ['image/png', 'image/jpeg', 'video/mp4', 'application/octet-stream'].map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
    ),
  })
  @ApiErrorResponse(
    'No such capture visible to the caller, or no such preview file of it',
    new IngestionException(IngestionErrorCode.CAPTURE_NOT_FOUND, 'No capture 52209f96-02f8-4c32-811b-d4fab64fcceb'),
    new IngestionException(IngestionErrorCode.PREVIEW_NOT_FOUND, 'Capture 52209f96-02f8-4c32-811b-d4fab64fcceb has no preview file clip.mp4'),
  )
  async file(
    @OptionalUser() user: AuthUser | null,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('name') name: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const file = await this.previews.file(user, id, name);
    response.set({ 'Content-Type': file.contentType, 'Content-Length': String(file.sizeBytes) });
    return new StreamableFile(file.stream);
  }
}
