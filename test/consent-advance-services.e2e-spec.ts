import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../src/auth/auth-user.js';
import { Role } from '../src/auth/role.js';
import type { DraftConsentTerms } from '../src/catalog/dto/draft-consent.js';
import { type AdvanceGrantFields, advanceGrantMessage } from '../src/consent/advance-grant.js';
import { consentGrantHash } from '../src/consent/consent-grant.js';
import { ChainModule, chainSettings } from '../src/chain/chain.module.js';
import { JobsModule } from '../src/queue/jobs.module.js';
import { ConsentRecordsModule } from '../src/consent/consent-records.module.js';
import { ConsentErrorCode, ConsentException } from '../src/consent/consent.exception.js';
import { AdvanceGrantFieldsDto } from '../src/consent/dto/advance-grant.dto.js';
import { AdvanceGrantRevocationEntity } from '../src/consent/entities/advance-grant-revocation.entity.js';
import type { AdvanceGrantEntity } from '../src/consent/entities/advance-grant.entity.js';
import { AdvanceGrantRepository } from '../src/consent/repositories/advance-grant.repository.js';
import { AdvanceGrantLedgerService } from '../src/consent/services/advance-grant-ledger.service.js';
import { ConsentClearanceService } from '../src/consent/services/consent-clearance.service.js';
import type { LicenceTerms } from '../src/licensing/licence-terms.js';
import { LicenceTemplateService } from '../src/licensing/services/licence-template.service.js';
import { type ModuleServices, startModuleServices } from './support/module-services.js';
import { testWallet } from './support/wallet.js';

const ALL_USES = { aiTraining: true, evaluation: true, commercialUse: true, redistribution: true, derivativeMaps: true };

/**
 * Clearance with advance grants, service by service on a real database: which drafts an advance grant covers (and why
 * not), the per-dataset grant it records and chains, what wins over it (a decline, a withdrawal, a takedown,
 * revocation, expiry), and a revocation waiting for a clearance that holds the grant.
 */
describe('consent clearance with advance grants (services on a real database)', () => {
  let s: ModuleServices;
  let clearance: ConsentClearanceService;
  let ledger: AdvanceGrantLedgerService;
  let dataSource: DataSource;
  let curator: AuthUser;
  let otherCurator: AuthUser;
  let licences: Record<string, { id: string; terms: LicenceTerms }>;

  const fields = (overrides: Partial<AdvanceGrantFields> = {}): AdvanceGrantFields => ({
    network: 'dimo',
    curatorId: null,
    licences: ['commercial-ai-training'],
    scope: { permittedUses: { ...ALL_USES }, territory: ['WORLD'] },
    minShareBps: 2_000,
    minPriceUsdCents: 10_000,
    issuedAt: new Date(Date.now() - 1_000).toISOString(),
    expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    nonce: randomBytes(18).toString('base64url'),
    ...overrides,
  });

  /** A session advance grant of the contributor, through the ledger's checks. */
  const grantInAdvance = async (contributor: AuthUser, overrides: Partial<AdvanceGrantFields> = {}): Promise<AdvanceGrantEntity> => {
    const dto = Object.assign(new AdvanceGrantFieldsDto(), fields(overrides));
    return ledger.record(contributor.id, await ledger.check(dto, 'session', contributor.id, null), 'contributor');
  };

  /** A draft of the curator's holding the contributor's captures (all from `network`), as the catalog describes it. */
  const draft = async (
    contributor: AuthUser,
    options: { licence?: string; owner?: AuthUser; priceUsdCents?: number; shareBps?: number; networks?: (string | null)[] } = {},
  ): Promise<DraftConsentTerms> => {
    const owner = options.owner ?? curator;
    const slug = options.licence ?? 'commercial-ai-training';
    const captureIds = (options.networks ?? ['dimo', 'dimo']).map(() => randomUUID()).sort();
    const networks = options.networks ?? captureIds.map(() => 'dimo');
    const id = randomUUID();
    await s.sql(
      `INSERT INTO datasets (id, owner_id, title, description, capture_ids, licence_template_id, licence_terms, price_usd_cents, declarations, draft_state)
       VALUES ($1, $2, 'Drives', 'Curated.', $3, $4, $5, $6, '{}', 'editing')`,
      [id, owner.id, captureIds, licences[slug].id, JSON.stringify(licences[slug].terms), options.priceUsdCents ?? 50_000],
    );
    return {
      datasetId: id,
      ownerId: owner.id,
      title: 'Drives',
      draftState: 'editing',
      draftRevision: 1,
      licence: { slug, name: slug, terms: licences[slug].terms },
      priceUsdCents: options.priceUsdCents ?? 50_000,
      contributors: [
        {
          contributorId: contributor.id,
          captureIds,
          networkOf: Object.fromEntries(captureIds.map((capture, i) => [capture, networks[i]])),
          shareBps: options.shareBps ?? 5_000,
        },
      ],
    };
  };

  /** A revocation row of the contributor's grant, as AdvanceGrantService writes one. */
  const revocation = (contributor: AuthUser, grant: AdvanceGrantEntity) =>
    Object.assign(new AdvanceGrantRevocationEntity(), {
      id: randomUUID(),
      grantId: grant.id,
      contributorId: contributor.id,
      reason: null,
      hash: randomBytes(32).toString('hex'),
      createdAt: new Date(),
    });

  const clear = (terms: DraftConsentTerms) => dataSource.transaction((manager) => clearance.assertCleared(terms, manager));
  const refusal = async (terms: DraftConsentTerms): Promise<string> => {
    const error = await clear(terms).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ConsentException);
    expect((error as ConsentException).code).toBe(ConsentErrorCode.MISSING);
    return (error as ConsentException).message;
  };
  const records = (datasetId: string) =>
    s.sql<{ kind: string; method: string | null; hash: string; fields: Record<string, unknown>; signer: string }>(
      `SELECT kind, method, hash, fields, signer FROM consent_records WHERE dataset_id = $1 ORDER BY custody_seq`,
      [datasetId],
    );

  beforeAll(async () => {
    s = await startModuleServices({
      name: 'advance-clearance',
      imports: (config) => [JobsModule, ChainModule.forRoot(chainSettings(config)), ConsentRecordsModule],
    });
    clearance = s.get(ConsentClearanceService);
    ledger = s.get(AdvanceGrantLedgerService);
    dataSource = s.get(DataSource);
    curator = await s.user(Role.ADMIN);
    otherCurator = await s.user(Role.CONTRIBUTOR);
    const templates = await s.get(LicenceTemplateService).list();
    licences = Object.fromEntries(templates.map((template) => [template.slug, { id: template.id, terms: template.terms }]));
  }, 120_000);
  afterAll(() => s.close());

  it('records a per-dataset grant derived from a covering advance grant, chained into the custody log, once', async () => {
    const contributor = await s.user(Role.CONTRIBUTOR);
    const advance = await grantInAdvance(contributor);
    const terms = await draft(contributor);
    expect(await clearance.waitingFor(terms)).toEqual([]);
    await clear(terms);
    const [record] = await records(terms.datasetId);
    expect(record).toMatchObject({ kind: 'grant', method: 'advance', signer: contributor.id, fields: { advanceGrantHash: advance.hash } });
    expect(consentGrantHash(record.fields as never, 'advance', contributor.id, null)).toBe(record.hash);
    const [entry] = await s.sql<{ kind: string; actor_id: string; details: Record<string, unknown> }>(
      `SELECT kind, actor_id, details FROM custody_records WHERE dataset_id = $1`,
      [terms.datasetId],
    );
    expect(entry).toMatchObject({
      kind: 'consent-granted',
      actor_id: contributor.id,
      details: { grantHash: record.hash, method: 'advance', advanceGrantHash: advance.hash },
    });
    // The derived grant now clears the draft by itself: a second clearance records nothing more.
    await clear(terms);
    expect(await records(terms.datasetId)).toHaveLength(1);
  });

  it('does not cover a draft outside its terms, saying why, and records nothing', async () => {
    const contributor = await s.user(Role.CONTRIBUTOR);
    await grantInAdvance(contributor);
    const cases: [Parameters<typeof draft>[1], string][] = [
      [{ networks: ['dimo', null] }, '1 of your captures in the draft did not come in through network dimo'],
      [{ licence: 'research-only' }, 'licence research-only is not among commercial-ai-training'],
      [{ shareBps: 1_999 }, 'your share 19.99% is below its minimum 20.00%'],
      [{ priceUsdCents: 9_999 }, 'the price USD 99.99 is below its minimum USD 100.00'],
    ];
    for (const [options, why] of cases) {
      const terms = await draft(contributor, options);
      expect((await clearance.waitingFor(terms))[0].reason).toContain(why);
      expect(await refusal(terms)).toContain(why);
      expect(await records(terms.datasetId)).toEqual([]);
    }
    // Uses beyond the grant's scope, and another curator than the grant's.
    const narrow = await s.user(Role.CONTRIBUTOR);
    await grantInAdvance(narrow, { scope: { permittedUses: { ...ALL_USES, derivativeMaps: false }, territory: ['SI', 'HR'] } });
    const reasons = (await clearance.waitingFor(await draft(narrow)))[0].reason;
    expect(reasons).toContain('the licence sells derivative maps, beyond its scope');
    expect(reasons).toContain('the licence is sold in WORLD, beyond its scope');
    const curated = await s.user(Role.CONTRIBUTOR);
    await grantInAdvance(curated, { network: null, curatorId: curator.id });
    expect(await clearance.waitingFor(await draft(curated, { networks: [null] }))).toEqual([]);
    expect((await clearance.waitingFor(await draft(curated, { networks: [null], owner: otherCurator })))[0].reason).toContain(
      `it covers datasets curated by ${curator.id}, not this curator`,
    );
  });

  it('a decline, a withdrawal or a takedown for the dataset wins; revoked and expired grants count for nothing', async () => {
    const contributor = await s.user(Role.CONTRIBUTOR);
    const advance = await grantInAdvance(contributor);
    for (const kind of ['decline', 'withdrawal', 'takedown'] as const) {
      const terms = await draft(contributor);
      const captureIds = terms.contributors[0].captureIds;
      await s.sql(
        `INSERT INTO consent_records (id, dataset_id, contributor_id, kind, capture_ids, fields, reason, hash, custody_seq, created_at)
         VALUES ($1, $2, $3, $4, $5, '{}', 'No.', $6, 1, now())`,
        [
          randomUUID(),
          terms.datasetId,
          contributor.id,
          kind,
          kind === 'decline' ? captureIds : captureIds.slice(0, 1),
          randomBytes(32).toString('hex'),
        ],
      );
      const reason = (await clearance.waitingFor(terms))[0].reason;
      expect(reason).not.toContain('advance grant');
      await refusal(terms);
    }

    await dataSource.transaction(async (manager) => {
      await s.get(AdvanceGrantRepository).insertRevocation(manager, revocation(contributor, advance));
    });
    expect((await clearance.waitingFor(await draft(contributor)))[0].reason).toBe('has not answered yet');

    const later = await s.user(Role.CONTRIBUTOR);
    await grantInAdvance(later, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const terms = await draft(later);
    expect(await clearance.waitingFor(terms)).toEqual([]);
    expect((await clearance.waitingFor(terms, undefined, new Date(Date.now() + 120_000)))[0].reason).toBe('has not answered yet');
  });

  it('a revocation waits for a clearance that holds the grant; the draft cleared then keeps its grant', async () => {
    const contributor = await s.user(Role.CONTRIBUTOR);
    const advance = await grantInAdvance(contributor);
    const terms = await draft(contributor);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    let revokedAt: number | null = null;
    try {
      await clearance.assertCleared(terms, runner.manager);
      const repository = s.get(AdvanceGrantRepository);
      const revoking = dataSource
        .transaction(async (manager) => {
          const locked = await repository.lockOwned(manager, contributor.id, advance.id);
          expect(locked?.id).toBe(advance.id);
          await repository.insertRevocation(manager, revocation(contributor, advance));
        })
        .then(() => {
          revokedAt = Date.now();
        });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(revokedAt).toBeNull();
      const committedAt = Date.now();
      await runner.commitTransaction();
      await revoking;
      expect(revokedAt).not.toBeNull();
      expect(revokedAt).toBeGreaterThanOrEqual(committedAt);
    } finally {
      await runner.release();
    }
    expect(await records(terms.datasetId)).toEqual([expect.objectContaining({ method: 'advance' })]);
    expect(await clearance.waitingFor(terms)).toEqual([]);
    expect((await clearance.waitingFor(await draft(contributor)))[0].reason).toBe('has not answered yet');
  });

  it('checks a wallet grant against the signer it names', async () => {
    const wallet = testWallet();
    const dto = Object.assign(new AdvanceGrantFieldsDto(), fields());
    const signature = wallet.sign(advanceGrantMessage(fields(), wallet.address));
    await expect(ledger.check(dto, 'wallet', wallet.address, signature)).rejects.toMatchObject({ code: ConsentErrorCode.BAD_SIGNATURE });
    const checked = await ledger.check(dto, 'wallet', wallet.address, wallet.sign(advanceGrantMessage(dto, wallet.address)));
    expect(checked.message).toContain(`Signer: ${wallet.address}`);
    await expect(ledger.check(dto, 'wallet', testWallet().address, wallet.sign(advanceGrantMessage(dto, wallet.address)))).rejects.toMatchObject({
      code: ConsentErrorCode.BAD_SIGNATURE,
    });
  });
});
