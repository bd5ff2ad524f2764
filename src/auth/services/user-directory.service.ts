import { Injectable } from '@nestjs/common';
import { CommonErrorCode, CommonException } from '../../common/errors/common.exception.js';
import { UserPageResponse, UserResponse } from '../dto/user.response.js';
import type { ListUsersQuery } from '../dto/list-users.query.js';
import { UserRepository } from '../repositories/user.repository.js';

const CURSOR = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|([0-9a-f-]{36})$/;

/** Admin view of the accounts, paged by an opaque cursor. */
@Injectable()
export class UserDirectoryService {
  constructor(private readonly users: UserRepository) {}

  async list(query: ListUsersQuery): Promise<UserPageResponse> {
    const after = query.cursor === undefined ? undefined : this.decodeCursor(query.cursor);
    const page = await this.users.listPage(query.limit + 1, after);
    const items = page.slice(0, query.limit);
    const last = items.at(-1);
    const nextCursor =
      page.length > query.limit && last ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url') : null;
    return { items: items.map((user) => UserResponse.from(user)), nextCursor };
  }

  private decodeCursor(cursor: string): { createdAt: Date; id: string } {
    const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!match) throw new CommonException(CommonErrorCode.VALIDATION_FAILED, 'cursor is not one this API handed out');
    return { createdAt: new Date(match[1]), id: match[2] };
  }
}
