import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import type { AuthTokenResponse } from '../dto/user.response.js';
import { WalletChallengeResponse, type WalletVerifyDto } from '../dto/wallet.dto.js';
import { WalletChallengeEntity } from '../entities/wallet-challenge.entity.js';
import { WalletChallengeRepository } from '../repositories/wallet-challenge.repository.js';
import { UserRepository } from '../repositories/user.repository.js';
import { Role } from '../role.js';
import { buildSignInMessage, isSolanaAddress, nonceOf, verifyWalletSignature } from '../wallet-signature.js';
import { AuthService } from './auth.service.js';

/** Sign-in with a Solana wallet: a one-time challenge, signed with the wallet's Ed25519 key, consumed once. */
@Injectable()
export class WalletAuthService {
  constructor(
    private readonly challenges: WalletChallengeRepository,
    private readonly users: UserRepository,
    private readonly auth: AuthService,
    private readonly config: AppConfig,
  ) {}

  async challenge(address: string): Promise<WalletChallengeResponse> {
    this.assertAddress(address);
    await this.challenges.deleteStale(address);
    const issuedAt = new Date();
    const expiresAt = new Date(issuedAt.getTime() + this.config.WALLET_CHALLENGE_TTL_SECONDS * 1000);
    const nonce = randomBytes(24).toString('base64url');
    const uri = this.config.publicUrl;
    const message = buildSignInMessage({ domain: new URL(uri).host, address, uri, nonce, issuedAt, expiresAt });
    const challenge = { id: randomUUID(), address, nonce, message, expiresAt, consumedAt: null, createdAt: issuedAt };
    await this.challenges.insert(Object.assign(new WalletChallengeEntity(), challenge));
    return Object.assign(new WalletChallengeResponse(), { message, nonce, expiresAt });
  }

  async verify(dto: WalletVerifyDto): Promise<AuthTokenResponse> {
    this.assertAddress(dto.address);
    const nonce = nonceOf(dto.message);
    const challenge = nonce ? await this.challenges.findByNonce(nonce) : null;
    if (!challenge || challenge.address !== dto.address || challenge.message !== dto.message) {
      throw new AuthException(AuthErrorCode.CHALLENGE_INVALID, 'This message is not a challenge issued to this address; request a new one');
    }
    if (challenge.consumedAt) {
      throw new AuthException(AuthErrorCode.CHALLENGE_USED, 'This challenge was already used; request a new one');
    }
    if (challenge.expiresAt.getTime() <= Date.now()) {
      throw new AuthException(AuthErrorCode.CHALLENGE_EXPIRED, 'This challenge has expired; request a new one');
    }
    if (!verifyWalletSignature(dto.address, dto.message, dto.signature)) {
      throw new AuthException(AuthErrorCode.INVALID_WALLET_SIGNATURE, 'The signature does not match this address and message');
    }
    if (!(await this.challenges.consume(challenge.id))) {
      // Lost a race with another sign-in using the same signed message, or expired meanwhile.
      throw new AuthException(AuthErrorCode.CHALLENGE_USED, 'This challenge was already used or has expired; request a new one');
    }
    const user = await this.users.findOrCreateByWallet(dto.address, dto.role ?? Role.CONTRIBUTOR);
    return this.auth.session(user);
  }

  private assertAddress(address: string): void {
    if (!isSolanaAddress(address)) {
      throw new AuthException(AuthErrorCode.INVALID_WALLET_ADDRESS, 'address must be a base58 Solana public key (32 bytes)');
    }
  }
}
