import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { DatasetReviewService } from '../../catalog/services/dataset-review.service.js';
import { DraftConsentService } from '../../catalog/services/draft-consent.service.js';
import { DomainException } from '../../common/errors/domain.exception.js';
import type { Plain } from '../../common/plain.js';
import { canonicalJson } from '../../provenance/canonical-json.js';
import type { CustodyRecord } from '../../provenance/custody-log.js';
import { sha256, toHex } from '../../provenance/merkle-tree.js';
import { CustodyLogService } from '../../provenance/services/custody-log.service.js';
import { ConsentErrorCode, ConsentException } from '../consent.exception.js';
import type { TakeDownCapturesDto, TakedownResponse, TakeOutResponse, TakeOutState } from '../dto/takedown.dto.js';
import { ConsentRecordEntity } from '../entities/consent-record.entity.js';
import { ConsentRecordRepository } from '../repositories/consent-record.repository.js';
import { isTakedownKind, TAKEDOWN_WORDS } from '../takedown-kind.js';
import { ConsentWithdrawalHooks } from '../consent-withdrawal-hooks.js';

type DatasetState = { title: string; draftState: string | null; latestVersion: number | null; takenDown: boolean };

/**
 * Admins' side of withdrawal (issue 16): taking captures down from a published dataset on a request, recorded and
 * chained like a contributor's withdrawal (buyers' notices and downloads read both alike), and the queue of every
 * withdrawal and takedown with where it stands. A privacy takedown publishes the version without the captures at once;
 * the others wait for review.
 */
@Injectable()
export class AdminTakedownService {
  constructor(
    private readonly drafts: DraftConsentService,
    private readonly reviews: DatasetReviewService,
    private readonly records: ConsentRecordRepository,
    private readonly custody: CustodyLogService,
    private readonly withdrawalHooks: ConsentWithdrawalHooks,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async takeDown(admin: AuthUser, datasetId: string, dto: TakeDownCapturesDto): Promise<Plain<TakedownResponse>> {
    const at = new Date();
    const captureIds = [...dto.captureIds].sort();
    // A takedown is of what is sold: a capture only in the open draft is the owner's to drop, and taking it "down" would
    // stop the sale of a version that does not hold it.
    const published = new Set((await this.drafts.termsOfPublished(datasetId))?.contributors.flatMap((row) => row.captureIds) ?? []);
    const unpublished = captureIds.filter((id) => !published.has(id));
    if (published.size > 0 && unpublished.length > 0) {
      throw new ConsentException(
        ConsentErrorCode.CAPTURE_NOT_PUBLISHED,
        `The published version of dataset ${datasetId} does not hold ${unpublished.join(', ')}; take down only captures it sells`,
      );
    }
    const record = Object.assign(new ConsentRecordEntity(), {
      id: randomUUID(),
      datasetId,
      contributorId: admin.id,
      kind: 'takedown',
      captureIds,
      fields: {},
      method: null,
      signer: null,
      message: null,
      signature: null,
      reason: dto.reason,
      expiresAt: null,
      hash: '',
      createdAt: at,
    } satisfies Partial<ConsentRecordEntity>);
    const onlyTakenDown = await this.dataSource.transaction(async (manager) => {
      const outcome = await this.drafts.takeDownCaptures(manager, datasetId, admin.id, captureIds).catch((error: unknown) => {
        throw error instanceof DomainException && error.status === HttpStatus.NOT_FOUND ? nothingToTakeDown(datasetId) : error;
      });
      // Two takedowns at once: the second finds the captures gone and records nothing.
      if (outcome.removed.length === 0) throw nothingToTakeDown(datasetId);
      record.captureIds = outcome.removed;
      record.fields = { datasetId, adminId: admin.id, captureIds: outcome.removed, takedownKind: dto.kind, reason: dto.reason, at: at.toISOString() };
      record.hash = toHex(sha256(Buffer.from(`ctd1|${canonicalJson(record.fields)}`, 'utf8')));
      const entry = await this.custody.append(manager, {
        datasetId,
        kind: 'captures-taken-down',
        actorId: admin.id,
        details: { takedownHash: record.hash, takedownKind: dto.kind, captureIds: outcome.removed },
      });
      record.custodySeq = entry.seq;
      await this.records.insert(manager, record);
      // Buyers hear of it as of a withdrawal (webhook, e-mail), in this transaction, in the words of its kind.
      await this.withdrawalHooks.withdrawn(manager, {
        recordId: record.id,
        datasetId,
        captureIds: outcome.removed,
        at,
        buyerReason: TAKEDOWN_WORDS[dto.kind],
      });
      return outcome.onlyTakenDown;
    });
    // A privacy takedown does not wait for review (issue 16), unless the owner's own edits wait in the draft with it.
    let publishProblem: string | null = null;
    if (dto.kind === 'privacy' && onlyTakenDown) {
      try {
        await this.reviews.approve(admin, datasetId, `Published at once after privacy takedown ${record.hash}`);
      } catch (error) {
        if (!(error instanceof DomainException)) throw error;
        publishProblem = `${error.code}: ${error.message}`;
      }
    }
    const [view] = await this.viewsOf([record]);
    return { ...view, removedCaptureIds: record.captureIds, publishProblem };
  }

  /** The newest withdrawals and takedowns, each with where it stands now. */
  async queue(limit: number): Promise<Plain<TakeOutResponse>[]> {
    return this.viewsOf(await this.records.latestTakeOuts(limit));
  }

  private async viewsOf(records: readonly ConsentRecordEntity[]): Promise<Plain<TakeOutResponse>[]> {
    const ids = [...new Set(records.map((record) => record.datasetId))];
    const [states, logs] = await Promise.all([
      this.drafts.withdrawalStates(ids),
      Promise.all(ids.map(async (id) => [id, await this.custody.list(id)] as const)).then((pairs) => new Map(pairs)),
    ]);
    return records.map((record) => {
      const dataset = states.get(record.datasetId) ?? { title: '', draftState: null, latestVersion: null, takenDown: false };
      const { fromVersion, publishedVersion } = versionsAround(logs.get(record.datasetId) ?? [], record.custodySeq);
      const { takedownKind } = record.fields as { takedownKind?: unknown };
      return {
        id: record.id,
        kind: record.kind === 'takedown' ? ('takedown' as const) : ('withdrawal' as const),
        takedownKind: isTakedownKind(takedownKind) ? takedownKind : null,
        datasetId: record.datasetId,
        datasetTitle: dataset.title,
        captureIds: record.captureIds,
        reason: record.reason ?? '',
        actorId: record.contributorId,
        hash: record.hash,
        custodySeq: record.custodySeq,
        createdAt: record.createdAt.toISOString(),
        fromVersion,
        state: stateOf(dataset, publishedVersion),
        publishedVersion,
      };
    });
  }
}

/** The version a take-out stopped selling (the `withdrawn-from-sale` entry before it) and the first one published after it. */
function versionsAround(log: readonly CustodyRecord[], seq: number): { fromVersion: number | null; publishedVersion: number | null } {
  const before = log.filter((entry) => entry.seq < seq && entry.kind === 'withdrawn-from-sale').at(-1);
  const after = log.find((entry) => entry.seq > seq && entry.kind === 'published');
  const version = (entry: CustodyRecord | undefined) => (typeof entry?.details.version === 'number' ? entry.details.version : null);
  return { fromVersion: version(before), publishedVersion: version(after) };
}

function stateOf(dataset: DatasetState, publishedVersion: number | null): TakeOutState {
  if (publishedVersion !== null) return 'published';
  if (dataset.takenDown) return 'taken_down';
  return dataset.draftState === 'in_review' ? 'in_review' : 'draft_open';
}

function nothingToTakeDown(datasetId: string): ConsentException {
  return new ConsentException(ConsentErrorCode.NOTHING_TO_WITHDRAW, `Published dataset ${datasetId} holds none of these captures (any more)`);
}
