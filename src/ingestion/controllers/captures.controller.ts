import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import { CapturePageResponse, CaptureResponse, CaptureUploadResponse, CreatedCaptureResponse } from '../dto/capture.response.js';
import { CompleteCaptureDto, CreateCaptureDto } from '../dto/create-capture.dto.js';
import { ListCapturesQuery } from '../dto/list-captures.query.js';
import { CaptureService } from '../services/capture.service.js';

@ApiTags('captures')
@Auth(Role.CONTRIBUTOR, Role.ADMIN)
@ApiNotFoundResponse({ type: ErrorBody, description: 'No such capture among yours' })
@Controller('v1/captures')
export class CapturesController {
  constructor(private readonly captures: CaptureService) {}

  @Post()
  @ApiOperation({ summary: 'Opens a capture upload: answers presigned part URLs to send the bytes to' })
  @ApiCreatedResponse({ type: CreatedCaptureResponse, description: 'PUT each part to its URL, then POST the ETags to completeUrl' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateCaptureDto): Promise<CreatedCaptureResponse> {
    return this.captures.create(user, dto);
  }

  @Post(':id/complete')
  @ApiOperation({ summary: 'Completes an upload with the parts sent; the capture is verified and probed next' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: CaptureResponse, description: 'The capture, now processing; a retried completion answers it as it is now' })
  @ApiConflictResponse({ type: ErrorBody, description: 'Not uploading any more: the upload was abandoned (expired), or never was one' })
  complete(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: CompleteCaptureDto): Promise<CaptureResponse> {
    return this.captures.complete(user, id, dto);
  }

  @Get(':id/upload')
  @ApiOperation({ summary: 'Fresh part URLs for every part, to resume an unfinished upload' })
  @ApiOkResponse({ type: CaptureUploadResponse, description: 'Fresh part URLs to resume an unfinished upload' })
  resume(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<CaptureUploadResponse> {
    return this.captures.resumeUpload(user, id);
  }

  @Delete(':id/upload')
  @ApiOperation({ summary: 'Discards an unfinished upload now: the capture is rejected and its parts are removed from storage' })
  @ApiOkResponse({ type: CaptureResponse, description: 'The capture, rejected as upload_abandoned' })
  @ApiConflictResponse({ type: ErrorBody, description: 'Not uploading any more: completed, discarded or expired' })
  discard(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<CaptureResponse> {
    return this.captures.discardUpload(user, id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your captures: status, metadata, footprint, or why it was rejected' })
  @ApiOkResponse({ type: CaptureResponse })
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
