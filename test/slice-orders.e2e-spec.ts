import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProvenanceResponse } from '../src/catalog/dto/provenance.response.js';
import type { ManifestResponse } from '../src/catalog/dto/manifest.response.js';
import type { CertificateResponse, DownloadsResponse } from '../src/checkout/dto/fulfilment.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import { type LicenceCertificate, sliceFilesDigest, verifyCertificate } from '../src/checkout/licence-certificate.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { CaptureResponse } from '../src/ingestion/dto/capture.response.js';
import type { QuoteResponse } from '../src/quotes/dto/quote.response.js';
import type { EarningResponse, SplitResponse } from '../src/revenue/dto/split.response.js';
import { readyCapture } from './support/captures.js';
import { auth, deliverStripeEvent, listCurated, signUp, startStripeTestApp } from './support/checkout.js';
import { FakeStripe } from './support/fake-stripe.js';
import { describeWithSamples, samplePath } from './support/samples.js';
import type { TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';

const SCRIPT = join(process.cwd(), 'scripts', 'verify-download.mjs');

/**
 * Issue 13, parts 4 and 5, end to end on real files: two contributors with real GPS tracks in different places
 * (Alice's GPX walk round Lake Cerknica, Bob's NMEA drive in New Zealand) in one dataset an admin curates with a
 * per-km price; a buyer quotes the lake, orders the slice and pays by USDC (embedded ledger) and by card (Stripe
 * stand-in), downloads exactly the lake's capture, verifies it against the anchored root with the standalone script
 * and the certificate offline; only Alice is paid, by what she delivered, and the split is recorded on-chain.
 */
describeWithSamples('slice orders: buy exactly the captures of an area (e2e)', ['cerknicko-jezero.gpx', 'bu353s4.log'], () => {
  const stripe = new FakeStripe();
  let t: TestApp;
  let admin: string;
  let alice: string;
  let bob: string;
  let buyer: string;
  let gpx: CaptureResponse;
  let datasetId: string;
  let api: string;
  let dir: string;
  const lake = { bbox: [14.3, 45.7, 14.5, 45.8] };

  const quote = async (token: string, body: Record<string, unknown>) =>
    (
      await t
        .http()
        .post('/v1/quotes')
        .set(auth(token))
        .send({ datasetId, ...body })
        .expect(201)
    ).body as QuoteResponse;
  const order = (token: string, body: Record<string, unknown>) =>
    t
      .http()
      .post('/v1/orders')
      .set(auth(token))
      .send({ datasetId, ...body });
  const splitOf = async (orderId: string) => (await t.http().get(`/v1/orders/${orderId}/split`).set(auth(admin)).expect(200)).body as SplitResponse;
  const earningsOf = async (token: string) => (await t.http().get('/v1/me/earnings').set(auth(token)).expect(200)).body as EarningResponse[];

  const payByUsdc = async (placed: OrderResponse) => {
    if (!placed.solanaPay) throw new Error('a USDC order has a Solana Pay request');
    await t.http().post('/v1/dev/solana/pay').send({ url: placed.solanaPay.url }).expect(200);
    await t.http().post(`/v1/orders/${placed.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200);
  };
  const payByCard = async (placed: OrderResponse) => {
    if (!placed.stripe) throw new Error('a card order has a Checkout Session');
    const { payload } = stripe.event('checkout.session.completed', stripe.sessionObject(placed.stripe.sessionId));
    await deliverStripeEvent(t, stripe, payload).expect(200);
  };

  beforeAll(async () => {
    ({ t, admin } = await startStripeTestApp(stripe));
    await t.app.listen(0, '127.0.0.1');
    api = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'slice-orders-'));
    alice = await signUp(t, 'alice@slices.test', 'contributor');
    bob = await signUp(t, 'bob@slices.test', 'contributor');
    buyer = await signUp(t, 'buyer@slices.test', 'buyer');
    gpx = await readyCapture(t, alice, readFileSync(samplePath('cerknicko-jezero.gpx')), 'cerknicko-jezero.gpx');
    const nmea = await readyCapture(t, bob, readFileSync(samplePath('bu353s4.log')), 'bu353s4.log');
    datasetId = await listCurated(t, admin, {
      title: 'Lake Cerknica and a New Zealand drive',
      captureIds: [gpx.id, nmea.id],
      unitPrices: { perKmUsdCents: 150, minimumUsdCents: 50 },
      contributors: [alice, bob],
    });
    await waitFor(async () => {
      const { versions } = (await t.http().get(`/v1/datasets/${datasetId}/provenance`).expect(200)).body as ProvenanceResponse;
      return versions[0]?.anchor?.status === 'confirmed' ? true : undefined;
    }, 'the version root to be anchored');
  }, 300_000);

  afterAll(async () => {
    await t.close();
    await stripe.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sells the lake slice by USDC and by card: the quoted price, exactly its capture, verified against the anchored root', async () => {
    const manifest = (await t.http().get(`/v1/datasets/${datasetId}/versions/1/manifest`).expect(200)).body as ManifestResponse;
    // The manifest lists the files in leaf order.
    const leafIndex = manifest.files.findIndex((file) => file.captureId === gpx.id);
    const { path, sha256, sizeBytes } = manifest.files[leafIndex];
    const gpxEntry = { path, sha256, sizeBytes, leafIndex };
    expect(leafIndex).toBeGreaterThanOrEqual(0);
    const [{ id: aliceId }] = await t.sql<{ id: string }>(`SELECT id FROM users WHERE email = 'alice@slices.test'`);
    for (const paymentMethod of ['solana', 'card'] as const) {
      const lakeQuote = await quote(buyer, { area: lake, unit: 'km' });
      expect(lakeQuote.totals.captures).toBe(1);
      const placed = (await order(buyer, { quoteId: lakeQuote.id, paymentMethod }).expect(201)).body as OrderResponse;
      expect(placed.priceUsdCents).toBe(lakeQuote.priceUsdCents);
      expect(placed.priceUsdCents).toBeLessThan(10_000);
      expect(placed.slice).toMatchObject({ quoteId: lakeQuote.id, area: lake, unit: 'km', captures: 1, leaves: [gpxEntry.leafIndex] });
      // A quote buys once.
      const again = await order(buyer, { quoteId: lakeQuote.id, paymentMethod }).expect(409);
      expect((again.body as ErrorBody).code).toBe('CHECKOUT_QUOTE_USED');
      if (paymentMethod === 'solana') await payByUsdc(placed);
      else await payByCard(placed);
      expect(((await t.http().get(`/v1/orders/${placed.id}`).set(auth(buyer)).expect(200)).body as OrderResponse).status).toBe('paid');

      // Downloads: exactly the lake's capture, whose bytes are the GPX the contributor uploaded.
      const downloads = (await t.http().get(`/v1/orders/${placed.id}/downloads`).set(auth(buyer)).expect(200)).body as DownloadsResponse;
      expect(downloads.files.map((file) => file.path)).toEqual([gpxEntry.path]);
      // The training-content summary states the slice's one file, not the version's.
      const content = (await t.http().get(`/v1/orders/${placed.id}/training-content`).set(auth(buyer)).expect(200)).body as {
        modalities: { modality: string; amount: string }[];
      };
      expect(content.modalities).toEqual([expect.objectContaining({ amount: expect.stringContaining('1 file') as unknown })]);
      // Signed for PUBLIC_URL's host; fetched from the listening app.
      const signed = new URL(downloads.files[0].url);
      const response = await fetch(`${api}${signed.pathname}${signed.search}`);
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(gpxEntry.sha256);
      const file = join(dir, `${paymentMethod}-lake.gpx`);
      writeFileSync(file, bytes);
      const verified = await new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(process.execPath, [SCRIPT, '--api', api, '--dataset', datasetId, '--version', '1', file], { timeout: 30_000 }, (error, stdout) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout });
        });
      });
      expect(verified.stdout).not.toContain('FAIL');
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/Merkle proof \(\d+ siblings\) folds to [0-9a-f]{64}, the anchored root/);

      // The certificate names the slice, and verifies offline.
      const certificate = (await t.http().get(`/v1/orders/${placed.id}/certificate`).set(auth(buyer)).expect(200)).body as CertificateResponse;
      expect(verifyCertificate(certificate)).toBe(true);
      const payload = JSON.parse(certificate.payload) as LicenceCertificate;
      expect(payload.dataset.merkleRoot).toBe(manifest.merkleRoot);
      expect(payload.slice).toEqual({
        quoteId: lakeQuote.id,
        area: lake,
        window: null,
        modalities: null,
        unit: 'km',
        captures: 1,
        lengthM: lakeQuote.totals.lengthM,
        durationMs: lakeQuote.totals.durationMs,
        sizeBytes: gpxEntry.sizeBytes,
        leaves: [gpxEntry.leafIndex],
        filesSha256: sliceFilesDigest([gpxEntry]),
      });
      const forged = {
        signature: certificate.signature,
        publicKey: certificate.publicKey,
        payload: certificate.payload.replace(`"leaves":[${gpxEntry.leafIndex}]`, '"leaves":[0,1]'),
      };
      expect(verifyCertificate(forged)).toBe(false);

      // Only Alice, whose capture the slice delivered, shares the contributors' part; Bob gets nothing from it.
      const split = await splitOf(placed.id);
      const contributors = split.rows.filter((row) => row.role === 'contributor');
      // Payees without a wallet are named by their user id.
      expect(contributors.map((row) => row.payee)).toEqual([aliceId]);
      expect(split.rows.reduce((sum, row) => sum + BigInt(row.amount), 0n)).toBe(BigInt(split.gross));
      await waitFor(async () => ((await splitOf(placed.id)).txSignature ? true : undefined), 'the split to be recorded on-chain');
    }
    const aliceEarnings = await earningsOf(alice);
    expect(aliceEarnings).toHaveLength(2);
    for (const earning of aliceEarnings) {
      expect(earning.slice).toEqual({ unit: 'km', delivered: expect.stringMatching(/^[1-9]\d*$/) as unknown, total: earning.slice?.delivered });
    }
    expect(await earningsOf(bob)).toEqual([]);
  });

  it('refuses a quote of another buyer, of another dataset, or altered, with nothing stored', async () => {
    const other = await signUp(t, 'other@slices.test', 'buyer');
    const theirs = await quote(other, { area: lake, unit: 'km' });
    const before = await t.sql<{ n: string }>(`SELECT count(*)::text AS n FROM orders`);
    const notYours = await order(buyer, { quoteId: theirs.id, paymentMethod: 'solana' }).expect(404);
    expect((notYours.body as ErrorBody).code).toBe('QUOTE_NOT_FOUND');
    const mismatch = await t
      .http()
      .post('/v1/orders')
      .set(auth(other))
      .send({ datasetId: '00000000-0000-4000-8000-000000000000', quoteId: theirs.id, paymentMethod: 'solana' })
      .expect(422);
    expect((mismatch.body as ErrorBody).code).toBe('CHECKOUT_QUOTE_MISMATCH');
    await order(other, { quoteId: 'not-a-uuid', paymentMethod: 'solana' }).expect(400);
    // The stored quote cannot be altered (a trigger refuses it), so its price is the price.
    await expect(t.sql(`UPDATE quotes SET price_usd_cents = 1 WHERE id = $1`, [theirs.id])).rejects.toThrow();
    expect(await t.sql<{ n: string }>(`SELECT count(*)::text AS n FROM orders`)).toEqual(before);
  });
});
