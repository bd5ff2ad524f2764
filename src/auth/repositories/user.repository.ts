import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { type KeysetPage, type KeysetPosition, keysetPage } from '../../common/keyset-cursor.js';
import { isUniqueViolation } from '../../database/pg-errors.js';
import { UserEntity } from '../entities/user.entity.js';
import { Role } from '../role.js';

@Injectable()
export class UserRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id } });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  /** Inserts an email account; answers null when the email is already taken (the unique index decides, not a pre-check). */
  async insertEmailAccount(input: { email: string; passwordHash: string; role: Role }): Promise<UserEntity | null> {
    const now = new Date();
    const user = this.users.create({ id: randomUUID(), walletAddress: null, createdAt: now, updatedAt: now, ...input });
    try {
      await this.users.insert(user);
      return user;
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** The account of a wallet, created on first sign-in; safe when two sign-ins of a new wallet race. */
  async findOrCreateByWallet(address: string, role: Role): Promise<UserEntity> {
    await this.users.query(`INSERT INTO users (id, wallet_address, role) VALUES ($1, $2, $3) ON CONFLICT (wallet_address) DO NOTHING`, [
      randomUUID(),
      address,
      role,
    ]);
    return this.users.findOneOrFail({ where: { walletAddress: address } });
  }

  /** Replaces a password hash, unless it changed since it was read (a concurrent sign-in re-hashed it already). */
  async replacePasswordHash(id: string, previous: string, next: string): Promise<void> {
    await this.users.query(`UPDATE users SET password_hash = $3, updated_at = now() WHERE id = $1 AND password_hash = $2`, [id, previous, next]);
  }

  /** Creates the admin account unless the email is taken; answers whether it created one. */
  async insertAdminIfAbsent(email: string, passwordHash: string): Promise<boolean> {
    const rows: unknown[] = await this.users.query(
      `INSERT INTO users (id, email, password_hash, role) VALUES ($1, $2, $3, 'admin')
       ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`,
      [randomUUID(), email, passwordHash],
    );
    return rows.length === 1;
  }

  /** A page of users ordered by creation, for the admin console; `after` is the last id of the previous page. */
  listPage(limit: number, after?: KeysetPosition): Promise<KeysetPage<UserEntity>> {
    return keysetPage(this.users.createQueryBuilder('u'), 'ASC', limit, after);
  }
}
