import type { AuthUser } from '../auth/auth-user.js';
import type { ConsentMethod } from './consent-grant.js';
import { ConsentErrorCode, ConsentException } from './consent.exception.js';

/**
 * Who signs a grant the caller sends: their own linked wallet (the address sent must be it; the signature is checked
 * against the message rebuilt with it), or their session (their user id, no signature).
 */
export function grantSignerOf(
  user: AuthUser,
  dto: { method: ConsentMethod; address?: string; signature?: string },
): { signer: string; signature: string | null } {
  if (dto.method === 'session') {
    if (dto.signature !== undefined || dto.address !== undefined)
      throw new ConsentException(ConsentErrorCode.INVALID_GRANT, 'A session grant carries no address or signature');
    return { signer: user.id, signature: null };
  }
  if (!user.walletAddress) {
    throw new ConsentException(
      ConsentErrorCode.NO_WALLET,
      'Link a wallet to your account (wallet sign-in) before granting with it, or grant with your session',
    );
  }
  if (!dto.address || !dto.signature) throw new ConsentException(ConsentErrorCode.INVALID_GRANT, 'A wallet grant needs address and signature');
  if (dto.address !== user.walletAddress) {
    throw new ConsentException(ConsentErrorCode.OTHER_WALLET, `The grant was signed by ${dto.address}, not by the wallet linked to your account`);
  }
  return { signer: user.walletAddress, signature: dto.signature };
}
