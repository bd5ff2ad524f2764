import { Injectable } from '@nestjs/common';
import { isUuid } from '../../common/uuid.js';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import type { AuthUser } from '../auth-user.js';
import { AuthTokenResponse, UserResponse } from '../dto/user.response.js';
import type { LoginDto, RegisterDto } from '../dto/register.dto.js';
import type { UserEntity } from '../entities/user.entity.js';
import { UserRepository } from '../repositories/user.repository.js';
import { Role } from '../role.js';
import { PasswordHasherService } from './password-hasher.service.js';
import { TokenService } from './token.service.js';

/** Email and password accounts, and who a token or key belongs to. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasherService,
    private readonly tokens: TokenService,
  ) {}

  async register(dto: RegisterDto): Promise<AuthTokenResponse> {
    const passwordHash = await this.hasher.hash(dto.password);
    const user = await this.users.insertEmailAccount({ email: dto.email, passwordHash, role: dto.role });
    if (!user) throw new AuthException(AuthErrorCode.EMAIL_TAKEN, 'An account with this email already exists');
    return this.session(user);
  }

  async login(dto: LoginDto): Promise<AuthTokenResponse> {
    const user = await this.users.findByEmail(dto.email);
    const valid = await this.hasher.verify(user?.passwordHash ?? null, dto.password);
    if (!user || !valid) throw new AuthException(AuthErrorCode.INVALID_CREDENTIALS, 'Wrong email or password');
    // The password is at hand only now: a hash made with older costs is replaced by one with the configured costs.
    if (user.passwordHash !== null && this.hasher.needsRehash(user.passwordHash)) {
      await this.users.replacePasswordHash(user.id, user.passwordHash, await this.hasher.hash(dto.password));
    }
    return this.session(user);
  }

  async me(principal: AuthUser): Promise<UserResponse> {
    const user = await this.users.findById(principal.id);
    if (!user) throw new AuthException(AuthErrorCode.UNAUTHENTICATED, 'This account no longer exists');
    return UserResponse.from(user);
  }

  /**
   * The principal for a verified token's subject, or null when the account is gone. A subject that is not a uuid
   * (a token signed with our secret by something else) names no account: null, not a failed query.
   */
  async principalFor(userId: unknown, via: AuthUser['via']): Promise<AuthUser | null> {
    if (!isUuid(userId)) return null;
    const user = await this.users.findById(userId);
    return user ? { id: user.id, role: user.role, email: user.email, walletAddress: user.walletAddress, via } : null;
  }

  /** The account bound to a wallet, created as `role` when the wallet is new (networks attribute captures this way). */
  async ensureWalletAccount(address: string, role: Role): Promise<{ id: string; role: Role }> {
    const user = await this.users.findOrCreateByWallet(address, role);
    return { id: user.id, role: user.role };
  }

  session(user: UserEntity): AuthTokenResponse {
    const { accessToken, expiresIn } = this.tokens.issue(user);
    return Object.assign(new AuthTokenResponse(), { accessToken, tokenType: 'Bearer' as const, expiresIn, user: UserResponse.from(user) });
  }
}
