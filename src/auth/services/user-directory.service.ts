import { Injectable } from '@nestjs/common';
import { decodeCursor, pageOf } from '../../common/keyset-cursor.js';
import type { ListUsersQuery } from '../dto/list-users.query.js';
import { UserPageResponse, UserResponse } from '../dto/user.response.js';
import { UserRepository } from '../repositories/user.repository.js';

/** Admin view of the accounts, paged by an opaque cursor. */
@Injectable()
export class UserDirectoryService {
  constructor(private readonly users: UserRepository) {}

  async list(query: ListUsersQuery): Promise<UserPageResponse> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const { items, nextCursor } = pageOf(await this.users.listPage(query.limit + 1, after), query.limit);
    return { items: items.map((user) => UserResponse.from(user)), nextCursor };
  }
}
