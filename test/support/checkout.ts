import { readFileSync } from 'node:fs';
import { type Address, type Instruction, type TransactionSigner, generateKeyPairSigner } from '@solana/kit';
import { getCreateAccountInstruction } from '@solana-program/system';
import {
  TOKEN_PROGRAM_ADDRESS,
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstruction,
  getInitializeMint2Instruction,
  getMintSize,
  getMintToCheckedInstruction,
} from '@solana-program/token';
import type { DatasetResponse } from '../../src/catalog/dto/dataset.response.js';
import type { ManifestResponse } from '../../src/catalog/dto/manifest.response.js';
import type { LedgerReceipt } from '../../src/chain/solana-ledger.port.js';
import type { LiteSvmLedger } from '../../src/chain/litesvm.ledger.js';
import { CheckoutJobsService } from '../../src/checkout/services/checkout-jobs.service.js';
import type { OrderResponse } from '../../src/checkout/dto/order.response.js';
import { readyCapture } from './captures.js';
import { samplePath } from './samples.js';
import { grantAll } from './consent.js';
import { csvTelemetry, nmeaLog } from './fixtures.js';
import type { FakeStripe } from './fake-stripe.js';
import { startTestApp, type TestApp } from './test-app.js';

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

interface SignedIn {
  accessToken: string;
}

export async function signUp(t: TestApp, email: string, role: 'buyer' | 'contributor'): Promise<string> {
  return ((await t.http().post('/v1/auth/register').send({ email, password: 'a-long-password', role }).expect(201)).body as SignedIn).accessToken;
}

export async function logIn(t: TestApp, email: string, password: string): Promise<string> {
  return ((await t.http().post('/v1/auth/login').send({ email, password }).expect(200)).body as SignedIn).accessToken;
}

/** Posts a Stripe event to the webhook as Stripe does: the exact payload bytes with a Stripe-Signature header. */
export function deliverStripeEvent(t: TestApp, stripe: FakeStripe, payload: string, signature = stripe.sign(payload)) {
  return t.http().post('/v1/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(payload);
}

/** The first admin of apps started by startStripeTestApp. */
export const TEST_ADMIN = { email: 'root@marketplace.test', password: 'correct-horse-battery' } as const;

/**
 * The app with Stripe configured against the local fake (started here) and a first admin; returns the app and the
 * admin's token. Sign-in rate limits are raised, since a spec signs many users up.
 */
export async function startStripeTestApp(stripe: FakeStripe, env: Record<string, string> = {}): Promise<{ t: TestApp; admin: string }> {
  const apiUrl = await stripe.start();
  const t = await startTestApp({
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    AUTH_RATE_LIMIT: '1000',
    STRIPE_SECRET_KEY: 'sk_test_marketplace',
    STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    STRIPE_API_URL: apiUrl,
    ...env,
  });
  return { t, admin: await logIn(t, TEST_ADMIN.email, TEST_ADMIN.password) };
}

export interface PublishedDataset {
  datasetId: string;
  version: number;
  merkleRoot: string;
  files: { path: string; sizeBytes: number; sha256: string }[];
}

/** Uploads a GNSS log and a CAN telemetry file (`seed` makes their bytes unique) and waits until both are ready; answers their ids. */
export async function readyCaptures(t: TestApp, contributor: string, seed: number): Promise<string[]> {
  const captureIds: string[] = [];
  for (const [bytes, filename] of [
    [nmeaLog(20 + seed), `drive-${seed}.nmea`],
    [csvTelemetry(40 + seed), `can-${seed}.csv`],
  ] as const) {
    captureIds.push((await readyCapture(t, contributor, bytes, filename)).id);
  }
  return captureIds;
}

/** Uploads two captures, makes a dataset of them under the licence, and has the admin approve it: listed for sale. */
export async function publishDataset(
  t: TestApp,
  tokens: { contributor: string; admin: string },
  options: { title: string; licenceSlug: string; priceUsdCents: number; seed: number },
): Promise<PublishedDataset> {
  const captureIds = await readyCaptures(t, tokens.contributor, options.seed);
  return publishCaptures(t, tokens, { ...options, description: 'GNSS fixes and CAN telemetry for checkout tests.', captureIds });
}

/** Makes a dataset of ready captures under the licence (all declarations made), submits it and has the admin approve it. */
export async function publishCaptures(
  t: TestApp,
  tokens: { contributor: string; admin: string },
  options: {
    title: string;
    description: string;
    licenceSlug: string;
    priceUsdCents: number;
    captureIds: string[];
    /** Per-unit prices for slices; null or left out: sold whole only. */
    unitPrices?: Record<string, number> | null;
  },
): Promise<PublishedDataset> {
  const licences = (await t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string }[];
  const licence = licences.find((l) => l.slug === options.licenceSlug);
  if (!licence) throw new Error(`no licence ${options.licenceSlug}`);
  const draft = await t
    .http()
    .post('/v1/datasets')
    .set(auth(tokens.contributor))
    .send({
      title: options.title,
      description: options.description,
      tags: ['gnss'],
      captureIds: options.captureIds,
      licenceTemplateId: licence.id,
      priceUsdCents: options.priceUsdCents,
      unitPrices: options.unitPrices,
      declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
    })
    .expect(201);
  const datasetId = (draft.body as DatasetResponse).id;
  await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(tokens.contributor)).expect(200);
  return publishedVersion(t, tokens.admin, datasetId);
}

/** Edits a published dataset (e.g. only its title), submits the edit and has the admin approve it: the next version. */
export async function publishEdit(
  t: TestApp,
  tokens: { contributor: string; admin: string },
  datasetId: string,
  edit: Record<string, unknown>,
): Promise<PublishedDataset> {
  await t.http().patch(`/v1/datasets/${datasetId}`).set(auth(tokens.contributor)).send(edit).expect(200);
  await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(tokens.contributor)).expect(200);
  return publishedVersion(t, tokens.admin, datasetId);
}

async function publishedVersion(t: TestApp, admin: string, datasetId: string): Promise<PublishedDataset> {
  const approved = (await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200)).body as DatasetResponse;
  const version = approved.latestVersion;
  if (version === null) throw new Error(`dataset ${datasetId} has no published version`);
  const manifest = (await t.http().get(`/v1/datasets/${datasetId}/versions/${version}/manifest`).expect(200)).body as ManifestResponse;
  return {
    datasetId,
    version,
    merkleRoot: manifest.merkleRoot,
    files: manifest.files.map((f) => ({ path: f.path, sizeBytes: f.sizeBytes, sha256: f.sha256 })),
  };
}

/** Polls GET /v1/orders/:id until `done` holds for it. */
export async function orderWhen(
  t: TestApp,
  token: string,
  id: string,
  done: (order: OrderResponse) => boolean,
  timeoutMs = 30_000,
): Promise<OrderResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const order = (await t.http().get(`/v1/orders/${id}`).set(auth(token)).expect(200)).body as OrderResponse;
    if (done(order)) return order;
    if (Date.now() > deadline) throw new Error(`order ${id} did not get there in ${timeoutMs} ms: ${JSON.stringify(order)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs the order expiry sweep now instead of at its next scheduled slot. */
export async function sweepExpiredOrdersNow(t: TestApp): Promise<void> {
  await t.app.get(CheckoutJobsService).expireDueOrders();
}

type Execute = (instructions: readonly Instruction[], feePayer?: TransactionSigner) => Promise<LedgerReceipt>;

/**
 * A second SPL mint on the embedded ledger, with `amount` base units in the demo buyer's account and a token account
 * for the treasury, so a payment can be made in the wrong token. The ledger port has no way to make a mint, so this
 * test helper uses the adapter's own transaction path.
 */
export async function fundOtherMint(ledger: LiteSvmLedger, amount: bigint): Promise<Address> {
  const execute = (ledger as unknown as { execute: Execute }).execute.bind(ledger);
  const authority = await generateKeyPairSigner();
  const mint = await generateKeyPairSigner();
  ledger.airdropSol(authority.address, 1_000_000_000n);
  const space = getMintSize();
  // Rent exemption on Solana: (bytes + 128) x 6,960 lamports.
  const rent = BigInt((space + 128) * 6_960);
  const [buyerAccount] = await findAssociatedTokenPda({ owner: ledger.demoBuyerAddress, mint: mint.address, tokenProgram: TOKEN_PROGRAM_ADDRESS });
  const [treasuryAccount] = await findAssociatedTokenPda({ owner: ledger.treasuryAddress, mint: mint.address, tokenProgram: TOKEN_PROGRAM_ADDRESS });
  await execute(
    [
      getCreateAccountInstruction({ payer: authority, newAccount: mint, lamports: rent, space, programAddress: TOKEN_PROGRAM_ADDRESS }),
      getInitializeMint2Instruction({ mint: mint.address, decimals: 6, mintAuthority: authority.address }),
      getCreateAssociatedTokenIdempotentInstruction({ payer: authority, ata: buyerAccount, owner: ledger.demoBuyerAddress, mint: mint.address }),
      getCreateAssociatedTokenIdempotentInstruction({ payer: authority, ata: treasuryAccount, owner: ledger.treasuryAddress, mint: mint.address }),
      getMintToCheckedInstruction({ mint: mint.address, token: buyerAccount, mintAuthority: authority, amount, decimals: 6 }),
    ],
    authority,
  );
  return mint.address;
}

/**
 * An admin curates a dataset of other contributors' captures, sold whole ($100) or by unit prices (issue 13), under the
 * commercial AI training licence; each contributor (by token) grants consent, and it is listed through the real review;
 * answers its id.
 */
export async function listCurated(
  t: TestApp,
  admin: string,
  options: { title: string; captureIds: string[]; unitPrices: Record<string, number>; contributors: string[] },
): Promise<string> {
  return publishCurated(t, admin, {
    ...options,
    description: 'Real tracks from real files, sold whole or in slices.',
    licenceSlug: 'commercial-ai-training',
    priceUsdCents: 10_000,
  });
}

/**
 * The slice journeys' dataset, from the real samples: Alice's GPX around Lake Cerknica and Bob's NMEA drive near
 * Waikato, curated by the admin with per-km prices (listCurated). Signs both contributors up; answers the dataset and
 * the captures with their owners' tokens.
 */
export async function listLakeAndWaikato(
  t: TestApp,
  admin: string,
): Promise<{ datasetId: string; alice: string; bob: string; gpxId: string; nmeaId: string }> {
  const alice = await signUp(t, 'alice@example.com', 'contributor');
  const bob = await signUp(t, 'bob@example.com', 'contributor');
  const gpx = await readyCapture(t, alice, readFileSync(samplePath('cerknicko-jezero.gpx')), 'cerknicko-jezero.gpx');
  const nmea = await readyCapture(t, bob, readFileSync(samplePath('bu353s4.log')), 'bu353s4.log');
  const datasetId = await listCurated(t, admin, {
    title: 'Lake Cerknica and a Waikato drive',
    captureIds: [gpx.id, nmea.id],
    unitPrices: { perKmUsdCents: 150, minimumUsdCents: 50 },
    contributors: [alice, bob],
  });
  return { datasetId, alice, bob, gpxId: gpx.id, nmeaId: nmea.id };
}

/**
 * An admin curates a dataset of other contributors' captures under the licence; each contributor (by token) grants
 * consent with their session, and it is submitted and approved: listed. Answers its id.
 */
export async function publishCurated(
  t: TestApp,
  admin: string,
  options: {
    title: string;
    description: string;
    captureIds: string[];
    licenceSlug: string;
    priceUsdCents: number;
    unitPrices?: Record<string, number>;
    contributors: string[];
  },
): Promise<string> {
  const licences = (await t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string }[];
  const draft = (
    await t
      .http()
      .post('/v1/datasets')
      .set(auth(admin))
      .send({
        title: options.title,
        description: options.description,
        captureIds: options.captureIds,
        licenceTemplateId: licences.find((l) => l.slug === options.licenceSlug)?.id,
        priceUsdCents: options.priceUsdCents,
        unitPrices: options.unitPrices,
        declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
      })
      .expect(201)
  ).body as DatasetResponse;
  await grantAll(t, options.contributors, draft.id);
  await t.http().post(`/v1/datasets/${draft.id}/submit`).set(auth(admin)).expect(200);
  await t.http().post(`/v1/admin/datasets/${draft.id}/approve`).set(auth(admin)).send({}).expect(200);
  return draft.id;
}
