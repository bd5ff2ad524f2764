import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { decodeCursor } from '../../common/keyset-cursor.js';
import type { ListUsersQuery } from '../dto/list-users.query.js';
import { UserPageResponse, UserResponse } from '../dto/user.response.js';
import { UserEntity } from '../entities/user.entity.js';
import { UserRepository } from '../repositories/user.repository.js';

/** Admin view of the accounts, paged by an opaque cursor; and lookups of accounts (wallets, emails) for other modules. */
@Injectable()
export class UserDirectoryService {
  constructor(
    private readonly users: UserRepository,
    @InjectRepository(UserEntity) private readonly accounts: Repository<UserEntity>,
  ) {}

  /** The sign-in wallet (base58) of each given user, null for users without one; unknown ids are left out. */
  async walletsOf(userIds: readonly string[]): Promise<Map<string, string | null>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.accounts.find({ select: { id: true, walletAddress: true }, where: { id: In([...new Set(userIds)]) } });
    return new Map(rows.map((row) => [row.id, row.walletAddress]));
  }

  /** The email of each given user, null for wallet-only accounts; unknown ids are left out. */
  async emailsOf(userIds: readonly string[]): Promise<Map<string, string | null>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.accounts.find({ select: { id: true, email: true }, where: { id: In([...new Set(userIds)]) } });
    return new Map(rows.map((row) => [row.id, row.email]));
  }

  /** The account id of a sign-in wallet (base58); null when no account has it. */
  async idForWallet(address: string): Promise<string | null> {
    const row = await this.accounts.findOne({ select: { id: true }, where: { walletAddress: address } });
    return row?.id ?? null;
  }

  /** The account id for an email, matched case-insensitively as sign-in does; null when nobody has it. */
  async idForEmail(email: string): Promise<string | null> {
    const row = await this.accounts
      .createQueryBuilder('u')
      .select('u.id', 'id')
      .where('lower(u.email) = lower(:email)', { email })
      .getRawOne<{ id: string }>();
    return row?.id ?? null;
  }

  async list(query: ListUsersQuery): Promise<UserPageResponse> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const { items, nextCursor } = await this.users.listPage(query.limit, after);
    return Object.assign(new UserPageResponse(), { items: items.map((user) => UserResponse.from(user)), nextCursor });
  }
}
