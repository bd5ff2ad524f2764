import { Controller, Get, Header, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config.js';
import { DatasetMetadataService } from '../catalog/services/dataset-metadata.service.js';
import { PAGES, type PageName, jsonLdScript, renderPage } from './page-layout.js';
import { worldLandGeoJson } from './web-assets.js';

const HTML = 'text/html; charset=utf-8';

/**
 * The pages: HTML shells from one layout whose scripts call the same /v1 API as every other client. Routes with an id
 * serve the same shell for every id; the script reads the id from the address. Left out of the OpenAPI document: pages,
 * not API.
 */
@ApiExcludeController()
@Controller()
export class WebController {
  /** Rendered once: the pages differ only in what their scripts fetch. */
  private readonly html: Record<PageName, string>;
  private readonly origin: string;

  constructor(
    config: AppConfig,
    private readonly metadata: DatasetMetadataService,
  ) {
    this.origin = new URL(config.publicUrl).origin;
    this.html = Object.fromEntries(Object.entries(PAGES).map(([name, page]) => [name, renderPage(page, this.origin)])) as Record<PageName, string>;
  }

  private page(name: PageName): string {
    return this.html[name];
  }

  @Get()
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-cache')
  storefront(): string {
    return this.page('storefront');
  }

  /** A listed dataset's page carries its Croissant description in the head, as Hugging Face's dataset pages do. */
  @Get('datasets/:id')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-cache')
  async dataset(@Param('id', ParseUUIDPipe) id: string): Promise<string> {
    const croissant = await this.metadata.publicCroissant(id);
    return croissant === null ? this.page('dataset') : renderPage(PAGES.dataset, this.origin, [jsonLdScript(croissant)]);
  }

  @Get('orders/:id')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-cache')
  order(@Param('id', ParseUUIDPipe) _id: string): string {
    return this.page('order');
  }

  @Get('orders/:id/receipt')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-cache')
  receipt(@Param('id', ParseUUIDPipe) _id: string): string {
    return this.page('receipt');
  }

  @Get('cart')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-cache')
  cart(): string {
    return this.page('cart');
  }

  @Get('account')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-cache')
  account(): string {
    return this.page('account');
  }

  /** The map's base layer (see worldLandGeoJson). */
  @Get('maps/land.geojson')
  @Header('Content-Type', 'application/geo+json')
  @Header('Cache-Control', 'public, max-age=86400')
  land(): string {
    return worldLandGeoJson();
  }

  @Get('contribute')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-cache')
  contribute(): string {
    return this.page('contribute');
  }

  @Get('admin')
  @Header('Content-Type', HTML)
  @Header('Cache-Control', 'no-cache')
  admin(): string {
    return this.page('admin');
  }
}
