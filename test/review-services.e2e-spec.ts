import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { HttpStatus } from '@nestjs/common';
import type { AuthUser } from '../src/auth/auth-user.js';
import { Role } from '../src/auth/role.js';
import { CatalogErrorCode, CatalogException } from '../src/catalog/catalog.exception.js';
import { AuditQuery, ReviewQueueQuery } from '../src/catalog/dto/audit.query.js';
import { CreateDatasetDto, UpdateDatasetDto } from '../src/catalog/dto/create-dataset.dto.js';
import type { DatasetResponse } from '../src/catalog/dto/dataset.response.js';
import { CatalogSalesService } from '../src/catalog/services/catalog-sales.service.js';
import { DatasetDraftService } from '../src/catalog/services/dataset-draft.service.js';
import { DatasetReviewService } from '../src/catalog/services/dataset-review.service.js';
import { LicenceTemplateService } from '../src/licensing/services/licence-template.service.js';
import { AnchorService } from '../src/provenance/services/anchor.service.js';
import { CustodyLogService } from '../src/provenance/services/custody-log.service.js';
import { type ReviewServices, startReviewServices } from './support/review-services.js';

type Decision = 'approve' | 'reject' | 'requestChanges' | 'takedown' | 'reinstate';
type Stage = 'editing' | 'in_review' | 'rejected' | 'changes_requested' | 'published' | 'published, editing again' | 'taken_down';

/** What each decision leaves: the dataset's status, the audit action and the custody entry it appends last. */
const OUTCOME: Record<Decision, { status: DatasetResponse['status']; action: string; custody: string }> = {
  approve: { status: 'published', action: 'approved', custody: 'published' },
  reject: { status: 'rejected', action: 'rejected', custody: 'reviewed' },
  requestChanges: { status: 'changes_requested', action: 'changes-requested', custody: 'reviewed' },
  takedown: { status: 'taken_down', action: 'taken-down', custody: 'taken-down' },
  reinstate: { status: 'published', action: 'reinstated', custody: 'reinstated' },
};

/** The only transitions an admin may make; every other (stage, decision) pair is DATASET_INVALID_STATE. */
const ALLOWED: Record<Stage, Decision[]> = {
  editing: [],
  in_review: ['approve', 'reject', 'requestChanges'],
  rejected: [],
  changes_requested: [],
  published: ['takedown'],
  'published, editing again': ['takedown'],
  taken_down: ['reinstate'],
};
const DECISIONS: Decision[] = ['approve', 'reject', 'requestChanges', 'takedown', 'reinstate'];

/**
 * The admin's review decisions, service by service on a real database (no HTTP): the real catalog, licensing and
 * custody log and anchors; captures from an in-memory ingestion. Approval publishes, rejection keeps the draft,
 * stale and repeated decisions are refused, only the listed transitions happen, and each is audited and chained.
 */
describe('review decisions (services on a real database)', () => {
  let services: ReviewServices;
  let admin: AuthUser;
  let otherAdmin: AuthUser;
  let owner: AuthUser;
  let licenceId: string;

  const drafts = () => services.get(DatasetDraftService);
  const reviews = () => services.get(DatasetReviewService);
  const custody = () => services.get(CustodyLogService);
  const decide = (decision: Decision, id: string, by: AuthUser = admin) => {
    switch (decision) {
      case 'approve':
        return reviews().approve(by, id, 'Checked');
      case 'reject':
        return reviews().reject(by, id, 'Faces are visible in drive 2');
      case 'requestChanges':
        return reviews().requestChanges(by, id, 'Add the tag slovenia');
      case 'takedown':
        return reviews().takedown(by, id, 'Complaint: a licence plate is readable');
      case 'reinstate':
        return reviews().reinstate(by, id, 'Plates blurred');
    }
  };
  /** A draft of two ready captures with complete declarations, created through the owner's service. */
  const draft = async (title = 'Ljubljana ring road GNSS') =>
    (
      await drafts().create(
        owner,
        Object.assign(new CreateDatasetDto(), {
          title,
          description: 'Two winter mornings of GNSS fixes around Ljubljana.',
          captureIds: [await services.captures.add(owner.id), await services.captures.add(owner.id)],
          licenceTemplateId: licenceId,
          priceUsdCents: 12_500,
          declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
        }),
      )
    ).id;
  const submitted = async () => {
    const id = await draft();
    await drafts().submit(owner, id);
    return id;
  };
  const edit = (id: string, title: string) => drafts().update(owner, id, Object.assign(new UpdateDatasetDto(), { title }));
  /** A dataset brought to `stage` through the owner's and the admin's services. */
  const at = async (stage: Stage): Promise<string> => {
    if (stage === 'editing') return draft();
    const id = await submitted();
    if (stage === 'rejected') await decide('reject', id);
    if (stage === 'changes_requested') await decide('requestChanges', id);
    if (stage === 'published' || stage === 'published, editing again' || stage === 'taken_down') await decide('approve', id);
    if (stage === 'published, editing again') await edit(id, 'Ljubljana ring road GNSS, second edition');
    if (stage === 'taken_down') await decide('takedown', id);
    return id;
  };
  const auditOf = async (id: string) =>
    (await reviews().audit(Object.assign(new AuditQuery(), { datasetId: id, limit: 200 }))).items.map((e) => ({
      action: e.action,
      actorId: e.actorId,
      draftRevision: e.draftRevision,
      version: e.version,
      reason: e.reason,
    }));
  const custodyOf = async (id: string) => (await custody().list(id)).map((e) => ({ kind: e.kind, actorId: e.actorId, details: e.details }));
  const trail = async (id: string) => ({ audit: (await auditOf(id)).length, custody: (await custody().list(id)).length });
  const saleable = (id: string) => services.get(CatalogSalesService).findSaleable(id);
  const anchors = (id: string) => services.get(AnchorService).anchorsOf(id);
  const invalidState = (message: string | RegExp) =>
    expect.objectContaining({
      code: CatalogErrorCode.INVALID_STATE,
      status: HttpStatus.CONFLICT,
      message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message),
    });

  beforeAll(async () => {
    services = await startReviewServices();
    admin = await services.user(Role.ADMIN);
    otherAdmin = await services.user(Role.ADMIN);
    owner = await services.user(Role.CONTRIBUTOR);
    const licence = (await services.get(LicenceTemplateService).list()).find((l) => l.slug === 'commercial-ai-training');
    if (!licence) throw new Error('the migrations seed the commercial-ai-training licence');
    licenceId = licence.id;
  }, 120_000);
  afterAll(() => services.close());
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('approval publishes: version 1 frozen and for sale, the draft closed, audited, chained in custody, its anchor queued', async () => {
    const id = await submitted();
    expect((await reviews().queue(Object.assign(new ReviewQueueQuery(), { limit: 100 }))).map((item) => item.dataset.id)).toContain(id);
    const approved = await reviews().approve(admin, id, 'Looks good');
    expect(approved).toMatchObject({ status: 'published', latestVersion: 1, versions: [1], draft: null });
    const merkleRoot = approved.published?.merkleRoot;
    expect(merkleRoot).toMatch(/^[0-9a-f]{64}$/);
    expect(approved.published).toMatchObject({ version: 1, title: 'Ljubljana ring road GNSS', priceUsdCents: 12_500, coverage: { fileCount: 2 } });
    expect(await saleable(id)).toMatchObject({ datasetId: id, version: 1, listed: true, priceUsdCents: 12_500, merkleRoot, ownerId: owner.id });

    expect(await auditOf(id)).toEqual([
      { action: 'approved', actorId: admin.id, draftRevision: 1, version: 1, reason: 'Looks good' },
      { action: 'submitted', actorId: owner.id, draftRevision: 1, version: null, reason: null },
      { action: 'created', actorId: owner.id, draftRevision: 1, version: null, reason: null },
    ]);
    expect((await custodyOf(id)).slice(-2)).toEqual([
      { kind: 'reviewed', actorId: admin.id, details: { decision: 'approved', revision: 1, note: 'Looks good' } },
      { kind: 'published', actorId: admin.id, details: { version: 1, merkleRoot, fileCount: 2, totalBytes: 8_192 } },
    ]);
    expect((await custodyOf(id)).map((e) => e.kind)).toEqual(['created', 'files-changed', 'submitted', 'reviewed', 'published']);
    expect(await custody().verify(id)).toMatchObject({ ok: true, entries: 5 });
    expect(await anchors(id)).toEqual([expect.objectContaining({ version: 1, merkleRoot, status: 'pending' })]);
    expect((await reviews().queue(Object.assign(new ReviewQueueQuery(), { limit: 100 }))).map((item) => item.dataset.id)).not.toContain(id);
  });

  it('rejection with a reason keeps the draft unpublished, shows the reason to its owner, audited and chained', async () => {
    const id = await submitted();
    const rejected = await reviews().reject(admin, id, 'Faces are visible in drive 2');
    expect(rejected).toMatchObject({
      status: 'rejected',
      latestVersion: null,
      versions: [],
      published: null,
      draft: { state: 'rejected', revision: 1, reviewReason: 'Faces are visible in drive 2' },
    });
    expect((await drafts().get(owner, id)).draft).toMatchObject({ state: 'rejected', reviewReason: 'Faces are visible in drive 2' });
    expect(await saleable(id)).toBeNull();
    expect(await anchors(id)).toEqual([]);
    expect((await auditOf(id))[0]).toEqual({
      action: 'rejected',
      actorId: admin.id,
      draftRevision: 1,
      version: null,
      reason: 'Faces are visible in drive 2',
    });
    expect((await custodyOf(id)).at(-1)).toEqual({
      kind: 'reviewed',
      actorId: admin.id,
      details: { decision: 'rejected', revision: 1, reason: 'Faces are visible in drive 2' },
    });
    expect(await custody().verify(id)).toMatchObject({ ok: true, entries: 4 });

    // The owner fixes it and submits again; the next decision is about the new revision.
    expect((await edit(id, 'Ljubljana ring road GNSS, faces blurred')).draft).toMatchObject({ state: 'editing', revision: 2, reviewReason: null });
    await drafts().submit(owner, id);
    expect(await reviews().approve(admin, id)).toMatchObject({ latestVersion: 1, published: { title: 'Ljubljana ring road GNSS, faces blurred' } });
    expect((await auditOf(id))[0]).toMatchObject({ action: 'approved', draftRevision: 2, version: 1, reason: null });
  });

  it('refuses a decision on a draft that changed while it was being approved (a stale revision), publishing nothing', async () => {
    const id = await submitted();
    const licences = services.get(LicenceTemplateService);
    const resolve = licences.resolveLicence.bind(licences);
    // Approval reads the draft, then the licence, then decides: in between, another admin rejects, the owner edits
    // and submits again (revision 2). The approval read revision 1 and must not publish revision 2 unseen.
    jest.spyOn(licences, 'resolveLicence').mockImplementationOnce(async (...args) => {
      await decide('reject', id, otherAdmin);
      await edit(id, 'Ljubljana ring road GNSS, swapped captures');
      await drafts().submit(owner, id);
      return resolve(...args);
    });
    await expect(reviews().approve(admin, id)).rejects.toEqual(invalidState(`Dataset ${id} changed while it was being approved; review it again`));
    expect(await drafts().get(owner, id)).toMatchObject({ status: 'in_review', latestVersion: null, versions: [], draft: { revision: 2 } });
    expect(await saleable(id)).toBeNull();
    expect(await anchors(id)).toEqual([]);
    expect((await auditOf(id)).map((e) => e.action)).toEqual(['submitted', 'updated', 'rejected', 'submitted', 'created']);

    // Reviewed again, revision 2 is what gets published.
    expect(await reviews().approve(admin, id)).toMatchObject({
      latestVersion: 1,
      published: { title: 'Ljubljana ring road GNSS, swapped captures' },
    });
  });

  it('lets one of two admins deciding at once win; the other is refused and leaves no trace', async () => {
    const id = await submitted();
    const before = await trail(id);
    const [first, second] = await Promise.allSettled([decide('approve', id, admin), decide('reject', id, otherAdmin)]);
    const outcomes = [first.status, second.status].sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const reasons = [first, second].flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(reasons).toEqual([invalidState(/is not waiting for review/)]);
    const audit = await auditOf(id);
    expect(audit.slice(1)).toHaveLength(before.audit);
    expect(['approved', 'rejected']).toContain(audit[0].action);
    const published = audit[0].action === 'approved';
    expect(await trail(id)).toEqual({ audit: before.audit + 1, custody: before.custody + (published ? 2 : 1) });
    expect(await anchors(id)).toHaveLength(published ? 1 : 0);
  });

  it('refuses a decision on an item already decided, naming the state it is in', async () => {
    const rejected = await at('rejected');
    await expect(decide('approve', rejected)).rejects.toEqual(invalidState(`Dataset ${rejected} is not waiting for review (it is rejected)`));
    const published = await at('published');
    await expect(decide('reject', published)).rejects.toEqual(
      invalidState(`Dataset ${published} is not waiting for review (it is published without a pending draft)`),
    );
    const takenDown = await at('taken_down');
    await expect(decide('takedown', takenDown)).rejects.toEqual(invalidState(`Dataset ${takenDown} is already taken down`));
    for (const decision of DECISIONS) {
      await expect(decide(decision, randomUUID())).rejects.toEqual(
        expect.objectContaining({ code: CatalogErrorCode.DATASET_NOT_FOUND, status: HttpStatus.NOT_FOUND }),
      );
    }
  });

  describe('allows only the listed transitions', () => {
    for (const stage of Object.keys(ALLOWED) as Stage[]) {
      const allowed = ALLOWED[stage];
      const refused = DECISIONS.filter((decision) => !allowed.includes(decision));

      it(`from ${stage}: refuses ${refused.join(', ')} with DATASET_INVALID_STATE and leaves no trace`, async () => {
        const id = await at(stage);
        const before = await drafts().get(owner, id);
        const trailBefore = await trail(id);
        for (const decision of refused) {
          await expect(decide(decision, id)).rejects.toBeInstanceOf(CatalogException);
          await expect(decide(decision, id)).rejects.toEqual(invalidState(/./));
        }
        expect(await drafts().get(owner, id)).toEqual(before);
        expect(await trail(id)).toEqual(trailBefore);
        expect(await custody().verify(id)).toMatchObject({ ok: true });
      });

      for (const decision of allowed) {
        it(`from ${stage}: ${decision} moves it to ${OUTCOME[decision].status}, audited and chained`, async () => {
          const id = await at(stage);
          const trailBefore = await trail(id);
          expect((await decide(decision, id)).status).toBe(OUTCOME[decision].status);
          expect((await auditOf(id))[0]).toMatchObject({ action: OUTCOME[decision].action, actorId: admin.id });
          expect((await custodyOf(id)).at(-1)).toMatchObject({ kind: OUTCOME[decision].custody, actorId: admin.id });
          expect(await trail(id)).toEqual({ audit: trailBefore.audit + 1, custody: trailBefore.custody + (decision === 'approve' ? 2 : 1) });
          expect(await custody().verify(id)).toMatchObject({ ok: true });
          const listed = (await saleable(id))?.listed ?? false;
          expect(listed).toBe(OUTCOME[decision].status === 'published');
        });
      }
    }
  });
});
