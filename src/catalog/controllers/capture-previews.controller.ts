import { Controller, Get, Param, ParseUUIDPipe, Res, StreamableFile } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../auth/auth-user.js';
import { OptionalAuth, OptionalUser } from '../../auth/decorators/auth.decorator.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import { CapturePreviewResponse } from '../../ingestion/dto/capture-preview.response.js';
import { SamplePreviewsService } from '../services/sample-previews.service.js';

@ApiTags('previews')
@OptionalAuth()
@ApiNotFoundResponse({ type: ErrorBody, description: 'No such capture visible to the caller (not a listed sample, not yours)' })
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
  @ApiProduces('image/png', 'image/jpeg', 'video/mp4', 'application/octet-stream')
  @ApiOkResponse({ description: 'The file' })
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
