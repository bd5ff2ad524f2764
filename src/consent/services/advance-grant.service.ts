import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import type { Plain } from '../../common/plain.js';
import { NetworkRegistryService } from '../../ingestion/networks/network-registry.service.js';
import { advanceGrantMessage, advanceRevocationHash } from '../advance-grant.js';
import type { ConsentMethod } from '../consent-grant.js';
import { ConsentErrorCode, ConsentException } from '../consent.exception.js';
import { grantSignerOf } from '../grant-signer.js';
import type {
  AdvanceGrantFieldsDto,
  AdvanceGrantMessageResponse,
  AdvanceGrantResponse,
  AdvanceGrantTermsDto,
  CreateAdvanceGrantDto,
  RevokeAdvanceGrantDto,
} from '../dto/advance-grant.dto.js';
import type { AdvanceGrantEntity } from '../entities/advance-grant.entity.js';
import { AdvanceGrantRevocationEntity } from '../entities/advance-grant-revocation.entity.js';
import { AdvanceGrantRepository } from '../repositories/advance-grant.repository.js';
import { AdvanceGrantLedgerService, type CheckedAdvanceGrant } from './advance-grant-ledger.service.js';

/** How many unexpired advance grants one contributor may hold: enough for every network and curator they work with. */
const MAX_UNEXPIRED_PER_CONTRIBUTOR = 100;

/** A contributor's own advance grants: list, give (wallet-signed or by session) and revoke. */
@Injectable()
export class AdvanceGrantService {
  constructor(
    private readonly ledger: AdvanceGrantLedgerService,
    private readonly grants: AdvanceGrantRepository,
    private readonly networks: NetworkRegistryService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The caller's advance grants, newest first, each live, expired or revoked. */
  async mine(user: AuthUser): Promise<Plain<AdvanceGrantResponse>[]> {
    const now = new Date();
    return (await this.grants.listForContributor(user.id, 200)).map(({ grant, revocation }) => grantView(grant, revocation, now));
  }

  /**
   * The fields of an advance grant on the caller's terms, issued now with a fresh nonce, checked as create checks them,
   * and the exact texts to give it with: walletMessage for their linked wallet to sign, sessionMessage for a session
   * grant. Sending these fields unchanged to create (with the wallet's signature over walletMessage) records the grant.
   */
  async message(user: AuthUser, dto: AdvanceGrantTermsDto): Promise<Plain<AdvanceGrantMessageResponse>> {
    const grant: AdvanceGrantFieldsDto = {
      network: dto.network,
      curatorId: dto.curatorId,
      licences: dto.licences,
      scope: dto.scope,
      minShareBps: dto.minShareBps,
      minPriceUsdCents: dto.minPriceUsdCents,
      issuedAt: new Date().toISOString(),
      expiresAt: dto.expiresAt,
      nonce: randomBytes(18).toString('base64url'),
    };
    const { fields, message } = await this.checked(user, grant, 'session', user.id, null);
    return {
      grant: fields,
      walletMessage: user.walletAddress ? advanceGrantMessage(fields, user.walletAddress) : null,
      sessionMessage: message,
    };
  }

  /**
   * Records an advance grant after checking it is signed by the caller's own linked wallet (the server rebuilds the
   * message with that wallet as signer, so a grant signed for someone else does not verify) or given by their session,
   * for a network or curator that exists, within the checks of AdvanceGrantLedgerService.
   */
  async create(user: AuthUser, dto: CreateAdvanceGrantDto): Promise<Plain<AdvanceGrantResponse>> {
    const { signer, signature } = grantSignerOf(user, dto);
    const checked = await this.checked(user, dto.grant, dto.method, signer, signature);
    return grantView(await this.ledger.record(user.id, checked, 'contributor'), null, new Date());
  }

  /** The ledger's checks, then the caller's: a network that exists, a curator other than themselves, room for one more. */
  private async checked(
    user: AuthUser,
    grant: AdvanceGrantFieldsDto,
    method: ConsentMethod,
    signer: string,
    signature: string | null,
  ): Promise<CheckedAdvanceGrant> {
    const checked = await this.ledger.check(grant, method, signer, signature);
    if (checked.fields.network !== null && !(await this.networks.exists(checked.fields.network)))
      throw new ConsentException(ConsentErrorCode.UNKNOWN_TARGET, `No network ${checked.fields.network}`);
    if (checked.fields.curatorId === user.id)
      throw new ConsentException(ConsentErrorCode.INVALID_GRANT, 'Your own datasets need no consent of yours');
    if ((await this.grants.countUnexpired(user.id, new Date())) >= MAX_UNEXPIRED_PER_CONTRIBUTOR) {
      throw new ConsentException(
        ConsentErrorCode.TOO_MANY_ADVANCE_GRANTS,
        `You hold ${MAX_UNEXPIRED_PER_CONTRIBUTOR} unexpired advance grants; let some expire before giving more`,
      );
    }
    return checked;
  }

  /**
   * Revokes one of the caller's advance grants: drafts not yet cleared stop counting on it; datasets it cleared keep
   * their derived grant (withdraw from those one by one). The grant row is locked, so a clearance using it finishes first.
   */
  async revoke(user: AuthUser, id: string, dto: RevokeAdvanceGrantDto): Promise<Plain<AdvanceGrantResponse>> {
    const at = new Date();
    const { grant, revocation } = await this.dataSource.transaction(async (manager) => {
      const locked = await this.grants.lockOwned(manager, user.id, id);
      if (!locked) throw new ConsentException(ConsentErrorCode.ADVANCE_GRANT_NOT_FOUND, `You have no advance grant ${id}`);
      const earlier = await this.grants.revocationOf(manager, locked.id);
      if (earlier)
        throw new ConsentException(ConsentErrorCode.ADVANCE_GRANT_REVOKED, `Advance grant ${id} was revoked at ${earlier.createdAt.toISOString()}`);
      const row = Object.assign(new AdvanceGrantRevocationEntity(), {
        id: randomUUID(),
        grantId: locked.id,
        contributorId: user.id,
        reason: dto.reason ?? null,
        hash: advanceRevocationHash(locked.hash, user.id, at.toISOString()),
        createdAt: at,
      } satisfies AdvanceGrantRevocationEntity);
      await this.grants.insertRevocation(manager, row);
      return { grant: locked, revocation: row };
    });
    return grantView(grant, revocation, at);
  }
}

function grantView(grant: AdvanceGrantEntity, revocation: AdvanceGrantRevocationEntity | null, now: Date): Plain<AdvanceGrantResponse> {
  const { fields } = grant;
  return {
    id: grant.id,
    hash: grant.hash,
    network: grant.network,
    curatorId: grant.curatorId,
    licences: fields.licences,
    scope: fields.scope,
    minShareBps: fields.minShareBps,
    minPriceUsdCents: fields.minPriceUsdCents,
    method: grant.method,
    signer: grant.method === 'wallet' ? grant.signer : null,
    source: grant.source,
    message: grant.message,
    status: revocation ? 'revoked' : grant.expiresAt <= now ? 'expired' : 'live',
    issuedAt: fields.issuedAt,
    expiresAt: fields.expiresAt,
    createdAt: grant.createdAt.toISOString(),
    revokedAt: revocation?.createdAt.toISOString() ?? null,
    revocationHash: revocation?.hash ?? null,
  };
}
