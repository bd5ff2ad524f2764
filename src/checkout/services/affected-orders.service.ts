import { Injectable } from '@nestjs/common';
import { type OrderSubject, orderSubject } from '../order-subject.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { OrderFilesService } from './order-files.service.js';

/** A licensed order that bought files of withdrawn captures: whom to tell, and what of their order is affected. */
export interface AffectedOrder extends OrderSubject {
  /** The withdrawn captures among those the order bought, and their files' paths in the order. */
  captureIds: string[];
  paths: string[];
}

/** For other modules (buyer notifications): which licensed orders a withdrawal of captures touches. */
@Injectable()
export class AffectedOrdersService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly orderFiles: OrderFilesService,
  ) {}

  /**
   * The dataset's paid or fulfilled orders (only `onlyOrderId`, when given) whose files (the slice's, for a slice
   * order) include any of the captures.
   */
  async licensedOrdersHolding(datasetId: string, captureIds: readonly string[], onlyOrderId?: string): Promise<AffectedOrder[]> {
    const withdrawn = new Set(captureIds);
    const affected: AffectedOrder[] = [];
    const orders = (await this.orders.findLicensedOfDataset(datasetId)).filter((order) => onlyOrderId === undefined || order.id === onlyOrderId);
    for (const order of orders) {
      const hit = (await this.orderFiles.filesOf(order)).files.filter((file) => withdrawn.has(file.captureId));
      if (hit.length === 0) continue;
      affected.push({
        ...orderSubject(order),
        captureIds: [...new Set(hit.map((file) => file.captureId))].sort(),
        paths: hit.map((file) => file.path),
      });
    }
    return affected;
  }
}
