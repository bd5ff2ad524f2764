import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { CapturePageResponse, CaptureResponse, CaptureUploadResponse, CreatedCaptureResponse } from '../dto/capture.response.js';
import { CompleteCaptureDto, CreateCaptureDto } from '../dto/create-capture.dto.js';
import { ListCapturesQuery } from '../dto/list-captures.query.js';
import { IngestionErrorCode, IngestionException } from '../ingestion.exception.js';
import { CaptureService } from '../services/capture.service.js';

const CAPTURE_ID = '52209f96-02f8-4c32-811b-d4fab64fcceb';
const NotYours = () =>
  ApiErrorResponse(
    'No such capture among yours',
    new IngestionException(IngestionErrorCode.CAPTURE_NOT_FOUND, `No capture ${CAPTURE_ID} among yours`),
  );
const NotUploading = (description: string) =>
  ApiErrorResponse(description, new IngestionException(IngestionErrorCode.CAPTURE_NOT_UPLOADING, `Capture ${CAPTURE_ID} is rejected, not uploading`));

@ApiTags('captures')
@Auth(Role.CONTRIBUTOR, Role.ADMIN)
@Controller('v1/captures')
export class CapturesController {
  constructor(private readonly captures: CaptureService) {}

  @Post()
  @ApiOperation({ summary: 'Opens a capture upload: answers presigned part URLs to send the bytes to' })
  @ApiCreatedResponse({ type: CreatedCaptureResponse, description: 'PUT each part to its URL, then POST the ETags to completeUrl' })
  @ApiErrorResponse(
    'A device signature that does not check out (or half of one)',
    new IngestionException(IngestionErrorCode.DEVICE_SIGNATURE_INVALID, 'devicePublicKey and deviceSignature go together'),
  )
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateCaptureDto): Promise<CreatedCaptureResponse> {
    return this.captures.create(user, dto);
  }

  @Post(':id/complete')
  @ApiOperation({ summary: 'Completes an upload with the parts sent; the capture is verified and probed next' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: CaptureResponse, description: 'The capture, now processing; a retried completion answers it as it is now' })
  @NotYours()
  @ApiErrorResponse(
    'Not every part, each once, or the store refused to assemble them',
    new IngestionException(IngestionErrorCode.UPLOAD_INCOMPLETE, 'Expected parts 1..3, each once; got 1, 3'),
  )
  @NotUploading('Not uploading any more: the upload was abandoned (expired), or never was one')
  complete(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: CompleteCaptureDto): Promise<CaptureResponse> {
    return this.captures.complete(user, id, dto);
  }

  @Get(':id/upload')
  @ApiOperation({ summary: 'Fresh part URLs for every part, to resume an unfinished upload' })
  @ApiOkResponse({ type: CaptureUploadResponse, description: 'Fresh part URLs to resume an unfinished upload' })
  @NotYours()
  @NotUploading('Not uploading any more: completed, discarded or expired')
  resume(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<CaptureUploadResponse> {
    return this.captures.resumeUpload(user, id);
  }

  @Delete(':id/upload')
  @ApiOperation({ summary: 'Discards an unfinished upload now: the capture is rejected and its parts are removed from storage' })
  @ApiOkResponse({ type: CaptureResponse, description: 'The capture, rejected as upload_abandoned' })
  @NotYours()
  @NotUploading('Not uploading any more: completed, discarded or expired')
  discard(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<CaptureResponse> {
    return this.captures.discardUpload(user, id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your captures: status, metadata, footprint, or why it was rejected' })
  @ApiOkResponse({ type: CaptureResponse })
  @NotYours()
  get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<CaptureResponse> {
    return this.captures.get(user, id);
  }

  @Get()
  @ApiOperation({ summary: 'Your captures, newest first, a page at a time' })
  @ApiOkResponse({ type: CapturePageResponse })
  list(@CurrentUser() user: AuthUser, @Query() query: ListCapturesQuery): Promise<CapturePageResponse> {
    return this.captures.list(user, query);
  }
}
