import type { KeyObject } from 'node:crypto';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { AdminUsersController } from './controllers/admin-users.controller.js';
import { ApiKeysController } from './controllers/api-keys.controller.js';
import { AuthController } from './controllers/auth.controller.js';
import { ApiKeyEntity } from './entities/api-key.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { WalletChallengeEntity } from './entities/wallet-challenge.entity.js';
import { AuthenticatedGuard } from './guards/authenticated.guard.js';
import { OptionalAuthGuard } from './guards/optional-auth.guard.js';
import { RolesGuard } from './guards/roles.guard.js';
import { ApiKeyRepository } from './repositories/api-key.repository.js';
import { UserRepository } from './repositories/user.repository.js';
import { WalletChallengeRepository } from './repositories/wallet-challenge.repository.js';
import { AdminBootstrapService } from './services/admin-bootstrap.service.js';
import { ApiKeyService } from './services/api-key.service.js';
import { AuthService } from './services/auth.service.js';
import { PasswordHasherService } from './services/password-hasher.service.js';
import { TokenService } from './services/token.service.js';
import { UserDirectoryService } from './services/user-directory.service.js';
import { WalletAuthService } from './services/wallet-auth.service.js';
import { ApiKeyStrategy } from './strategies/api-key.strategy.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { JWT_SECRET, jwtSigningKey } from './tokens.js';

/**
 * Accounts, roles, tokens, API keys and wallet sign-in. Other modules use the `Auth()` and `CurrentUser`
 * decorators and the AuthUser principal; they never touch the entities here.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, ApiKeyEntity, WalletChallengeEntity]),
    PassportModule,
    JwtModule.registerAsync({
      inject: [JWT_SECRET, AppConfig],
      useFactory: (secret: KeyObject, config: AppConfig) => ({
        secret,
        signOptions: { algorithm: 'HS256', expiresIn: config.JWT_TTL_SECONDS },
        verifyOptions: { algorithms: ['HS256'] },
      }),
      extraProviders: [{ provide: JWT_SECRET, inject: [AppConfig], useFactory: jwtSigningKey }],
    }),
    RateLimitModule,
  ],
  controllers: [AuthController, ApiKeysController, AdminUsersController],
  providers: [
    { provide: JWT_SECRET, inject: [AppConfig], useFactory: jwtSigningKey },
    UserRepository,
    ApiKeyRepository,
    WalletChallengeRepository,
    PasswordHasherService,
    TokenService,
    AuthService,
    WalletAuthService,
    ApiKeyService,
    UserDirectoryService,
    AdminBootstrapService,
    JwtStrategy,
    ApiKeyStrategy,
    AuthenticatedGuard,
    OptionalAuthGuard,
    RolesGuard,
  ],
  exports: [AuthenticatedGuard, OptionalAuthGuard, RolesGuard, AuthService, UserDirectoryService],
})
export class AuthModule {}
