import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { verifyWalletSignature } from '../../auth/wallet-signature.js';
import type { DraftConsentTerms, DraftContributor } from '../../catalog/dto/draft-consent.js';
import { DraftConsentService } from '../../catalog/services/draft-consent.service.js';
import { isUniqueViolation } from '../../database/pg-errors.js';
import { canonicalJson } from '../../provenance/canonical-json.js';
import { sha256, toHex } from '../../provenance/merkle-tree.js';
import { CustodyLogService } from '../../provenance/services/custody-log.service.js';
import {
  type ConsentGrantFields,
  consentGrantHash,
  consentMessage,
  copyOfScope,
  grantTimesProblem,
  scopeDifferences,
  scopeOfLicence,
  useWords,
} from '../consent-grant.js';
import { ConsentErrorCode, ConsentException } from '../consent.exception.js';
import { ConsentWithdrawalHooks } from '../consent-withdrawal-hooks.js';
import { grantSignerOf } from '../grant-signer.js';
import { CONTRIBUTOR_WITHDREW } from '../takedown-kind.js';
import { withdrawalWords } from '../../licensing/licence-terms.js';
import type { Plain } from '../../common/plain.js';
import type { ConsentRecordResponse, ConsentRequestResponse } from '../dto/consent.response.js';
import type { DeclineConsentDto, GrantConsentDto, WithdrawConsentDto } from '../dto/grant-consent.dto.js';
import { ConsentRecordEntity } from '../entities/consent-record.entity.js';
import { standingPerContributor } from '../grant-match.js';
import { ConsentRecordRepository } from '../repositories/consent-record.repository.js';
import { ConsentClearanceService } from './consent-clearance.service.js';

const DEFAULT_GRANT_DAYS = 365;

/** Contributors' side of consent: the requests drafts make of them, grants (wallet or session), declines and withdrawals. */
@Injectable()
export class ConsentGrantService {
  constructor(
    private readonly drafts: DraftConsentService,
    private readonly records: ConsentRecordRepository,
    private readonly custody: CustodyLogService,
    private readonly withdrawalHooks: ConsentWithdrawalHooks,
    private readonly clearance: ConsentClearanceService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Every open draft of someone else that holds the caller's captures, with what it asks and where it stands. */
  async requests(user: AuthUser): Promise<ConsentRequestResponse[]> {
    const drafts = await this.drafts.draftsHolding(user.id);
    return Promise.all(drafts.map((terms) => this.requestView(user, terms, defaultExpiry())));
  }

  async request(user: AuthUser, datasetId: string, expiresAt?: Date): Promise<ConsentRequestResponse> {
    const terms = await this.drafts.termsOf(datasetId);
    if (!terms || !terms.contributors.some((row) => row.contributorId === user.id)) throw requestNotFound(datasetId);
    const expiry = expiresAt ?? defaultExpiry();
    if (expiry.getTime() <= Date.now()) throw new ConsentException(ConsentErrorCode.EXPIRED, 'expiresAt must lie in the future');
    return this.requestView(user, terms, expiry);
  }

  /**
   * Records a grant after checking, in this order: it was made for this dataset, by the caller, signed by their own
   * linked wallet (or their session), for their own captures and all of them, unexpired, for exactly the licence's
   * scope, at the price and share the draft shows now.
   */
  async grant(user: AuthUser, datasetId: string, dto: GrantConsentDto): Promise<Plain<ConsentRecordResponse>> {
    const fields = normalisedFields(dto.grant);
    if (fields.datasetId !== datasetId) {
      throw new ConsentException(
        ConsentErrorCode.REPLAYED_FOR_OTHER_DATASET,
        `This grant was made for dataset ${fields.datasetId}; it cannot clear dataset ${datasetId}`,
      );
    }
    const terms = await this.drafts.termsOf(datasetId);
    const mine = terms?.contributors.find((row) => row.contributorId === user.id);
    if (!terms || !mine) throw requestNotFound(datasetId);
    if (fields.contributorId !== user.id) {
      throw new ConsentException(ConsentErrorCode.OTHER_CONTRIBUTOR, `This grant names contributor ${fields.contributorId}, not you`);
    }
    const { signer, signature, message } = this.signed(user, fields, dto);
    checkCaptures(fields, mine);
    checkTimes(fields);
    checkScope(fields, terms);
    checkTerms(fields, terms, mine);

    const hash = consentGrantHash(fields, dto.method, signer, signature);
    const record = Object.assign(new ConsentRecordEntity(), {
      id: randomUUID(),
      datasetId,
      contributorId: user.id,
      kind: 'grant',
      captureIds: fields.captureIds,
      fields,
      method: dto.method,
      signer,
      message,
      signature,
      reason: null,
      expiresAt: new Date(fields.expiresAt),
      hash,
      createdAt: new Date(),
    } satisfies Partial<ConsentRecordEntity>);
    try {
      await this.dataSource.transaction(async (manager) => {
        const entry = await this.custody.append(manager, {
          datasetId,
          kind: 'consent-granted',
          actorId: user.id,
          details: {
            grantHash: hash,
            method: dto.method,
            signer: dto.method === 'wallet' ? signer : 'session',
            licence: fields.licence,
            scope: { permittedUses: { ...fields.scope.permittedUses }, territory: fields.scope.territory },
            captureIds: fields.captureIds,
            expiresAt: fields.expiresAt,
          },
        });
        record.custodySeq = entry.seq;
        await this.records.insert(manager, record);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConsentException(ConsentErrorCode.ALREADY_RECORDED, `Grant ${hash} is already recorded`);
      throw error;
    }
    return recordView(record, terms.title);
  }

  /** Declines with a reason: the decline is recorded and the caller's captures leave the draft, in one transaction. */
  async decline(user: AuthUser, datasetId: string, dto: DeclineConsentDto): Promise<Plain<ConsentRecordResponse>> {
    const terms = await this.drafts.termsOf(datasetId);
    const mine = terms?.contributors.find((row) => row.contributorId === user.id);
    if (!terms || !mine) throw requestNotFound(datasetId);
    return this.takeOut(user, terms, 'decline', mine.captureIds, dto.reason, async (manager) => {
      // The draft row is locked first, so a submit or another decline of the same draft waits for this one.
      const gone = await this.drafts.removeContributor(manager, datasetId, user.id, mine.captureIds);
      // A decline that raced another one (or the curator dropping the captures) finds nothing left to take out.
      if (gone.length === 0) throw requestNotFound(datasetId);
      return gone;
    });
  }

  /**
   * Withdraws captures (all of the caller's when none are named) from a published dataset, with a reason: the listed
   * version stops being sold, and the next version without them goes to review. Recorded and chained like a grant.
   */
  async withdraw(user: AuthUser, datasetId: string, dto: WithdrawConsentDto): Promise<Plain<ConsentRecordResponse>> {
    const terms = await this.drafts.termsOfPublished(datasetId);
    const mine = terms?.contributors.find((row) => row.contributorId === user.id);
    if (!terms || !mine) throw nothingToWithdraw(datasetId);
    const captureIds = [...(dto.captureIds ?? mine.captureIds)].sort();
    const foreign = captureIds.filter((id) => !mine.captureIds.includes(id));
    if (foreign.length > 0) {
      throw new ConsentException(
        ConsentErrorCode.CAPTURE_NOT_OWNED,
        `You can only withdraw your own captures in this dataset; not yours: ${foreign.join(', ')}`,
      );
    }
    return this.takeOut(user, terms, 'withdrawal', captureIds, dto.reason, async (manager) => {
      const gone = await this.drafts.withdrawCaptures(manager, datasetId, user.id, captureIds);
      // Two withdrawals at once: the second finds the captures gone and records nothing.
      if (gone.length === 0) throw nothingToWithdraw(datasetId);
      return gone;
    });
  }

  /** Records a decline or a withdrawal, chained into the custody log, in the transaction that takes the captures out. */
  private async takeOut(
    user: AuthUser,
    { datasetId, title }: Pick<DraftConsentTerms, 'datasetId' | 'title'>,
    kind: 'decline' | 'withdrawal',
    captureIds: string[],
    reason: string,
    remove: (manager: EntityManager) => Promise<string[]>,
  ): Promise<Plain<ConsentRecordResponse>> {
    const at = new Date();
    const fields = { datasetId, contributorId: user.id, captureIds, reason, at: at.toISOString() };
    const record = Object.assign(new ConsentRecordEntity(), {
      id: randomUUID(),
      datasetId,
      contributorId: user.id,
      kind,
      captureIds,
      fields,
      method: null,
      signer: null,
      message: null,
      signature: null,
      reason,
      expiresAt: null,
      hash: toHex(sha256(Buffer.from(`${kind === 'decline' ? 'cdc1' : 'cwd1'}|${canonicalJson(fields)}`, 'utf8'))),
      createdAt: at,
    } satisfies Partial<ConsentRecordEntity>);
    const removed = await this.dataSource.transaction(async (manager) => {
      const gone = await remove(manager);
      record.captureIds = gone;
      const entry = await this.custody.append(manager, {
        datasetId,
        kind: kind === 'decline' ? 'consent-declined' : 'consent-withdrawn',
        actorId: user.id,
        details: { [kind === 'decline' ? 'declineHash' : 'withdrawalHash']: record.hash, captureIds: gone },
      });
      record.custodySeq = entry.seq;
      await this.records.insert(manager, record);
      // Buyers are told of exactly the withdrawals that commit: the listeners write in this transaction.
      if (kind === 'withdrawal')
        await this.withdrawalHooks.withdrawn(manager, { recordId: record.id, datasetId, captureIds: gone, at, buyerReason: CONTRIBUTOR_WITHDREW });
      return gone;
    });
    return { ...recordView(record, title), removedCaptureIds: removed };
  }

  /** The caller's grants and declines, newest first. */
  /** The caller's grants, declines and withdrawals, each naming its dataset by title. */
  async mine(user: AuthUser): Promise<Plain<ConsentRecordResponse>[]> {
    const records = await this.records.listForContributor(user.id, 200);
    const titles = await this.drafts.titlesOf(records.map((record) => record.datasetId));
    return records.map((record) => recordView(record, titles.get(record.datasetId) ?? ''));
  }

  private signed(user: AuthUser, fields: ConsentGrantFields, dto: GrantConsentDto): { signer: string; signature: string | null; message: string } {
    const { signer, signature } = grantSignerOf(user, dto);
    const message = consentMessage(fields, signer);
    if (signature !== null && !verifyWalletSignature(signer, message, signature)) {
      throw new ConsentException(
        ConsentErrorCode.BAD_SIGNATURE,
        'The signature does not verify against your wallet over the consent message of these fields',
      );
    }
    return { signer, signature, message };
  }

  private async requestView(user: AuthUser, terms: DraftConsentTerms, expiresAt: Date): Promise<ConsentRequestResponse> {
    const mine = terms.contributors.find((row) => row.contributorId === user.id) as DraftContributor;
    const standing = standingPerContributor(await this.records.inOrder(terms.datasetId)).get(user.id);
    // Where they stand with their advance grants counted: one that covers the draft grants it when it is submitted.
    const clearance = (await this.clearance.standing({ ...terms, contributors: [mine] })).at(0);
    const reason = clearance?.reason ?? null;
    const grant: ConsentGrantFields = {
      datasetId: terms.datasetId,
      contributorId: user.id,
      captureIds: mine.captureIds,
      licence: terms.licence.slug,
      scope: scopeOfLicence(terms.licence.terms),
      priceUsdCents: terms.priceUsdCents,
      shareBps: mine.shareBps,
      issuedAt: new Date().toISOString(),
      expiresAt: expiresAt.toISOString(),
      nonce: randomBytes(18).toString('base64url'),
    };
    const t = terms.licence.terms;
    return {
      datasetId: terms.datasetId,
      title: terms.title,
      draftState: terms.draftState,
      licence: terms.licence.slug,
      licenceName: terms.licence.name,
      plainTerms: [
        `Buyers may use it for: ${useWords(t).join(', ') || 'nothing beyond viewing'}`,
        `Territory: ${t.territory.join(', ')}`,
        t.termMonths === null ? 'Licence without end date' : `Licence lasts ${t.termMonths} months from purchase`,
        t.exclusive ? 'Sold to one buyer only' : 'Sold to any number of buyers',
        t.attributionRequired ? 'Buyers must credit the dataset' : 'No credit required',
        withdrawalWords(t),
      ],
      priceUsdCents: terms.priceUsdCents,
      shareBps: mine.shareBps,
      captureIds: mine.captureIds,
      status: reason === null ? 'granted' : standing?.kind === 'decline' ? 'declined' : 'waiting',
      waitingReason: reason,
      advanceGrantHash: clearance?.advance?.hash ?? null,
      grant,
      walletMessage: user.walletAddress ? consentMessage(grant, user.walletAddress) : null,
      sessionMessage: consentMessage(grant, user.id),
    };
  }
}

function defaultExpiry(): Date {
  return new Date(Date.now() + DEFAULT_GRANT_DAYS * 86_400_000);
}

function nothingToWithdraw(datasetId: string): ConsentException {
  return new ConsentException(ConsentErrorCode.NOTHING_TO_WITHDRAW, `No published dataset ${datasetId} holds captures of yours (any more)`);
}

function requestNotFound(datasetId: string): ConsentException {
  return new ConsentException(ConsentErrorCode.REQUEST_NOT_FOUND, `No open draft ${datasetId} holds captures of yours`);
}

/** A plain copy of the validated DTO (the hash and message cover exactly these keys), capture ids sorted. */
function normalisedFields(grant: ConsentGrantFields): ConsentGrantFields {
  return {
    datasetId: grant.datasetId,
    contributorId: grant.contributorId,
    captureIds: [...grant.captureIds].sort(),
    licence: grant.licence,
    scope: copyOfScope(grant.scope),
    priceUsdCents: grant.priceUsdCents,
    shareBps: grant.shareBps,
    issuedAt: grant.issuedAt,
    expiresAt: grant.expiresAt,
    nonce: grant.nonce,
  };
}

function checkCaptures(fields: ConsentGrantFields, mine: DraftContributor): void {
  const owned = new Set(mine.captureIds);
  const foreign = fields.captureIds.filter((id) => !owned.has(id));
  if (foreign.length > 0) {
    throw new ConsentException(
      ConsentErrorCode.CAPTURE_NOT_OWNED,
      `You cannot grant for captures that are not yours in this draft: ${foreign.join(', ')}`,
    );
  }
  const granted = new Set(fields.captureIds);
  const missing = mine.captureIds.filter((id) => !granted.has(id));
  if (missing.length > 0) {
    throw new ConsentException(
      ConsentErrorCode.CAPTURES_INCOMPLETE,
      `The grant must name every capture of yours in the draft (or decline); missing: ${missing.join(', ')}`,
    );
  }
}

function checkTimes(fields: ConsentGrantFields): void {
  const wrong = grantTimesProblem(fields.issuedAt, fields.expiresAt, Date.now());
  if (wrong) throw new ConsentException(wrong.expired ? ConsentErrorCode.EXPIRED : ConsentErrorCode.INVALID_GRANT, wrong.problem);
}

function checkScope(fields: ConsentGrantFields, terms: DraftConsentTerms): void {
  const { wider, narrower } = scopeDifferences(terms.licence.terms, fields.scope);
  if (wider.length > 0) {
    throw new ConsentException(
      ConsentErrorCode.SCOPE_WIDER_THAN_LICENCE,
      `The grant's scope is wider than the dataset's licence ${terms.licence.slug}: ${wider.join('; ')}`,
    );
  }
  if (narrower.length > 0) {
    throw new ConsentException(
      ConsentErrorCode.SCOPE_NARROWER_THAN_LICENCE,
      `The grant does not cover what the licence ${terms.licence.slug} sells: ${narrower.join('; ')}; decline instead if you do not agree`,
    );
  }
}

function checkTerms(fields: ConsentGrantFields, terms: DraftConsentTerms, mine: DraftContributor): void {
  const changed: string[] = [];
  if (fields.licence !== terms.licence.slug) changed.push(`licence is now ${terms.licence.slug}`);
  if (fields.priceUsdCents !== terms.priceUsdCents) changed.push(`price is now ${terms.priceUsdCents} cents`);
  if (fields.shareBps !== mine.shareBps) changed.push(`your share is now ${mine.shareBps} bps`);
  if (changed.length > 0) {
    throw new ConsentException(
      ConsentErrorCode.TERMS_CHANGED,
      `The draft changed since this grant was prepared: ${changed.join('; ')}; fetch the request again`,
    );
  }
}

function recordView(record: ConsentRecordEntity, datasetTitle: string): Plain<ConsentRecordResponse> {
  return {
    id: record.id,
    datasetId: record.datasetId,
    datasetTitle,
    kind: record.kind,
    captureIds: record.captureIds,
    method: record.method,
    hash: record.hash,
    custodySeq: record.custodySeq,
    expiresAt: record.expiresAt?.toISOString() ?? null,
    reason: record.reason,
    createdAt: record.createdAt.toISOString(),
  };
}
