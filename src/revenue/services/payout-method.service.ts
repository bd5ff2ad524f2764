import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user.js';
import { type PayoutMethodRequest, PayoutMethodResponse } from '../dto/payout-method.dto.js';
import { responseOf } from '../dto/response-of.js';
import { PayoutRepository } from '../repositories/payout.repository.js';
import { RevenueErrorCode, RevenueException } from '../revenue.exception.js';

/** A user's payout method: USDC to a wallet (default: their sign-in wallet) or Stripe Connect to an account. */
@Injectable()
export class PayoutMethodService {
  constructor(private readonly payouts: PayoutRepository) {}

  async set(caller: AuthUser, request: PayoutMethodRequest): Promise<PayoutMethodResponse> {
    const wallet = request.kind === 'usdc' ? (request.wallet ?? caller.walletAddress) : (request.wallet ?? null);
    if (request.kind === 'usdc' && !wallet) {
      throw new RevenueException(RevenueErrorCode.INVALID_PAYOUT_METHOD, 'kind usdc needs a wallet: give one, or sign in with a wallet');
    }
    const method = { userId: caller.id, kind: request.kind, wallet, account: request.account ?? null, updatedAt: new Date() };
    await this.payouts.saveMethod(method);
    return responseOf(PayoutMethodResponse, { kind: method.kind, wallet: method.wallet, account: method.account });
  }
}
