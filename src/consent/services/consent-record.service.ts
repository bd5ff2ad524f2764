import { Injectable } from '@nestjs/common';
import { verifyWalletSignature } from '../../auth/wallet-signature.js';
import { CatalogSalesService } from '../../catalog/services/catalog-sales.service.js';
import { CustodyLogService } from '../../provenance/services/custody-log.service.js';
import { advanceGrantHash, advanceGrantMessage, type DerivedGrantFields, derivedGrantMessage } from '../advance-grant.js';
import { type ConsentGrantFields, consentGrantHash, consentMessage } from '../consent-grant.js';
import { grantSetHash, grantsPerVersion, textOf } from '../consent-record-walk.js';
import { ConsentErrorCode, ConsentException } from '../consent.exception.js';
import type { DatasetConsentResponse, PublicGrantView } from '../dto/consent.response.js';
import type { AdvanceGrantEntity } from '../entities/advance-grant.entity.js';
import type { ConsentRecordEntity } from '../entities/consent-record.entity.js';
import { AdvanceGrantRepository } from '../repositories/advance-grant.repository.js';
import { ConsentRecordRepository } from '../repositories/consent-record.repository.js';

/** The public consent record of a published dataset: per version, the grants that cleared it; no personal data. */
@Injectable()
export class ConsentRecordService {
  constructor(
    private readonly records: ConsentRecordRepository,
    private readonly custody: CustodyLogService,
    private readonly sales: CatalogSalesService,
    private readonly advanceGrants: AdvanceGrantRepository,
  ) {}

  async publicRecord(datasetId: string): Promise<DatasetConsentResponse> {
    if (!(await this.sales.findSaleable(datasetId)))
      throw new ConsentException(ConsentErrorCode.DATASET_NOT_FOUND, `No published dataset ${datasetId}`);
    const [records, log, chain] = await Promise.all([this.records.inOrder(datasetId), this.custody.list(datasetId), this.custody.verify(datasetId)]);
    const carried = new Map(log.filter((entry) => entry.kind === 'consent-granted').map((entry) => [textOf(entry.details.grantHash), entry.seq]));
    const granted = records.filter((record) => record.kind === 'grant');
    const advance = await this.advanceGrants.findByHashes(granted.flatMap((record) => (record.method === 'advance' ? [advanceHashOf(record)] : [])));
    const grants = granted.map((record) =>
      record.method === 'advance'
        ? derivedGrantView(record, carried.get(record.hash) === record.custodySeq, advance.get(advanceHashOf(record)) ?? null)
        : grantView(record, carried.get(record.hash) === record.custodySeq),
    );
    const problems: string[] = [];
    if (!chain.ok) problems.push(`custody log broken at entry ${chain.brokenAt}: ${chain.message}`);
    for (const grant of grants)
      if (!grant.verified) problems.push(`grant ${grant.hash} does not verify against its fields, signature and custody entry`);
    return {
      datasetId,
      versions: grantsPerVersion(log).map(({ version, grantHashes }) => ({ version, grantHashes, grantSetHash: grantSetHash(grantHashes) })),
      grants,
      declines: records.filter((record) => record.kind === 'decline').length,
      withdrawals: records
        .filter((record) => record.kind === 'withdrawal' || record.kind === 'takedown')
        .map((record) => ({
          kind: record.kind === 'takedown' ? ('takedown' as const) : ('withdrawal' as const),
          hash: record.hash,
          captureCount: record.captureIds.length,
          recordedAt: record.createdAt.toISOString(),
          custodySeq: record.custodySeq,
        })),
      verified: problems.length === 0,
      problem: problems.length === 0 ? null : problems.join('; '),
    };
  }
}

/** A grant as the public sees it; `verified` recomputes its hash and message and checks a wallet signature. */
function grantView(record: ConsentRecordEntity, inCustody: boolean): PublicGrantView {
  const fields = record.fields as ConsentGrantFields;
  const method = record.method === 'wallet' ? 'wallet' : 'session';
  const signer = record.signer ?? '';
  const message = consentMessage(fields, signer);
  const verified =
    inCustody &&
    consentGrantHash(fields, method, signer, record.signature) === record.hash &&
    message === record.message &&
    (method === 'session' || (record.signature !== null && verifyWalletSignature(signer, message, record.signature)));
  const wallet = method === 'wallet';
  return {
    hash: record.hash,
    method,
    signer: wallet ? signer : null,
    signature: wallet ? record.signature : null,
    // A session grant's message names the contributor's user id: the public sees it with the id left out.
    message: wallet ? message : consentMessage({ ...fields, contributorId: 'withheld' }, 'session'),
    advanceGrantHash: null,
    ...publicTerms(record, fields),
    verified,
  };
}

function advanceHashOf(record: ConsentRecordEntity): string {
  return (record.fields as DerivedGrantFields).advanceGrantHash;
}

/** The fields every grant shows the public, whatever signed it. */
function publicTerms(record: ConsentRecordEntity, fields: ConsentGrantFields) {
  return {
    licence: fields.licence,
    scope: fields.scope,
    captureCount: fields.captureIds.length,
    issuedAt: fields.issuedAt,
    expiresAt: fields.expiresAt,
    recordedAt: record.createdAt.toISOString(),
    custodySeq: record.custodySeq,
  };
}

/**
 * A grant derived from an advance grant: it verifies when its own hash and text recompute, and the advance grant it
 * names is on record, recomputes, allows its licence and (wallet) carries a valid signature of the same signer. The
 * public sees the advance grant's signed text and signature; a session advance grant shows the derived text with the
 * contributor left out.
 */
function derivedGrantView(record: ConsentRecordEntity, inCustody: boolean, advance: AdvanceGrantEntity | null): PublicGrantView {
  const fields = record.fields as DerivedGrantFields;
  const signer = record.signer ?? '';
  const advanceVerifies =
    advance !== null &&
    advance.signer === signer &&
    advance.fields.licences.includes(fields.licence) &&
    advanceGrantHash(advance.fields, advance.method, advance.signer, advance.signature) === advance.hash &&
    advanceGrantMessage(advance.fields, advance.signer) === advance.message &&
    (advance.method === 'session' || (advance.signature !== null && verifyWalletSignature(advance.signer, advance.message, advance.signature)));
  const verified =
    inCustody &&
    advanceVerifies &&
    consentGrantHash(fields, 'advance', signer, null) === record.hash &&
    derivedGrantMessage(fields, signer) === record.message;
  const wallet = advance?.method === 'wallet';
  return {
    hash: record.hash,
    method: 'advance',
    signer: wallet ? signer : null,
    signature: wallet ? advance.signature : null,
    message: wallet ? advance.message : derivedGrantMessage({ ...fields, contributorId: 'withheld' }, 'session'),
    advanceGrantHash: fields.advanceGrantHash,
    ...publicTerms(record, fields),
    verified,
  };
}
