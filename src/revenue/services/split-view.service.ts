import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user.js';
import { Role } from '../../auth/role.js';
import { responseOf } from '../dto/response-of.js';
import { EarningResponse, type EarningWithdrawalResponse, SplitProofResponse, SplitResponse, SplitRowResponse } from '../dto/split.response.js';
import { CatalogSalesService } from '../../catalog/services/catalog-sales.service.js';
import type { VersionFile } from '../../catalog/dto/saleable-version.js';
import { ConsentNoticeService } from '../../consent/services/consent-notice.service.js';
import type { SplitEntity } from '../entities/split.entity.js';
import { PayoutRepository } from '../repositories/payout.repository.js';
import { type EarningRow, SplitRepository } from '../repositories/split.repository.js';
import { RevenueErrorCode, RevenueException } from '../revenue.exception.js';
import { splitProofs } from '../split-tree.js';

/**
 * What payees and admins read of splits. Object-level rule: an admin sees every row; anyone else sees only the rows
 * naming them (as curator or contributor), and a split with none of their rows answers 404, as if it did not exist.
 */
/** A value the code above has just put there (a proof asked for, a split read for its earnings). */
function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing`);
  return value;
}

@Injectable()
export class SplitViewService {
  constructor(
    private readonly splits: SplitRepository,
    private readonly payouts: PayoutRepository,
    private readonly consentNotices: ConsentNoticeService,
    private readonly catalog: CatalogSalesService,
  ) {}

  async forOrder(orderId: string, caller: AuthUser): Promise<SplitResponse> {
    const split = await this.splits.findByOrder(orderId);
    if (!split) throw this.notFound(`order ${orderId}`);
    const rows = (await this.splits.rowsOf(split.id)).filter((row) => caller.role === Role.ADMIN || row.userId === caller.id);
    if (rows.length === 0) throw this.notFound(`order ${orderId}`);
    return responseOf(SplitResponse, {
      id: split.id,
      orderId: split.orderId,
      currency: split.currency,
      gross: split.gross.toString(),
      rows: rows.map((row) => responseOf(SplitRowResponse, { payee: row.payee, role: row.role, amount: row.amount.toString() })),
      merkleRoot: split.merkleRoot,
      txSignature: split.signature,
      refunded: split.refundedAt !== null,
    });
  }

  /** The contributor row of `contributor` (a user id or payee; default: the caller) with its leaf and proof. */
  async proof(splitId: string, contributor: string | undefined, caller: AuthUser): Promise<SplitProofResponse> {
    const split = await this.splits.findById(splitId);
    if (!split) throw this.notFound(`split ${splitId}`);
    const rows = await this.splits.rowsOf(splitId);
    const wanted = contributor ?? caller.id;
    const row =
      rows.find((r) => r.role === 'contributor' && (r.userId === wanted || r.payee === wanted)) ??
      rows.find((r) => r.role === 'curator' && r.userId === wanted);
    const allowed = caller.role === Role.ADMIN || (row !== undefined && row.userId === caller.id);
    if (!row || !allowed) {
      if (caller.role !== Role.ADMIN && rows.every((r) => r.userId !== caller.id)) throw this.notFound(`split ${splitId}`);
      if (!row) throw this.notFound(`a row for ${wanted} in split ${splitId}`);
      throw new RevenueException(RevenueErrorCode.NOT_A_PAYEE, 'You may read only your own proof');
    }
    const { proofs } = splitProofs(splitId, split.currency, rows, [row.leafIndex]);
    const { leaf, proof } = present(proofs.get(row.leafIndex), `the proof of leaf ${row.leafIndex}`);
    return responseOf(SplitProofResponse, {
      splitId,
      payee: row.payee,
      role: row.role,
      amount: row.amount.toString(),
      currency: split.currency,
      leaf,
      proof,
      merkleRoot: split.merkleRoot,
      txSignature: split.signature,
      memo: split.memo,
    });
  }

  /** Every split row naming the caller, oldest sale first, each with its proof. */
  async earnings(caller: AuthUser): Promise<EarningResponse[]> {
    const earnings = await this.splits.earningsOf(caller.id);
    const paidOut = paidOutFlags(earnings, await this.payouts.paidTotals(caller.id));
    const splits = new Map(
      (await this.splits.findByIds([...new Set(earnings.map((e) => e.splitId))])).map((s) => [s.id, s] as [string, SplitEntity]),
    );
    const withdrawalsOf = await this.withdrawalsAround([...splits.values()], caller.id);
    const titles = await this.titlesSold([...splits.values()]);
    const proofsBySplit = new Map<string, Map<number, { leaf: string; proof: string[] }>>();
    for (const [splitId, split] of splits) {
      const wanted = earnings.filter((e) => e.splitId === splitId).map((e) => e.leafIndex);
      proofsBySplit.set(splitId, splitProofs(splitId, split.currency, await this.splits.rowsOf(splitId), wanted).proofs);
    }
    return earnings.map((earning, i) => {
      const split = present(splits.get(earning.splitId), `split ${earning.splitId}`);
      const proofs = present(proofsBySplit.get(earning.splitId), `the proofs of split ${earning.splitId}`);
      const { leaf, proof } = present(proofs.get(earning.leafIndex), `the proof of leaf ${earning.leafIndex}`);
      return responseOf(EarningResponse, {
        splitId: earning.splitId,
        orderId: earning.orderId,
        datasetId: split.datasetId,
        datasetTitle: titles.get(`${split.datasetId}|${split.version}`) ?? '',
        version: split.version,
        role: earning.role as 'curator' | 'contributor',
        amount: earning.amount.toString(),
        currency: earning.currency,
        leaf,
        proof,
        merkleRoot: split.merkleRoot,
        txSignature: split.signature,
        paidOut: paidOut[i],
        refunded: earning.refunded,
        slice: sliceShare(split, caller.id),
        withdrawals: withdrawalsOf.get(split.id) ?? [],
      });
    });
  }

  /** The title of each dataset version sold, keyed `<datasetId>|<version>` (the version's own, frozen with it). */
  private async titlesSold(splits: readonly SplitEntity[]): Promise<Map<string, string>> {
    const keys = [...new Set(splits.map((split) => `${split.datasetId}|${split.version}`))];
    const versions = await Promise.all(
      keys.map((key) => {
        const [datasetId, version] = key.split('|');
        return this.catalog.findSaleable(datasetId, Number(version));
      }),
    );
    return new Map(keys.flatMap((key, i) => (versions[i] ? [[key, versions[i].title] as const] : [])));
  }

  /**
   * Per split, the caller's withdrawals from its dataset and whether the sale came before or after each: a sale of a
   * version that still held the withdrawn captures was placed before the withdrawal and paid for them (the ledger keeps
   * it so); a sale of a later version paid only the captures that remained.
   */
  private async withdrawalsAround(splits: readonly SplitEntity[], userId: string): Promise<Map<string, EarningWithdrawalResponse[]>> {
    const datasetIds = [...new Set(splits.map((split) => split.datasetId))];
    const [mine, takedowns] = await Promise.all([this.consentNotices.withdrawalsBy(userId), this.consentNotices.takedownsOf(datasetIds)]);
    const around = new Map<string, EarningWithdrawalResponse[]>();
    if (mine.length === 0 && takedowns.length === 0) return around;
    const files = new Map<string, Promise<VersionFile[]>>();
    const filesOf = (datasetId: string, version: number) => {
      const key = `${datasetId}|${version}`;
      const known = files.get(key) ?? this.catalog.versionFiles(datasetId, version);
      files.set(key, known);
      return known;
    };
    // A takedown is the caller's when it took captures of theirs: known from the versions of theirs that were sold.
    const ownCaptures = new Map<string, Set<string>>();
    for (const split of splits) {
      const own = ownCaptures.get(split.datasetId) ?? new Set<string>();
      for (const file of await filesOf(split.datasetId, split.version)) if (file.contributorId === userId) own.add(file.captureId);
      ownCaptures.set(split.datasetId, own);
    }
    for (const split of splits) {
      const takeOuts = [
        ...mine.filter((withdrawal) => withdrawal.datasetId === split.datasetId).map((w) => ({ ...w, kind: 'withdrawal' as const })),
        ...takedowns
          .filter((takedown) => takedown.datasetId === split.datasetId)
          .map((takedown) => ({ ...takedown, captureIds: takedown.captureIds.filter((id) => ownCaptures.get(split.datasetId)?.has(id)) }))
          .filter((takedown) => takedown.captureIds.length > 0)
          .map((takedown) => ({ ...takedown, kind: 'takedown' as const })),
      ].sort((a, b) => a.at.getTime() - b.at.getTime());
      if (takeOuts.length === 0) continue;
      const held = new Set((await filesOf(split.datasetId, split.version)).map((file) => file.captureId));
      around.set(
        split.id,
        takeOuts.map((takeOut) => ({
          kind: takeOut.kind,
          at: takeOut.at.toISOString(),
          captureCount: takeOut.captureIds.length,
          sale: takeOut.captureIds.some((id) => held.has(id)) ? ('before' as const) : ('after' as const),
        })),
      );
    }
    return around;
  }

  private notFound(what: string): RevenueException {
    return new RevenueException(RevenueErrorCode.SPLIT_NOT_FOUND, `No split for ${what} that you may see`);
  }
}

/** Payouts settle earnings oldest first, per account and currency: a row is paid out once the paid total covers it. */
export function paidOutFlags(earnings: readonly EarningRow[], paidTotals: ReadonlyMap<string, bigint>): boolean[] {
  const covered = new Map<string, bigint>();
  return earnings.map((earning) => {
    if (earning.refunded) return false;
    const key = `${earning.account}|${earning.currency}`;
    const cumulative = (covered.get(key) ?? 0n) + earning.amount;
    covered.set(key, cumulative);
    return cumulative <= (paidTotals.get(key) ?? 0n);
  });
}

/** The caller's part of a slice sale: what their files delivered of the slice, beside the slice's total. */
function sliceShare(split: SplitEntity, userId: string): { unit: 'km' | 'hour' | 'gb'; delivered: string; total: string } | null {
  if (!split.basis) return null;
  const total = Object.values(split.basis.delivered).reduce((sum, value) => sum + BigInt(value), 0n);
  return { unit: split.basis.unit, delivered: split.basis.delivered[userId] ?? '0', total: total.toString() };
}
