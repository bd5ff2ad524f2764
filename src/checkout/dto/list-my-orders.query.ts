import { PageLimit } from '../../common/page-query.js';

export class ListMyOrdersQuery {
  @PageLimit(100, 50, 'At most this many, newest first')
  limit: number = 50;
}
