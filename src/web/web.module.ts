import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { WebController } from './web.controller.js';

/**
 * The pages people use (storefront, contributor dashboard, admin console), served by the API's own process so there is
 * no second server to start. They are plain ES modules with no build step and talk only to the public /v1 API.
 * Static files (/assets, and the libraries under /vendor listed in web-assets.ts) are mounted in app.factory.ts
 * (express.static), beside this controller's page routes.
 */
@Module({ imports: [CatalogModule], controllers: [WebController] })
export class WebModule {}
