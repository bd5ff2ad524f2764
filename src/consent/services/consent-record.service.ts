import { Injectable } from '@nestjs/common';
import { verifyWalletSignature } from '../../auth/wallet-signature.js';
import { CatalogSalesService } from '../../catalog/services/catalog-sales.service.js';
import { CustodyLogService } from '../../provenance/services/custody-log.service.js';
import { type ConsentGrantFields, consentGrantHash, consentMessage } from '../consent-grant.js';
import { grantSetHash, grantsPerVersion, textOf } from '../consent-record-walk.js';
import { ConsentErrorCode, ConsentException } from '../consent.exception.js';
import type { DatasetConsentResponse, PublicGrantView } from '../dto/consent.response.js';
import type { ConsentRecordEntity } from '../entities/consent-record.entity.js';
import { ConsentRecordRepository } from '../repositories/consent-record.repository.js';

/** The public consent record of a published dataset: per version, the grants that cleared it; no personal data. */
@Injectable()
export class ConsentRecordService {
  constructor(
    private readonly records: ConsentRecordRepository,
    private readonly custody: CustodyLogService,
    private readonly sales: CatalogSalesService,
  ) {}

  async publicRecord(datasetId: string): Promise<DatasetConsentResponse> {
    if (!(await this.sales.findSaleable(datasetId)))
      throw new ConsentException(ConsentErrorCode.DATASET_NOT_FOUND, `No published dataset ${datasetId}`);
    const [records, log, chain] = await Promise.all([this.records.inOrder(datasetId), this.custody.list(datasetId), this.custody.verify(datasetId)]);
    const carried = new Map(log.filter((entry) => entry.kind === 'consent-granted').map((entry) => [textOf(entry.details.grantHash), entry.seq]));
    const grants = records
      .filter((record) => record.kind === 'grant')
      .map((record) => grantView(record, carried.get(record.hash) === record.custodySeq));
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
  const method = record.method ?? 'session';
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
    licence: fields.licence,
    scope: fields.scope,
    captureCount: fields.captureIds.length,
    issuedAt: fields.issuedAt,
    expiresAt: fields.expiresAt,
    recordedAt: record.createdAt.toISOString(),
    custodySeq: record.custodySeq,
    verified,
  };
}
