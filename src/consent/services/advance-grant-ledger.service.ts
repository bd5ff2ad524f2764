import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role } from '../../auth/role.js';
import { AuthService } from '../../auth/services/auth.service.js';
import { UserDirectoryService } from '../../auth/services/user-directory.service.js';
import { isSolanaAddress, verifyWalletSignature } from '../../auth/wallet-signature.js';
import { LicenceTemplateService } from '../../licensing/services/licence-template.service.js';
import { ADVANCE_GRANT_MAX_DAYS, type AdvanceGrantFields, advanceGrantHash, advanceGrantMessage } from '../advance-grant.js';
import { type ConsentMethod, copyOfScope, grantTimesProblem, useWords } from '../consent-grant.js';
import { ConsentErrorCode, ConsentException } from '../consent.exception.js';
import type { AdvanceGrantFieldsDto, MemberAdvanceGrantDto } from '../dto/advance-grant.dto.js';
import { AdvanceGrantEntity, type AdvanceGrantSource } from '../entities/advance-grant.entity.js';
import { AdvanceGrantRepository } from '../repositories/advance-grant.repository.js';

/** An advance grant checked and ready to store; `contributorId` is resolved when the member's account is known. */
export interface CheckedAdvanceGrant {
  fields: AdvanceGrantFields;
  method: ConsentMethod;
  signer: string;
  signature: string | null;
  message: string;
  hash: string;
}

/**
 * Checks and stores advance grants, for the contributor's own requests and for the member grants a network batch
 * carries (the ingestion module calls checkMemberGrants before it stores anything of the batch, then
 * recordMemberGrants once the members' accounts exist).
 */
@Injectable()
export class AdvanceGrantLedgerService {
  constructor(
    private readonly grants: AdvanceGrantRepository,
    private readonly licences: LicenceTemplateService,
    private readonly users: UserDirectoryService,
    private readonly auth: AuthService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Checks the fields (one target, known licences, at least one use, real and unexpired times, no longer than the
   * longest allowed) and the signature, which must be the signer's over advanceGrantMessage(fields, signer).
   */
  async check(
    dto: AdvanceGrantFieldsDto,
    method: ConsentMethod,
    signer: string,
    signature: string | null,
    knownLicences?: ReadonlySet<string>,
  ): Promise<CheckedAdvanceGrant> {
    const fields = normalisedAdvanceFields(dto);
    if ((fields.network === null) === (fields.curatorId === null))
      throw new ConsentException(ConsentErrorCode.INVALID_GRANT, 'An advance grant names exactly one of network and curatorId');
    if (useWords(fields.scope).length === 0) throw new ConsentException(ConsentErrorCode.INVALID_GRANT, 'An advance grant allows at least one use');
    const wrong = grantTimesProblem(fields.issuedAt, fields.expiresAt, Date.now());
    if (wrong) throw new ConsentException(wrong.expired ? ConsentErrorCode.EXPIRED : ConsentErrorCode.INVALID_GRANT, wrong.problem);
    if (new Date(fields.expiresAt).getTime() - new Date(fields.issuedAt).getTime() > ADVANCE_GRANT_MAX_DAYS * 86_400_000)
      throw new ConsentException(ConsentErrorCode.INVALID_GRANT, `An advance grant lasts at most ${ADVANCE_GRANT_MAX_DAYS} days`);
    const known = knownLicences ?? (await this.licenceSlugs());
    const unknown = fields.licences.filter((slug) => !known.has(slug));
    if (unknown.length > 0) throw new ConsentException(ConsentErrorCode.UNKNOWN_LICENCE, `No licence template ${unknown.join(', ')}`);
    if (fields.curatorId !== null && !(await this.users.walletsOf([fields.curatorId])).has(fields.curatorId))
      throw new ConsentException(ConsentErrorCode.UNKNOWN_TARGET, `No curator ${fields.curatorId}`);
    const message = advanceGrantMessage(fields, signer);
    if (method === 'wallet' && (signature === null || !verifyWalletSignature(signer, message, signature))) {
      throw new ConsentException(
        ConsentErrorCode.BAD_SIGNATURE,
        `The signature does not verify against wallet ${signer} over the advance grant message of these fields`,
      );
    }
    return { fields, method, signer, signature, message, hash: advanceGrantHash(fields, method, signer, signature) };
  }

  /** Stores one checked grant of the contributor; a second copy of the same signed grant is refused. */
  async record(contributorId: string, checked: CheckedAdvanceGrant, source: AdvanceGrantSource): Promise<AdvanceGrantEntity> {
    const grant = entityOf(contributorId, checked, source);
    const inserted = await this.dataSource.transaction((manager) => this.grants.insertNew(manager, [grant]));
    if (inserted.length === 0) throw new ConsentException(ConsentErrorCode.ALREADY_RECORDED, `Advance grant ${grant.hash} is already recorded`);
    return grant;
  }

  /**
   * Checks every member grant of a network's batch before anything of the batch is stored: each must be for this
   * network, signed by its member's wallet, by a member the batch credits (or who has an account already). The first
   * bad one refuses the whole batch, its code and message naming the item (memberGrants[i]) and the wallet.
   */
  async checkMemberGrants(
    network: string,
    items: readonly MemberAdvanceGrantDto[],
    creditedWallets: ReadonlySet<string>,
  ): Promise<CheckedAdvanceGrant[]> {
    const checked: CheckedAdvanceGrant[] = [];
    const known = items.length === 0 ? new Set<string>() : await this.licenceSlugs();
    for (const [index, item] of items.entries()) {
      try {
        if (!isSolanaAddress(item.wallet)) throw new ConsentException(ConsentErrorCode.INVALID_GRANT, 'wallet is not a base58 Solana address');
        if (item.grant.network !== network || (item.grant.curatorId ?? null) !== null)
          throw new ConsentException(ConsentErrorCode.OTHER_NETWORK, `A member grant in a ${network} batch must be for network ${network} alone`);
        if (!creditedWallets.has(item.wallet) && (await this.users.idForWallet(item.wallet)) === null)
          throw new ConsentException(ConsentErrorCode.UNKNOWN_MEMBER, 'No item of the batch credits this wallet and no account has it');
        checked.push(await this.check(item.grant, 'wallet', item.wallet, item.signature, known));
      } catch (error) {
        if (!(error instanceof ConsentException)) throw error;
        throw new ConsentException(error.code, `memberGrants[${index}] (wallet ${item.wallet}): ${error.message}`, {
          item: `memberGrants[${index}]`,
          wallet: item.wallet,
        });
      }
    }
    return checked;
  }

  private async licenceSlugs(): Promise<Set<string>> {
    return new Set((await this.licences.list()).map((template) => template.slug));
  }

  /** Stores checked member grants for their wallets' accounts (created as contributors when new); answers how many were new. */
  async recordMemberGrants(checked: readonly CheckedAdvanceGrant[]): Promise<number> {
    if (checked.length === 0) return 0;
    const owners = new Map<string, string>();
    for (const wallet of new Set(checked.map((grant) => grant.signer)))
      owners.set(wallet, (await this.auth.ensureWalletAccount(wallet, Role.CONTRIBUTOR)).id);
    const entities = checked.map((grant) => entityOf(owners.get(grant.signer) as string, grant, 'network-batch'));
    return (await this.dataSource.transaction((manager) => this.grants.insertNew(manager, entities))).length;
  }
}

function entityOf(contributorId: string, checked: CheckedAdvanceGrant, source: AdvanceGrantSource): AdvanceGrantEntity {
  return Object.assign(new AdvanceGrantEntity(), {
    id: randomUUID(),
    contributorId,
    network: checked.fields.network,
    curatorId: checked.fields.curatorId,
    fields: checked.fields,
    method: checked.method,
    signer: checked.signer,
    message: checked.message,
    signature: checked.signature,
    source,
    expiresAt: new Date(checked.fields.expiresAt),
    hash: checked.hash,
    createdAt: new Date(),
  } satisfies AdvanceGrantEntity);
}

/** A plain copy of the validated DTO (the hash and message cover exactly these keys): licences sorted, absent minimums null. */
export function normalisedAdvanceFields(dto: AdvanceGrantFieldsDto): AdvanceGrantFields {
  return {
    network: dto.network ?? null,
    curatorId: dto.curatorId ?? null,
    licences: [...dto.licences].sort(),
    scope: copyOfScope(dto.scope),
    minShareBps: dto.minShareBps ?? null,
    minPriceUsdCents: dto.minPriceUsdCents ?? null,
    issuedAt: dto.issuedAt,
    expiresAt: dto.expiresAt,
    nonce: dto.nonce,
  };
}
