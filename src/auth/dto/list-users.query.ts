import { PageCursor, PageLimit } from '../../common/page-query.js';

export class ListUsersQuery {
  @PageLimit(100, 50)
  limit: number = 50;

  @PageCursor()
  cursor?: string;
}
