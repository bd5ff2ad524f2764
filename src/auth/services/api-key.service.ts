import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import type { AuthUser } from '../auth-user.js';
import { ApiKeyCreatedResponse, ApiKeyResponse } from '../dto/api-key.dto.js';
import { ApiKeyEntity } from '../entities/api-key.entity.js';
import { ApiKeyRepository } from '../repositories/api-key.repository.js';
import { AuthService } from './auth.service.js';

const KEY_PREFIX = 'mk_';

function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** API keys for programmatic buyers: stored only as hashes, shown once, revocable, with a last-used time. */
@Injectable()
export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly auth: AuthService,
  ) {}

  async create(owner: AuthUser, name: string | undefined): Promise<ApiKeyCreatedResponse> {
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const entity = Object.assign(new ApiKeyEntity(), {
      id: randomUUID(),
      userId: owner.id,
      name: name ?? 'API key',
      prefix: key.slice(0, KEY_PREFIX.length + 8),
      keyHash: hashKey(key),
      lastUsedAt: null,
      revokedAt: null,
      createdAt: new Date(),
    });
    await this.keys.insert(entity);
    return Object.assign(new ApiKeyCreatedResponse(), ApiKeyResponse.from(entity), { key });
  }

  async list(owner: AuthUser): Promise<ApiKeyResponse[]> {
    return (await this.keys.listForUser(owner.id)).map((key) => ApiKeyResponse.from(key));
  }

  async revoke(owner: AuthUser, id: string): Promise<void> {
    if (!(await this.keys.revokeOwned(id, owner.id))) {
      throw new AuthException(AuthErrorCode.API_KEY_NOT_FOUND, `No API key ${id} among yours`);
    }
  }

  /** The principal behind a presented key, or null when the key is unknown or revoked. */
  async authenticate(presented: string): Promise<AuthUser | null> {
    if (!presented.startsWith(KEY_PREFIX) || presented.length > 200) return null;
    const key = await this.keys.findActiveByHash(hashKey(presented));
    if (!key) return null;
    const principal = await this.auth.principalFor(key.userId, 'api-key');
    if (principal) await this.keys.touchLastUsed(key.id);
    return principal;
  }
}
