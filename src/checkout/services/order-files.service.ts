import { Injectable } from '@nestjs/common';
import type { VersionFile } from '../../catalog/dto/saleable-version.js';
import { CatalogSalesService } from '../../catalog/services/catalog-sales.service.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import type { Order } from '../entities/order.entity.js';
import type { OrderSlice } from '../entities/order-slice.entity.js';
import { filesOfSlice } from '../order-slice.js';
import { OrderSliceRepository } from '../repositories/order-slice.repository.js';

/**
 * The files an order buys: every file of its version, or for a slice order exactly the slice's leaves. Everything that
 * reads an order's files (the exclusive-file checks, the revenue split, the downloads) asks here, so a slice is never
 * delivered, reserved or paid for as the whole version.
 */
@Injectable()
export class OrderFilesService {
  constructor(
    private readonly catalog: CatalogSalesService,
    private readonly slices: OrderSliceRepository,
  ) {}

  async filesOf(order: Pick<Order, 'id' | 'datasetId' | 'version'>): Promise<{ files: VersionFile[]; slice: OrderSlice | null }> {
    const [all, slice] = await Promise.all([this.catalog.versionFiles(order.datasetId, order.version), this.slices.findForOrder(order.id)]);
    if (!slice) return { files: all, slice: null };
    const files = filesOfSlice(all, slice.leafIndexes);
    if (!files) {
      throw new CheckoutException(
        CheckoutErrorCode.DATASET_NOT_FOR_SALE,
        `Order ${order.id} names files that version ${order.version} of dataset ${order.datasetId} does not hold`,
      );
    }
    return { files, slice };
  }
}
