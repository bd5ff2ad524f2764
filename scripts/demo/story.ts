/**
 * The marketplace's whole story, told over its public HTTP API only: contributors upload and a network pushes
 * captures, an admin curates and approves a dataset, one buyer pays in USDC on the ledger and another by card, both
 * download and check what they got, the split lands on-chain and a contributor verifies their share.
 * `npm run demo` runs it against a freshly started service (scripts/demo/main.ts); test/demo.e2e-spec.ts runs it in
 * the test suite so it cannot silently rot.
 */
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { getBase58Encoder } from '@solana/kit';
import type { AuthTokenResponse } from '../../src/auth/dto/user.response.js';
import type { WalletChallengeResponse } from '../../src/auth/dto/wallet.dto.js';
import type { DatasetResponse } from '../../src/catalog/dto/dataset.response.js';
import type { ManifestResponse } from '../../src/catalog/dto/manifest.response.js';
import type { ProvenanceResponse } from '../../src/catalog/dto/provenance.response.js';
import type { ReviewQueueItem } from '../../src/catalog/dto/review.response.js';
import type { ChainMemoResponse } from '../../src/chain/dto/chain-memo.dto.js';
import type { DevPaymentResponse } from '../../src/chain/dto/dev-payment.dto.js';
import type { CertificateResponse, DownloadsResponse, PlatformKeysResponse } from '../../src/checkout/dto/fulfilment.response.js';
import type { OrderResponse } from '../../src/checkout/dto/order.response.js';
import type { LicenceCertificate } from '../../src/checkout/licence-certificate.js';
import type { CaptureResponse, CreatedCaptureResponse } from '../../src/ingestion/dto/capture.response.js';
import type { NetworkBatchResponse } from '../../src/ingestion/dto/network.dto.js';
import type { ConsentRecordResponse, ConsentRequestResponse } from '../../src/consent/dto/consent.response.js';
import type { LicenceTemplateResponse } from '../../src/licensing/dto/licence.dto.js';
import type { PayoutRunResponse } from '../../src/revenue/dto/payout-run.response.js';
import type { EarningResponse, SplitResponse } from '../../src/revenue/dto/split.response.js';
import type { FakeStripe } from '../../test/support/fake-stripe.js';
import { testWallet } from '../../test/support/wallet.js';
import { ApiClient, type Json } from './api-client.js';
import { type DemoFile, networkFiles, repoRoot, uploadFiles } from './samples.js';
import type { Steps } from './steps.js';

export interface DemoTarget {
  /** Base URL of the running service; the links it hands out (PUBLIC_URL) must reach it too. */
  api: string;
  /** The service's DATA_DIR: with local storage, the network's staging area is a folder of its object store there. */
  dataDir: string;
  /** The first admin (ADMIN_EMAIL / ADMIN_PASSWORD of the service). */
  admin: { email: string; password: string };
  /** The Stripe stand-in the service's STRIPE_API_URL points at; it also signs the test webhook. */
  stripe: FakeStripe;
}

export interface DemoSummary {
  datasetId: string;
  version: number;
  merkleRoot: string;
  anchorSignature: string;
  captures: number;
  usdcOrder: { id: string; paymentSignature: string; splitSignature: string };
  cardOrder: { id: string; checkoutSession: string; splitSignature: string };
  verifiedShares: { currency: string; amount: string; leaf: string }[];
  payouts: { payee: string; destination: string | null; currency: string; amount: string; status: string; txSignature: string | null }[];
  /** The password sign-ins the story used (the wallet contributor signs in with its key only). */
  accounts: { role: 'admin' | 'contributor' | 'buyer'; email: string; password: string }[];
  /** Both paid orders with the email of the buyer who owns each. */
  orders: { id: string; buyer: string }[];
}

const PRICE_USD_CENTS = 12_000;
const PASSWORD = 'demo-password-123';
const ACCOUNTS = { ana: 'ana@demo.example', buyerA: 'buyer-usdc@demo.example', buyerB: 'buyer-card@demo.example' };
const sha256 = (bytes: Buffer | Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export const money = (amount: string, currency: string) =>
  currency === 'USDC' ? `${(Number(amount) / 1e6).toFixed(6)} USDC` : `$${(Number(amount) / 100).toFixed(2)}`;

/** `value`, or an error saying which part of an answer was missing. */
function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`the answer has no ${what}`);
  return value;
}

export async function runStory(target: DemoTarget, steps: Steps): Promise<DemoSummary> {
  const root = repoRoot();
  const api = new ApiClient(target.api);
  const contributor = testWallet(); // the wallet contributor's Solana key
  const network = testWallet(); // the network's batch-signing key

  const tokens = await steps.run('sign in: an admin, a contributor by email, a contributor by Solana wallet, two buyers', async (say) => {
    const admin = (await api.call<Json<AuthTokenResponse>>('POST', '/v1/auth/login', { body: target.admin, expect: 200 })).accessToken;
    say(`admin ${target.admin.email} logged in`);
    const register = async (email: string, role: 'buyer' | 'contributor') => {
      const session = await api.call<Json<AuthTokenResponse>>('POST', '/v1/auth/register', {
        body: { email, password: PASSWORD, role },
        expect: 201,
      });
      say(`${role} ${email} registered (user ${session.user.id})`);
      return { token: session.accessToken, id: session.user.id };
    };
    const ana = await register(ACCOUNTS.ana, 'contributor');
    const challenge = await api.call<Json<WalletChallengeResponse>>('POST', '/v1/auth/wallet/challenge', {
      body: { address: contributor.address },
      expect: 200,
    });
    const signedIn = await api.call<Json<AuthTokenResponse>>('POST', '/v1/auth/wallet/verify', {
      body: { address: contributor.address, message: challenge.message, signature: contributor.sign(challenge.message), role: 'contributor' },
      expect: 200,
    });
    say(`contributor signed in with wallet ${contributor.address}: signed the challenge with its Ed25519 key (user ${signedIn.user.id})`);
    const bo = { token: signedIn.accessToken, id: signedIn.user.id };
    const buyerA = await register(ACCOUNTS.buyerA, 'buyer');
    const buyerB = await register(ACCOUNTS.buyerB, 'buyer');
    return { admin, ana, bo, buyerA, buyerB };
  });

  const uploaded = await steps.run('contributor uploads real sample captures (multipart: create, PUT parts, complete)', async (say) => {
    const ids: string[] = [];
    for (const file of uploadFiles(root)) {
      const id = await uploadCapture(api, tokens.ana.token, file);
      say(`${file.modality.padEnd(10)} ${file.filename} (${file.bytes.length.toLocaleString('en')} bytes, ${file.source}) -> capture ${id}`);
      ids.push(id);
    }
    return ids;
  });

  await steps.run('the service processes them: size, SHA-256, format sniffed from the bytes, facts extracted', async (say) => {
    for (const id of uploaded) say(describeCapture(await processed(api, tokens.ana.token, id)));
  });

  const batch = await steps.run('a network (DIMO) pushes a signed batch crediting the wallet contributor', async (say) => {
    await api.call('POST', '/v1/admin/networks', {
      token: tokens.admin,
      body: { slug: 'dimo', name: 'DIMO', publicKey: network.address },
      expect: 201,
    });
    say(`admin registered network dimo with its Ed25519 key ${network.address}`);
    const items = networkFiles(root).map((file, index) => {
      // The network writes into its staging area of the object store; with local storage that is a folder in DATA_DIR.
      const objectKey = `staging/dimo/demo-batch-1/${file.filename}`;
      const path = join(target.dataDir, 'objects', ...objectKey.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.bytes);
      say(`staged ${objectKey} (${file.bytes.length.toLocaleString('en')} bytes, ${file.source})`);
      const facts = { sha256: sha256(file.bytes), sizeBytes: file.bytes.length, deviceId: 'vin-demo-0001', modality: file.modality };
      return { externalId: `trip-${index + 1}`, contributorWallet: contributor.address, objectKey, ...facts };
    });
    const body = JSON.stringify({ batchId: 'demo-batch-1', items });
    const headers = { 'content-type': 'application/json', 'x-network-signature': network.sign(body) };
    const answer = await api.call<Json<NetworkBatchResponse>>('POST', '/v1/networks/dimo/batches', { rawBody: body, headers, expect: 200 });
    if (answer.accepted !== items.length) throw new Error(`the batch was not fully accepted: ${JSON.stringify(answer)}`);
    say(`batch signed over its exact bytes: accepted ${answer.accepted}, duplicates ${answer.duplicates}, rejected ${answer.rejected.length}`);
    for (const id of answer.captureIds) say(describeCapture(await processed(api, tokens.bo.token, id)));
    return answer.captureIds;
  });

  const dataset = await steps.run('an admin curates a dataset of both contributors’ captures; both consent; the admin submits it', async (say) => {
    const licences = await api.get<Json<LicenceTemplateResponse>[]>('/v1/licences');
    const licence = licences.find((l) => l.slug === 'commercial-ai-training') ?? licences[0];
    const draft = await api.call<Json<DatasetResponse>>('POST', '/v1/datasets', {
      token: tokens.admin,
      expect: 201,
      body: {
        title: 'Ljubljana and Munich drives: video, LiDAR, telemetry and GNSS',
        description: 'A multimodal demo dataset: a GoPro drive, a point cloud scan, vehicle telemetry and GNSS logs, with DIMO network trips.',
        tags: ['demo', 'dashcam', 'lidar', 'gnss'],
        captureIds: [...uploaded, ...batch],
        sampleCaptureIds: uploaded.slice(0, 2),
        licenceTemplateId: licence.id,
        priceUsdCents: PRICE_USD_CENTS,
        declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
        splitPolicy: {
          weighting: 'explicit',
          curatorBps: 0,
          explicitBps: [
            { contributorId: tokens.ana.id, bps: 6000 },
            { contributorId: tokens.bo.id, bps: 4000 },
          ],
        },
      },
    });
    say(
      `draft ${draft.id}: ${uploaded.length + batch.length} captures, licence "${licence.name}", $${(PRICE_USD_CENTS / 100).toFixed(2)}, split 60/40 between the contributors`,
    );
    // The draft waits for both contributors: Ana grants with her session, Bo signs the consent message with his wallet.
    for (const [name, who, wallet] of [
      ['Ana', tokens.ana, null],
      ['Bo', tokens.bo, contributor],
    ] as const) {
      const request = await api.get<Json<ConsentRequestResponse>>(`/v1/datasets/${draft.id}/consent-request`, who.token);
      const signed =
        wallet && request.walletMessage
          ? { method: 'wallet', address: wallet.address, signature: wallet.sign(request.walletMessage) }
          : { method: 'session' };
      const grant = await api.call<Json<ConsentRecordResponse>>('POST', `/v1/datasets/${draft.id}/consent/grants`, {
        token: who.token,
        expect: 201,
        body: { grant: request.grant, ...signed },
      });
      say(
        `${name} granted (${grant.method}) for ${request.captureIds.length} captures at ${request.shareBps / 100}% of the pool: grant ${grant.hash.slice(0, 16)}…, custody entry ${grant.custodySeq}`,
      );
    }
    await api.call('POST', `/v1/datasets/${draft.id}/submit`, { token: tokens.admin, expect: 200 });
    const queue = await api.get<Json<ReviewQueueItem>[]>('/v1/admin/reviews', tokens.admin);
    const queued = queue.find((entry) => entry.dataset.id === draft.id);
    if (!queued) throw new Error(`dataset ${draft.id} is not in the review queue`);
    const owners = new Set(queued.captures.map((c) => c.ownerId)).size;
    const networked = queued.captures.filter((c) => c.network).length;
    say(
      `submitted: declarations complete; in the review queue with ${queued.captureCount} captures from ${owners} contributors (${networked} via a network)`,
    );
    return draft.id;
  });

  const published = await steps.run('the admin approves: version 1 is frozen, published and its Merkle root anchored on-chain', async (say) => {
    const approved = await api.call<Json<DatasetResponse>>('POST', `/v1/admin/datasets/${dataset}/approve`, {
      token: tokens.admin,
      body: { note: 'declarations and licence checked' },
      expect: 200,
    });
    const version = present(approved.latestVersion, 'latest version after approval');
    const manifest = await api.get<Json<ManifestResponse>>(`/v1/datasets/${dataset}/versions/${version}/manifest`);
    say(`version ${version}: ${manifest.files.length} files, Merkle root ${manifest.merkleRoot}`);
    const provenance = await api.until(
      'the anchor of version 1',
      () => api.get<Json<ProvenanceResponse>>(`/v1/datasets/${dataset}/provenance`),
      (p) => p.versions.some((v) => v.version === version && v.anchor?.signature),
    );
    const anchor = present(provenance.versions.find((v) => v.version === version)?.anchor, `anchor of version ${version}`);
    const anchorSignature = present(anchor.signature, 'anchor signature');
    const memo = (await api.get<Json<ChainMemoResponse>>(`/v1/chain/memos/${anchorSignature}`)).memo;
    if (memo !== `mkt:v1:anchor:${dataset}:${version}:${manifest.merkleRoot}`)
      throw new Error(`the anchor memo ${memo} does not record the root ${manifest.merkleRoot}`);
    if (!provenance.custody.verification.ok) throw new Error(`the custody log does not verify: ${JSON.stringify(provenance.custody.verification)}`);
    say(`anchored in ${anchorSignature} (${anchor.cluster ?? '?'}, slot ${anchor.slot ?? '?'}); memo read back from the ledger: ${memo}`);
    say(`custody log: ${provenance.custody.verification.entries} hash-chained entries, verified`);
    return {
      version,
      merkleRoot: manifest.merkleRoot,
      anchorSignature,
      files: manifest.files,
    };
  });

  const usdc = await steps.run('buyer A pays in USDC with Solana Pay on the local ledger', async (say) => {
    const order = await api.call<Json<OrderResponse>>('POST', '/v1/orders', {
      token: tokens.buyerA.token,
      body: { datasetId: dataset, paymentMethod: 'solana' },
      expect: 201,
    });
    const solanaPay = present(order.solanaPay, 'Solana Pay request for a USDC order');
    say(`order ${order.id}: ${order.amount.minor / 1e6} USDC to ${solanaPay.recipient}`);
    say(`Solana Pay URL ${solanaPay.url}`);
    const { signature } = await api.call<Json<DevPaymentResponse>>('POST', '/v1/dev/solana/pay', { body: { url: solanaPay.url }, expect: 200 });
    say(`paid from the embedded demo wallet: transaction ${signature}`);
    await api.call('POST', `/v1/orders/${order.id}/confirm-solana`, { token: tokens.buyerA.token, body: { signature }, expect: 200 });
    const paid = await api.until(
      'the USDC order paid',
      () => api.get<Json<OrderResponse>>(`/v1/orders/${order.id}`, tokens.buyerA.token),
      (o) => o.status === 'paid' || o.status === 'fulfilled',
    );
    say(`confirmed: recipient, amount, mint, reference and memo validated; order ${paid.status}`);
    return {
      id: order.id,
      paymentSignature: signature,
      recipient: solanaPay.recipient,
      mint: solanaPay.splToken,
    };
  });

  const card = await steps.run('buyer B pays by card: Stripe Checkout, then Stripe’s signed webhook', async (say) => {
    const order = await api.call<Json<OrderResponse>>('POST', '/v1/orders', {
      token: tokens.buyerB.token,
      body: { datasetId: dataset, paymentMethod: 'card' },
      expect: 201,
    });
    const checkout = present(order.stripe, 'Stripe Checkout Session for a card order');
    say(`order ${order.id}: $${(order.amount.minor / 100).toFixed(2)}, Checkout Session ${checkout.sessionId} (${checkout.checkoutUrl})`);
    const { payload } = target.stripe.event('checkout.session.completed', target.stripe.sessionObject(checkout.sessionId));
    const signature = target.stripe.sign(payload); // stripe.webhooks.generateTestHeaderString, the real stripe library
    const answer = await api.call('POST', '/v1/webhooks/stripe', {
      rawBody: payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      expect: 200,
    });
    say(`webhook checkout.session.completed delivered with Stripe-Signature ${signature.slice(0, 24)}...: ${JSON.stringify(answer)}`);
    const paid = await api.until(
      'the card order paid',
      () => api.get<Json<OrderResponse>>(`/v1/orders/${order.id}`, tokens.buyerB.token),
      (o) => o.status === 'paid' || o.status === 'fulfilled',
    );
    say(`order ${paid.status}`);
    return { id: order.id, checkoutSession: checkout.sessionId };
  });

  await steps.run('both buyers download every file and check it; the licence certificates verify offline', async (say) => {
    const keys = await api.get<Json<PlatformKeysResponse>>('/v1/platform/keys');
    for (const [label, token, orderId] of [
      ['buyer A', tokens.buyerA.token, usdc.id],
      ['buyer B', tokens.buyerB.token, card.id],
    ] as const) {
      const { files } = await api.get<Json<DownloadsResponse>>(`/v1/orders/${orderId}/downloads`, token);
      const saved: string[] = [];
      for (const file of files) {
        const response = await fetch(file.url);
        if (!response.ok) throw new Error(`${label}: downloading ${file.path} answered ${response.status}`);
        const bytes = Buffer.from(await response.arrayBuffer());
        if (bytes.length !== file.sizeBytes || sha256(bytes) !== file.sha256)
          throw new Error(`${label}: ${file.path} does not match its size and SHA-256`);
        if (!published.files.some((f) => f.path === file.path && f.sha256 === file.sha256))
          throw new Error(`${label}: ${file.path} is not in the manifest`);
        const path = join(target.dataDir, 'downloads', orderId, ...file.path.split('/'));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, bytes);
        saved.push(path);
      }
      say(`${label}: ${files.length} files downloaded, sizes and SHA-256 match the manifest`);
      const certificate = await api.get<Json<CertificateResponse>>(`/v1/orders/${orderId}/certificate`, token);
      if (certificate.publicKey !== keys.publicKey || !verifyCertificate(certificate))
        throw new Error(`${label}: the licence certificate does not verify`);
      // The payload's signature verified just above: these are the platform's own claims, in its certificate format.
      const claims = JSON.parse(certificate.payload) as LicenceCertificate;
      if (claims.orderId !== orderId || claims.dataset.id !== dataset || claims.dataset.merkleRoot !== published.merkleRoot) {
        throw new Error(`${label}: the certificate names another order or dataset: ${certificate.payload}`);
      }
      say(`${label}: licence certificate verifies offline against the platform key ${keys.publicKey} (Ed25519)`);
      const validity = claims.licence.validUntil ? `valid until ${claims.licence.validUntil}` : 'perpetual';
      const paid = `${money(claims.price.amount, claims.price.currency)} by ${claims.payment.method} (${claims.payment.reference.slice(0, 20)}…)`;
      say(
        `${label}: "${claims.licence.name}" for version ${claims.dataset.version} (root ${claims.dataset.merkleRoot.slice(0, 16)}…), ${validity}, paid ${paid}`,
      );
      if (label === 'buyer A') {
        // The standalone verifier: each file against the manifest, its Merkle proof and the anchored root on the ledger.
        const args = ['--api', target.api, '--dataset', dataset, '--version', String(published.version), ...saved];
        const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'scripts/verify-download.mjs'), ...args]);
        say(`${label}: scripts/verify-download.mjs: ${stdout.trim().split('\n').length} checks passed against the on-chain anchor`);
      }
    }
  });

  const splits = await steps.run('each sale’s split is recorded on-chain (one memo per sale)', async (say) => {
    const recorded: Record<string, string> = {};
    for (const [label, orderId] of [
      ['USDC sale', usdc.id],
      ['card sale', card.id],
    ] as const) {
      const split = await api.until(
        `the split of ${label}`,
        () => api.get<Json<SplitResponse>>(`/v1/orders/${orderId}/split`, tokens.admin),
        (s) => !!s.txSignature,
      );
      const txSignature = present(split.txSignature, `transaction of the split of ${label}`);
      const memo = (await api.get<Json<ChainMemoResponse>>(`/v1/chain/memos/${txSignature}`)).memo;
      if (memo !== `mkt:v1:split:${split.id}:${split.merkleRoot}`) throw new Error(`the split memo ${memo} does not record split ${split.id}`);
      const rows = split.rows.map((r) => `${r.role} ${r.payee.slice(0, 12)}… ${money(r.amount, split.currency)}`).join(', ');
      say(`${label}: gross ${money(split.gross, split.currency)} -> ${rows}`);
      say(`${label}: root ${split.merkleRoot} recorded in ${txSignature}`);
      recorded[orderId] = txSignature;
    }
    return recorded;
  });

  const verifiedShares = await steps.run('the wallet contributor verifies their share against the memo read back from the chain', async (say) => {
    const earnings = await api.get<Json<EarningResponse>[]>('/v1/me/earnings', tokens.bo.token);
    if (earnings.length !== 2) throw new Error(`expected 2 earnings, got ${earnings.length}`);
    const verified: DemoSummary['verifiedShares'] = [];
    for (const earning of earnings) {
      if (!earning.leaf.includes(`|${contributor.address}|contributor|`))
        throw new Error(`the leaf ${earning.leaf} does not name the contributor's wallet`);
      const { stdout } = await promisify(execFile)(process.execPath, [
        join(root, 'scripts/verify-split.mjs'),
        `--api=${target.api}`,
        `--signature=${present(earning.txSignature, `transaction of split ${earning.splitId}`)}`,
        `--leaf=${earning.leaf}`,
        `--proof=${earning.proof.join(',')}`,
      ]);
      say(`${money(earning.amount, earning.currency)}: leaf ${earning.leaf}`);
      say(`scripts/verify-split.mjs: ${stdout.trim()}`);
      verified.push({ currency: earning.currency, amount: earning.amount, leaf: earning.leaf });
    }
    return verified;
  });

  const payouts = await steps.run('a payout run pays the contributors’ balances in USDC', async (say) => {
    // Card earnings are paid as USDC at par, but card money settles at Stripe in USD: the operator funds the treasury
    // with the card sale's contributor shares first. On the embedded ledger the demo wallet stands in for that transfer.
    const cardSplit = await api.get<Json<SplitResponse>>(`/v1/orders/${card.id}/split`, tokens.admin);
    const cardShares = cardSplit.rows.filter((r) => r.role !== 'platform').reduce((sum, r) => sum + Number(r.amount), 0);
    const topUp = `solana:${usdc.recipient}?amount=${(cardShares / 100).toFixed(2)}&spl-token=${usdc.mint}&memo=treasury-topup%3Acard-sales`;
    const funded = await api.call<Json<DevPaymentResponse>>('POST', '/v1/dev/solana/pay', { body: { url: topUp }, expect: 200 });
    say(`treasury funded with ${(cardShares / 100).toFixed(2)} USDC for the card sale’s contributor shares (transaction ${funded.signature})`);
    const anaWallet = testWallet().address;
    await api.call('PUT', '/v1/me/payout-method', { token: tokens.ana.token, body: { kind: 'usdc', wallet: anaWallet }, expect: 200 });
    say(`ana chose USDC payouts to ${anaWallet}; the wallet contributor is paid to their sign-in wallet`);
    const run = await api.call<Json<PayoutRunResponse>>('POST', '/v1/admin/payouts/run', { token: tokens.admin, expect: 200 });
    const names: Record<string, string> = { [tokens.ana.id]: 'ana', [tokens.bo.id]: 'wallet contributor' };
    say('one payout per contributor and payable: the USDC sale’s earnings, and the card sale’s (USD, paid as USDC at par)');
    for (const p of run.payouts) {
      const outcome = `${p.status}${p.txSignature ? ` in ${p.txSignature}` : ''}${p.reason ? ` (${p.reason})` : ''}`;
      say(`${names[p.payee] ?? p.payee}: ${money(p.amount, p.currency)} -> ${p.destination ?? 'no destination'}, ${outcome}`);
    }
    // Payouts are sent by a job, and booked when their transaction is confirmed: then every earning shows paid out.
    for (const signature of new Set(run.payouts.map((p) => p.txSignature).filter((s) => s !== null))) {
      say(
        `transaction ${signature.slice(0, 16)}… on the ledger, memo ${(await api.get<Json<ChainMemoResponse>>(`/v1/chain/memos/${signature}`)).memo}`,
      );
    }
    for (const [name, token] of [
      ['ana', tokens.ana.token],
      ['wallet contributor', tokens.bo.token],
    ] as const) {
      const earnings = await api.until(
        `${name}'s payouts confirmed`,
        () => api.get<Json<EarningResponse>[]>('/v1/me/earnings', token),
        (list) => list.every((e) => e.paidOut),
      );
      say(`${name}: all ${earnings.length} earnings paid out (transfers confirmed on the ledger)`);
    }
    return run.payouts;
  });

  return {
    datasetId: dataset,
    version: published.version,
    merkleRoot: published.merkleRoot,
    anchorSignature: published.anchorSignature,
    captures: uploaded.length + batch.length,
    usdcOrder: { id: usdc.id, paymentSignature: usdc.paymentSignature, splitSignature: splits[usdc.id] },
    cardOrder: { ...card, splitSignature: splits[card.id] },
    verifiedShares,
    payouts,
    accounts: [
      { role: 'admin', ...target.admin },
      { role: 'contributor', email: ACCOUNTS.ana, password: PASSWORD },
      { role: 'buyer', email: ACCOUNTS.buyerA, password: PASSWORD },
      { role: 'buyer', email: ACCOUNTS.buyerB, password: PASSWORD },
    ],
    orders: [
      { id: usdc.id, buyer: ACCOUNTS.buyerA },
      { id: card.id, buyer: ACCOUNTS.buyerB },
    ],
  };
}

async function uploadCapture(api: ApiClient, token: string, file: DemoFile): Promise<string> {
  const created = await api.call<Json<CreatedCaptureResponse>>('POST', '/v1/captures', {
    token,
    body: { filename: file.filename, sizeBytes: file.bytes.length, sha256: sha256(file.bytes), modality: file.modality },
    expect: 201,
  });
  const { partSizeBytes, parts } = created.upload;
  const done: { partNumber: number; etag: string }[] = [];
  for (const part of parts) {
    const body = file.bytes.subarray((part.partNumber - 1) * partSizeBytes, part.partNumber * partSizeBytes);
    const response = await fetch(part.url, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } });
    const etag = response.headers.get('etag');
    if (!response.ok || !etag) throw new Error(`part ${part.partNumber} of ${file.filename}: ${response.status} ${await response.text()}`);
    done.push({ partNumber: part.partNumber, etag });
  }
  await api.call('POST', `/v1/captures/${created.id}/complete`, { token, body: { parts: done }, expect: 200 });
  return created.id;
}

async function processed(api: ApiClient, token: string, id: string): Promise<Json<CaptureResponse>> {
  const capture = await api.until(
    `capture ${id} processed`,
    () => api.get<Json<CaptureResponse>>(`/v1/captures/${id}`, token),
    (c) => c.status === 'ready' || c.status === 'rejected',
  );
  if (capture.status !== 'ready') throw new Error(`capture ${id} was rejected: ${JSON.stringify(capture.rejection)}`);
  return capture;
}

function describeCapture(c: Json<CaptureResponse>): string {
  const facts = [`${c.format ?? '?'}/${c.modality ?? '?'}`];
  if (c.durationSeconds) facts.push(`${c.durationSeconds.toFixed(1)} s`);
  const { points, messageCount } = c.metadata ?? {};
  if (typeof points === 'number') facts.push(`${points.toLocaleString('en')} points`);
  if (typeof messageCount === 'number') facts.push(`${messageCount.toLocaleString('en')} messages`);
  if (c.bbox) facts.push(`bbox ${c.bbox.map((n) => n.toFixed(3)).join(',')}`);
  if (c.timeRange) facts.push(`from ${c.timeRange.start}`);
  if (c.network) facts.push(`network ${c.network} ${c.externalId ?? '?'}`);
  return `${c.filename}: ready, ${facts.join(', ')}`;
}

/** The licence certificate checked as a buyer would, offline (README "Checking a certificate offline"). */
function verifyCertificate({ payload, signature, publicKey }: { payload: string; signature: string; publicKey: string }): boolean {
  const bytes = (base58: string) => Buffer.from(getBase58Encoder().encode(base58));
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), bytes(publicKey)]);
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  return verify(null, Buffer.from(payload, 'utf8'), key, bytes(signature));
}
