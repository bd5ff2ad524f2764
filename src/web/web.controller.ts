import { Controller, Get, Header, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { join } from 'node:path';
import { webPublicDir, worldLandGeoJson } from './web-assets.js';

/**
 * The pages: static HTML shells whose scripts call the same /v1 API as every other client. Routes with an id serve the
 * same shell for every id; the script reads the id from the address. Left out of the OpenAPI document: pages, not API.
 */
@ApiExcludeController()
@Controller()
export class WebController {
  private readonly dir = webPublicDir();

  private page(res: Response, file: string): void {
    res.sendFile(join(this.dir, file));
  }

  @Get()
  @Header('Cache-Control', 'no-cache')
  storefront(@Res() res: Response): void {
    this.page(res, 'index.html');
  }

  @Get('datasets/:id')
  @Header('Cache-Control', 'no-cache')
  dataset(@Param('id', ParseUUIDPipe) _id: string, @Res() res: Response): void {
    this.page(res, 'dataset.html');
  }

  @Get('orders/:id')
  @Header('Cache-Control', 'no-cache')
  order(@Param('id', ParseUUIDPipe) _id: string, @Res() res: Response): void {
    this.page(res, 'order.html');
  }

  /** The map's base layer (see worldLandGeoJson). */
  @Get('maps/land.geojson')
  @Header('Content-Type', 'application/geo+json')
  @Header('Cache-Control', 'public, max-age=86400')
  land(): string {
    return worldLandGeoJson();
  }

  @Get('contribute')
  @Header('Cache-Control', 'no-cache')
  contribute(@Res() res: Response): void {
    this.page(res, 'contribute.html');
  }

  @Get('admin')
  @Header('Cache-Control', 'no-cache')
  admin(@Res() res: Response): void {
    this.page(res, 'admin.html');
  }
}
