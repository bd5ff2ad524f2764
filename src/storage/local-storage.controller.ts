import { Controller, Get, Headers, HttpCode, HttpStatus, Param, Put, Req, Res } from '@nestjs/common';
import { ApiExcludeController, ApiOperation } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { LocalObjectTransferService } from './local-object-transfer.service.js';
import { LocalPartUploadResponse } from './local-part-upload.response.js';

/**
 * The local store's presigned URLs, registered only when objects live under DATA_DIR. No Authorization header: the
 * signed, expiring token in the path is the authorization, as with S3's presigned URLs. Left out of the OpenAPI
 * document for the same reason S3's endpoints are: clients follow URLs the API hands out, they never build them.
 */
@ApiExcludeController()
@Controller('v1/storage/local')
export class LocalStorageController {
  constructor(private readonly transfers: LocalObjectTransferService) {}

  @Put('parts/:token')
  @ApiOperation({ summary: 'Receives one upload part for the local object store (the URL POST /v1/captures hands out)' })
  @HttpCode(HttpStatus.OK)
  async uploadPart(
    @Param('token') token: string,
    @Req() request: Request,
    @Headers('content-length') contentLength: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LocalPartUploadResponse> {
    const part = await this.transfers.receivePart(token, request, contentLength);
    response.setHeader('ETag', part.etag);
    return part;
  }

  @Get('objects/:token')
  @ApiOperation({ summary: 'Serves a stored object by a signed, expiring token (Range requests supported)' })
  async download(@Param('token') token: string, @Headers('range') range: string | undefined, @Res() response: Response): Promise<void> {
    const download = await this.transfers.openDownload(token, range);
    response.set(download.headers);
    if (download.kind === 'unsatisfiable') throw download.error;
    response.status(download.status);
    await download.send(response);
  }
}
