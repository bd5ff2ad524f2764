import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { QuotesController } from './controllers/quotes.controller.js';
import { QuoteEntity } from './entities/quote.entity.js';
import { QuoteRepository } from './repositories/quote.repository.js';
import { QuotesService } from './services/quotes.service.js';

/**
 * Quotes for whole datasets and slices (issue 13). Reads the catalog only through CatalogSliceService; exposes
 * QuotesService (redeem, for checkout).
 */
@Module({
  imports: [TypeOrmModule.forFeature([QuoteEntity]), AuthModule, CatalogModule],
  controllers: [QuotesController],
  providers: [QuoteRepository, QuotesService],
  exports: [QuotesService],
})
export class QuotesModule {}
