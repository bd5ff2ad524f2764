import type { Order } from './entities/order.entity.js';

/** An order as other modules are told about it (buyer notifications): which order, whose, of what. */
export interface OrderSubject {
  orderId: string;
  buyerId: string;
  organisationId: string | null;
  datasetId: string;
  datasetTitle: string;
  version: number;
}

export function orderSubject(order: Order): OrderSubject {
  return {
    orderId: order.id,
    buyerId: order.buyerId,
    organisationId: order.organisationId,
    datasetId: order.datasetId,
    datasetTitle: order.datasetTitle,
    version: order.version,
  };
}
