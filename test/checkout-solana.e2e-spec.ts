import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, type MigrationInterface } from 'typeorm';
import { LicensedFiles1764892801200 } from '../migrations/1764892801200-LicensedFiles.js';
import { LicensedFileSales1764892803000 } from '../migrations/1764892803000-LicensedFileSales.js';
import { generateKeyPairSigner, signature as toSignature } from '@solana/kit';
import { parseURL } from '@solana/pay';
import type { ApiKeyCreatedResponse } from '../src/auth/dto/api-key.dto.js';
import type { DevPaymentResponse } from '../src/chain/dto/dev-payment.dto.js';
import { LiteSvmLedger } from '../src/chain/litesvm.ledger.js';
import type { CertificateResponse, DownloadsResponse, PlatformKeysResponse } from '../src/checkout/dto/fulfilment.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import type { PaymentMethodResponse } from '../src/checkout/dto/payment-method.response.js';
import { verifyCertificate } from '../src/checkout/licence-certificate.js';
import type { SolanaPayResponse } from '../src/checkout/payment-methods/solana-pay/solana-pay.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { Plain } from '../src/common/plain.js';
import {
  type PublishedDataset,
  auth,
  fundOtherMint,
  logIn,
  orderWhen,
  publishDataset,
  publishEdit,
  readyCaptures,
  signUp,
  sweepExpiredOrdersNow,
} from './support/checkout.js';
import { alteredUrl } from './support/solana-pay-url.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PRICE_CENTS = 1999;
const PRICE_BASE_UNITS = 19_990_000;

describe('checkout with USDC on the embedded ledger (e2e)', () => {
  let t: TestApp;
  let ledger: LiteSvmLedger;
  let admin: string;
  let alice: string;
  let buyer: string;
  let eve: string;
  let rivals: string[];
  let open: PublishedDataset;
  let exclusive: PublishedDataset;

  const order = async (token: string, datasetId = open.datasetId): Promise<Plain<OrderResponse> & { solanaPay: SolanaPayResponse }> => {
    // This suite's buyers order the same version again and again, on purpose.
    const res = await t.http().post('/v1/orders').set(auth(token)).send({ datasetId, paymentMethod: 'solana', allowRepeat: true });
    if (res.status !== 201) throw new Error(`order: ${res.status} ${JSON.stringify(res.body)}`);
    const created = res.body as Plain<OrderResponse>;
    if (!created.solanaPay) throw new Error(`order ${created.id} has no Solana Pay request`);
    return { ...created, solanaPay: created.solanaPay };
  };
  const get = async (token: string, id: string) => (await t.http().get(`/v1/orders/${id}`).set(auth(token)).expect(200)).body as OrderResponse;
  const payWithDemoWallet = async (url: string) =>
    ((await t.http().post('/v1/dev/solana/pay').send({ url }).expect(200)).body as DevPaymentResponse).signature;
  const confirm = (token: string, id: string, body: Record<string, string> = {}) =>
    t.http().post(`/v1/orders/${id}/confirm-solana`).set(auth(token)).send(body);
  const errorOf = (res: { body: unknown }) => res.body as ErrorBody;
  /** Reverts and reapplies a migration on the suite's database, as on a database that had not run it yet. */
  const rerunMigration = async (migration: MigrationInterface) => {
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
  };
  const downloadsOf = async (token: string, id: string) =>
    (await t.http().get(`/v1/orders/${id}/downloads`).set(auth(token)).expect(200)).body as DownloadsResponse;
  const fetchBytes = (url: string) =>
    t
      .http()
      .get(url.slice(t.config.publicUrl.length))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          done(null, Buffer.concat(chunks));
        });
      });

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAIL: 'root@marketplace.test', ADMIN_PASSWORD: 'correct-horse-battery', AUTH_RATE_LIMIT: '1000' });
    ledger = t.app.get(LiteSvmLedger);
    admin = await logIn(t, 'root@marketplace.test', 'correct-horse-battery');
    alice = await signUp(t, 'alice@example.com', 'contributor');
    buyer = await signUp(t, 'buyer@example.com', 'buyer');
    eve = await signUp(t, 'eve@example.com', 'buyer');
    rivals = [
      await signUp(t, 'rival-1@example.com', 'buyer'),
      await signUp(t, 'rival-2@example.com', 'buyer'),
      await signUp(t, 'late@example.com', 'buyer'),
    ];
    open = await publishDataset(
      t,
      { contributor: alice, admin },
      { title: 'Ljubljana GNSS drives', licenceSlug: 'commercial-ai-training', priceUsdCents: PRICE_CENTS, seed: 1 },
    );
    exclusive = await publishDataset(
      t,
      { contributor: alice, admin },
      { title: 'Exclusive CAN logs', licenceSlug: 'exclusive-commercial', priceUsdCents: 50_000, seed: 2 },
    );
  }, 120_000);
  afterAll(() => t.close());

  it('sells a version end to end: order, pay the Solana Pay URL from a wallet, confirm, download, verify the certificate', async () => {
    const created = await order(buyer);
    expect(created).toMatchObject({
      status: 'pending',
      datasetId: open.datasetId,
      version: open.version,
      paymentMethod: 'solana',
      priceUsdCents: PRICE_CENTS,
      amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' },
      licence: { slug: 'commercial-ai-training' },
      payments: [],
      refunds: [],
      solanaPay: { recipient: ledger.treasuryAddress, splToken: ledger.usdcMint, amount: '19.99', reference: expect.any(String) },
    });
    expect(created.solanaPay.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(created.solanaPay.qrCode.split(',')[1], 'base64').toString()).toContain('<svg');
    const fields = parseURL(created.solanaPay.url);
    expect(fields).toMatchObject({
      recipient: ledger.treasuryAddress,
      amount: 19.99,
      splToken: ledger.usdcMint,
      reference: [created.solanaPay.reference],
      memo: `order:${created.id}`,
    });
    expect((fields as { message?: string }).message).toContain(created.id);
    expect(new Date(created.expiresAt).getTime() - Date.now()).toBeGreaterThan(29 * 60_000);

    const early = await confirm(buyer, created.id).expect(409);
    expect(errorOf(early)).toMatchObject({ code: 'CHECKOUT_PAYMENT_NOT_FOUND', message: expect.stringContaining('pay its payment request') });
    const unpaid = await t.http().get(`/v1/orders/${created.id}/downloads`).set(auth(buyer)).expect(409);
    expect(errorOf(unpaid)).toMatchObject({ code: 'CHECKOUT_ORDER_NOT_PAID', message: expect.stringContaining('pending') });
    await t.http().get(`/v1/orders/${created.id}/certificate`).set(auth(buyer)).expect(409);

    const treasuryBefore = await ledger.usdcBalance(ledger.treasuryAddress);
    const signature = await payWithDemoWallet(created.solanaPay.url);
    const paid = await confirm(buyer, created.id).expect(200);
    expect(paid.body).toMatchObject({
      status: 'paid',
      lastPaymentError: null,
      payments: [{ kind: 'charge', amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' }, reference: signature, paidOrder: true }],
      refunds: [],
    });
    expect(await ledger.usdcBalance(ledger.treasuryAddress)).toBe(treasuryBefore + BigInt(PRICE_BASE_UNITS));
    // Confirming again (or the watcher doing so) changes nothing.
    expect(((await confirm(buyer, created.id).expect(200)).body as OrderResponse).payments).toHaveLength(1);

    const downloads = await downloadsOf(buyer, created.id);
    expect(downloads.files.map((f) => ({ path: f.path, sizeBytes: f.sizeBytes, sha256: f.sha256 }))).toEqual(open.files);
    for (const file of downloads.files) {
      // Download URLs live DOWNLOAD_URL_TTL_SECONDS (5 minutes by default), not the hour of an upload part's URL.
      expect(new Date(file.expiresAt).getTime() - Date.now()).toBeGreaterThan(0);
      expect(new Date(file.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(300_000);
      const bytes = await fetchBytes(file.url).expect(200);
      expect(
        createHash('sha256')
          .update(bytes.body as Buffer)
          .digest('hex'),
      ).toBe(file.sha256);
    }
    expect((await get(buyer, created.id)).status).toBe('fulfilled');

    const certificate = (await t.http().get(`/v1/orders/${created.id}/certificate`).set(auth(buyer)).expect(200)).body as Plain<CertificateResponse>;
    const keys = (await t.http().get('/v1/platform/keys').expect(200)).body as PlatformKeysResponse;
    expect(keys).toEqual({ publicKey: certificate.publicKey, algorithm: 'Ed25519', encoding: 'base58' });
    expect(verifyCertificate(certificate)).toBe(true);
    expect(verifyCertificate({ ...certificate, payload: certificate.payload.replace('19990000', '1') })).toBe(false);
    expect(JSON.parse(certificate.payload)).toMatchObject({
      type: 'dataset-licence-certificate',
      orderId: created.id,
      buyer: { email: 'buyer@example.com' },
      dataset: { id: open.datasetId, version: open.version, title: 'Ljubljana GNSS drives', merkleRoot: open.merkleRoot },
      licence: { slug: 'commercial-ai-training', terms: created.licence.terms },
      price: { amount: String(PRICE_BASE_UNITS), currency: 'USDC', priceUsdCents: PRICE_CENTS },
      payment: { method: 'solana', reference: signature },
    });
    // The same bytes every time: the certificate was issued once, at payment.
    expect((await t.http().get(`/v1/orders/${created.id}/certificate`).set(auth(admin)).expect(200)).body).toEqual(certificate);
  });

  it('records a second payment of the same order and sends it back: still paid, both charges on the order, one refund', async () => {
    const created = await order(buyer);
    const payerBefore = await ledger.usdcBalance(ledger.demoBuyerAddress);
    const first = await payWithDemoWallet(created.solanaPay.url);
    await confirm(buyer, created.id).expect(200);
    const second = await payWithDemoWallet(created.solanaPay.url);
    const again = (await confirm(buyer, created.id).expect(200)).body as OrderResponse;
    expect(again.status).toBe('paid');
    expect(again.payments.filter((p) => p.kind === 'charge').map((p) => [p.reference, p.paidOrder])).toEqual([
      [first, true],
      [second, false],
    ]);
    expect(again.refunds).toEqual([
      expect.objectContaining({
        portion: 'rest',
        amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' },
        reason: expect.stringContaining('second payment'),
      }),
    ]);
    const refunded = await orderWhen(t, buyer, created.id, (o) => o.refunds[0]?.status === 'sent');
    expect(refunded.payments.filter((p) => p.kind === 'refund')).toEqual([
      expect.objectContaining({ amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' }, refundOf: again.payments[1].id }),
    ]);
    expect(await ledger.usdcBalance(ledger.demoBuyerAddress)).toBe(payerBefore - BigInt(PRICE_BASE_UNITS));
    const [row] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM payments WHERE order_id = $1`, [created.id]);
    expect(Number(row.n)).toBe(3);
  });

  it('never yields a download URL for an unpaid order or to anyone but its buyer', async () => {
    const mine = await order(buyer);
    const paid = await order(buyer);
    await payWithDemoWallet(paid.solanaPay.url);
    await confirm(buyer, paid.id).expect(200);
    for (const id of [mine.id, paid.id]) {
      expect(errorOf(await t.http().get(`/v1/orders/${id}`).set(auth(eve)).expect(404)).code).toBe('ORDER_NOT_FOUND');
      await t.http().get(`/v1/orders/${id}/downloads`).set(auth(eve)).expect(404);
      await t.http().get(`/v1/orders/${id}/certificate`).set(auth(eve)).expect(404);
      await confirm(eve, id).expect(404);
      await t.http().get(`/v1/orders/${id}/downloads`).expect(401);
      // Admins may read orders, but downloads are the buyer's alone.
      await t.http().get(`/v1/orders/${id}`).set(auth(admin)).expect(200);
      await t.http().get(`/v1/orders/${id}/downloads`).set(auth(admin)).expect(404);
    }
    expect(errorOf(await t.http().get(`/v1/orders/${mine.id}/downloads`).set(auth(buyer)).expect(409)).code).toBe('CHECKOUT_ORDER_NOT_PAID');
    await t.http().get(`/v1/orders/${paid.id}/downloads`).set(auth(buyer)).expect(200);
  });

  it('refuses a download URL once it has expired, and downloads at all once the licence term has ended', async () => {
    const bought = await order(buyer);
    await payWithDemoWallet(bought.solanaPay.url);
    await confirm(buyer, bought.id).expect(200);
    // The licence runs 12 months; move its end to 2 seconds from now. Download URLs never outlive the licence.
    await t.sql(`UPDATE entitlements SET expires_at = now() + interval '2 seconds' WHERE order_id = $1`, [bought.id]);
    const { files } = await downloadsOf(buyer, bought.id);
    expect(new Date(files[0].expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(2_000);
    const path = files[0].url.slice(t.config.publicUrl.length);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(errorOf(await t.http().get(path).expect(403)).code).toBe('STORAGE_URL_EXPIRED');
    const ended = await t.http().get(`/v1/orders/${bought.id}/downloads`).set(auth(buyer)).expect(410);
    expect(errorOf(ended)).toMatchObject({ code: 'CHECKOUT_LICENCE_EXPIRED', message: expect.stringContaining('ended') });
  });

  it('stops serving a download URL handed out before a refund as soon as the refund is decided', async () => {
    const bought = await order(buyer);
    await payWithDemoWallet(bought.solanaPay.url);
    await confirm(buyer, bought.id).expect(200);
    const { files } = await downloadsOf(buyer, bought.id);
    await fetchBytes(files[0].url).expect(200);
    await t.http().post(`/v1/admin/orders/${bought.id}/refund`).set(auth(admin)).send({ reason: 'Chargeback' }).expect(200);
    for (const file of files) {
      const refused = await t.http().get(file.url.slice(t.config.publicUrl.length)).expect(403);
      expect(errorOf(refused)).toMatchObject({ code: 'STORAGE_URL_REVOKED', message: expect.stringContaining('revoked (Chargeback)') });
    }
  });

  it('records a short payment and sends it back, refuses wrong-recipient and wrong-mint ones with the reason, and takes a good payment after them', async () => {
    const short = await order(buyer);
    const shortSignature = await payWithDemoWallet(alteredUrl(short.solanaPay.url, { amount: 19.98 }));
    const tooLittle = await confirm(buyer, short.id).expect(422);
    expect(errorOf(tooLittle)).toMatchObject({
      code: 'CHECKOUT_PAYMENT_INVALID',
      message: expect.stringContaining('short payment: 19.98 USDC arrived, less than the 19.99 USDC this order costs; it is being refunded'),
    });
    expect(await get(buyer, short.id)).toMatchObject({
      status: 'pending',
      lastPaymentError: expect.stringContaining('short payment'),
      payments: [{ kind: 'charge', reference: shortSignature, amount: { minor: 19_980_000 }, paidOrder: false }],
      refunds: [{ amount: { minor: 19_980_000, currency: 'USDC' } }],
    });
    // The buyer pays again, properly: the later transaction carrying the reference pays the order.
    const good = await payWithDemoWallet(short.solanaPay.url);
    const paid = (await confirm(buyer, short.id).expect(200)).body as OrderResponse;
    expect(paid.status).toBe('paid');
    expect(paid.payments.find((p) => p.paidOrder)?.reference).toBe(good);
    const returned = await orderWhen(t, buyer, short.id, (o) => o.refunds[0]?.status === 'sent');
    expect(returned.payments.filter((p) => p.kind === 'refund').map((p) => p.amount.minor)).toEqual([19_980_000]);

    const elsewhere = await order(buyer);
    const stranger = (await generateKeyPairSigner()).address;
    await ledger.ensureTokenAccount(stranger);
    await payWithDemoWallet(alteredUrl(elsewhere.solanaPay.url, { recipient: stranger }));
    const wrongRecipient = await confirm(buyer, elsewhere.id).expect(422);
    expect(errorOf(wrongRecipient).message).toContain(`wrong recipient: the USDC went to ${stranger}`);

    const otherToken = await order(buyer);
    const otherMint = await fundOtherMint(ledger, 100_000_000n);
    await payWithDemoWallet(alteredUrl(otherToken.solanaPay.url, { splToken: otherMint }));
    const wrongMint = await confirm(buyer, otherToken.id).expect(422);
    expect(errorOf(wrongMint).message).toContain(`wrong mint: the transfer moved token ${otherMint}, not USDC (${ledger.usdcMint})`);

    for (const id of [elsewhere.id, otherToken.id]) {
      expect(await get(buyer, id)).toMatchObject({ status: 'pending', payments: [], refunds: [] });
      await t.http().get(`/v1/orders/${id}/downloads`).set(auth(buyer)).expect(409);
    }
  });

  it('refuses a payment replayed for a second order, by signature or by reference', async () => {
    const first = await order(buyer);
    const signature = await payWithDemoWallet(first.solanaPay.url);
    await confirm(buyer, first.id).expect(200);

    const second = await order(buyer);
    const replayed = await confirm(buyer, second.id, { signature }).expect(409);
    expect(errorOf(replayed)).toMatchObject({
      code: 'CHECKOUT_PAYMENT_ALREADY_USED',
      message: expect.stringContaining(`already paid order ${first.id}`),
    });
    // A transfer naming the first order's reference (and memo) pays nothing of the second: it is a second payment of the first.
    await payWithDemoWallet(first.solanaPay.url);
    await confirm(buyer, second.id).expect(409);
    expect(await get(buyer, second.id)).toMatchObject({ status: 'pending', payments: [] });
    const [row] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM payments WHERE external_reference = $1`, [signature]);
    expect(Number(row.n)).toBe(1);
    const firstAfter = (await confirm(buyer, first.id).expect(200)).body as OrderResponse;
    expect(firstAfter.payments.filter((p) => p.kind === 'charge').map((p) => p.paidOrder)).toEqual([true, false]);
    // The refund job sends it back to the demo wallet, which later tests count on.
    await orderWhen(t, buyer, first.id, (o) => o.refunds.length === 1 && o.refunds[0].status === 'sent');
  });

  it('sells an exclusive licence once: two racing buyers, one paid, the other a clear conflict and refunded automatically', async () => {
    const [one, two] = await Promise.all(rivals.slice(0, 2).map((token) => order(token, exclusive.datasetId)));
    expect([one.exclusive, two.exclusive]).toEqual([true, true]);
    await payWithDemoWallet(one.solanaPay.url);
    await payWithDemoWallet(two.solanaPay.url);
    const buyerBefore = await ledger.usdcBalance(ledger.demoBuyerAddress);
    const answers = await Promise.all([confirm(rivals[0], one.id), confirm(rivals[1], two.id)]);
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([200, 409]);
    const loserIndex = answers.findIndex((res) => res.status === 409);
    const loser = [one, two][loserIndex];
    expect(errorOf(answers[loserIndex])).toMatchObject({ code: 'CHECKOUT_EXCLUSIVE_SOLD', message: expect.stringContaining('refunded') });

    const refunded = await orderWhen(t, rivals[loserIndex], loser.id, (o) => o.payments.length === 2);
    expect(refunded).toMatchObject({ status: 'refunded', statusReason: expect.stringContaining('sold to another buyer') });
    expect(refunded.payments.map((p) => [p.kind, p.amount.minor])).toEqual([
      ['charge', 500_000_000],
      ['refund', 500_000_000],
    ]);
    expect(await ledger.usdcBalance(ledger.demoBuyerAddress)).toBe(buyerBefore + 500_000_000n);
    expect(errorOf(await t.http().get(`/v1/orders/${loser.id}/downloads`).set(auth(rivals[loserIndex])).expect(410)).code).toBe(
      'CHECKOUT_ENTITLEMENT_REVOKED',
    );
    expect(errorOf(await confirm(rivals[loserIndex], loser.id).expect(409)).code).toBe('CHECKOUT_EXCLUSIVE_SOLD');

    const late = await t.http().post('/v1/orders').set(auth(rivals[2])).send({ datasetId: exclusive.datasetId, paymentMethod: 'solana' }).expect(409);
    expect(errorOf(late)).toMatchObject({ code: 'CHECKOUT_EXCLUSIVE_SOLD', message: expect.stringContaining('already sold') });
    const [sold] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM orders WHERE dataset_id = $1 AND status IN ('paid', 'fulfilled')`, [
      exclusive.datasetId,
    ]);
    expect(Number(sold.n)).toBe(1);
  });

  it('keeps the files of a sold exclusive licence reserved across versions: a title-only edit cannot be sold, new files can', async () => {
    const [sale] = await t.sql<{ id: string }>(`SELECT id FROM orders WHERE dataset_id = $1 AND status IN ('paid', 'fulfilled')`, [
      exclusive.datasetId,
    ]);
    const reserved = () =>
      t.sql<{ sha256: string; exclusive_order_id: string }>(
        `SELECT sha256, exclusive_order_id FROM licensed_files WHERE exclusive_order_id IS NOT NULL`,
      );
    const expected = exclusive.files.map((f) => ({ sha256: f.sha256, exclusive_order_id: sale.id }));
    expect(await reserved()).toEqual(expect.arrayContaining(expected));
    // An exclusive sale made before licensed_files existed reserves its files when the migration creates the table.
    await rerunMigration(new LicensedFiles1764892801200());
    expect((await reserved()).sort((a, b) => a.sha256.localeCompare(b.sha256))).toEqual(expected.sort((a, b) => a.sha256.localeCompare(b.sha256)));

    const tokens = { contributor: alice, admin };
    const renamed = await publishEdit(t, tokens, exclusive.datasetId, { title: 'Exclusive CAN logs (renamed)' });
    expect(renamed.version).toBe(exclusive.version + 1);
    expect(renamed.files.map((f) => f.sha256)).toEqual(exclusive.files.map((f) => f.sha256));
    const refused = await t
      .http()
      .post('/v1/orders')
      .set(auth(rivals[2]))
      .send({ datasetId: exclusive.datasetId, paymentMethod: 'solana' })
      .expect(409);
    expect(errorOf(refused)).toMatchObject({ code: 'CHECKOUT_EXCLUSIVE_SOLD', message: expect.stringContaining(`Version ${renamed.version}`) });

    const fresh = await publishEdit(t, tokens, exclusive.datasetId, { captureIds: await readyCaptures(t, alice, 7) });
    expect(fresh.files.some((f) => exclusive.files.some((sold) => sold.sha256 === f.sha256))).toBe(false);
    const sold = await order(rivals[2], exclusive.datasetId);
    expect(sold).toMatchObject({ status: 'pending', version: fresh.version, exclusive: true });
  });

  it('lets an admin refund a USDC order: the money goes back to the payer, the licence is revoked, and a second refund changes nothing', async () => {
    const bought = await order(buyer);
    const signature = await payWithDemoWallet(bought.solanaPay.url);
    await confirm(buyer, bought.id).expect(200);
    await t.http().post(`/v1/admin/orders/${bought.id}/refund`).set(auth(buyer)).send({ reason: 'I want my money' }).expect(403);
    await t.http().post(`/v1/admin/orders/${bought.id}/refund`).set(auth(admin)).send({}).expect(400);

    const payerBefore = await ledger.usdcBalance(ledger.demoBuyerAddress);
    const refunded = (
      await t.http().post(`/v1/admin/orders/${bought.id}/refund`).set(auth(admin)).send({ reason: 'Files were unreadable' }).expect(200)
    ).body as OrderResponse;
    expect(refunded).toMatchObject({ status: 'refunded', statusReason: 'Files were unreadable', refunds: [{ status: 'sent' }] });
    expect(refunded.payments).toEqual([
      expect.objectContaining({ kind: 'charge', reference: signature }),
      expect.objectContaining({ kind: 'refund', amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' } }),
    ]);
    expect(await ledger.usdcBalance(ledger.demoBuyerAddress)).toBe(payerBefore + BigInt(PRICE_BASE_UNITS));
    await expect(ledger.findMemo(toSignature(refunded.payments[1].reference))).resolves.toBe(`refund:${refunded.refunds[0].id}`);

    const again = (await t.http().post(`/v1/admin/orders/${bought.id}/refund`).set(auth(admin)).send({ reason: 'Again' }).expect(200))
      .body as OrderResponse;
    expect(again.payments).toHaveLength(2);
    expect(await ledger.usdcBalance(ledger.demoBuyerAddress)).toBe(payerBefore + BigInt(PRICE_BASE_UNITS));
    expect(errorOf(await t.http().get(`/v1/orders/${bought.id}/downloads`).set(auth(buyer)).expect(410)).code).toBe('CHECKOUT_ENTITLEMENT_REVOKED');
    await t.http().get(`/v1/orders/${bought.id}/certificate`).set(auth(buyer)).expect(410);

    const unpaid = await order(buyer);
    expect(
      errorOf(await t.http().post(`/v1/admin/orders/${unpaid.id}/refund`).set(auth(admin)).send({ reason: 'Nothing to refund' }).expect(409)).code,
    ).toBe('CHECKOUT_NOT_REFUNDABLE');
  });

  it('expires an unpaid order when its time is up, and honours a payment that arrives late', async () => {
    const slow = await order(buyer);
    await t.sql(`UPDATE orders SET expires_at = now() WHERE id = $1`, [slow.id]);
    await sweepExpiredOrdersNow(t);
    const expired = await orderWhen(t, buyer, slow.id, (o) => o.status === 'expired');
    const [{ expires_at: deadline }] = await t.sql<{ expires_at: Date }>(`SELECT expires_at FROM orders WHERE id = $1`, [slow.id]);
    expect(expired.statusReason).toBe(`not paid by ${deadline.toISOString()}`);
    await t.http().get(`/v1/orders/${slow.id}/downloads`).set(auth(buyer)).expect(409);

    await payWithDemoWallet(slow.solanaPay.url);
    const late = await confirm(buyer, slow.id).expect(200);
    expect(late.body).toMatchObject({ status: 'paid', statusReason: expect.stringContaining('late payment was honoured') });
  });

  it('finds a payment without being asked: the watcher confirms it in the background', async () => {
    const watched = await order(buyer);
    await payWithDemoWallet(watched.solanaPay.url);
    expect((await orderWhen(t, buyer, watched.id, (o) => o.status === 'paid')).payments).toHaveLength(1);
  });

  it('says which payment methods it takes: USDC, and no card while Stripe is not configured', async () => {
    const methods = (await t.http().get('/v1/payment-methods').expect(200)).body as PaymentMethodResponse[];
    expect(methods).toEqual([
      { method: 'card', label: 'Card (Stripe Checkout)', currency: 'USD', available: false },
      { method: 'solana', label: 'USDC (Solana Pay)', currency: 'USDC', available: true },
    ]);
  });

  it('refuses a second live order of the same version by the same buyer (409, naming the order) unless allowRepeat says it is meant', async () => {
    const newcomer = await signUp(t, 'twice@example.com', 'buyer');
    const place = (body: Record<string, unknown> = {}) =>
      t
        .http()
        .post('/v1/orders')
        .set(auth(newcomer))
        .send({ datasetId: open.datasetId, paymentMethod: 'solana', ...body });
    const first = (await place().expect(201)).body as OrderResponse;
    const again = await place().expect(409);
    expect(errorOf(again)).toMatchObject({ code: 'CHECKOUT_ALREADY_ORDERED', details: { orderId: first.id, status: 'pending' } });
    expect(errorOf(again).message).toContain(first.id);
    // Paid: still refused; with allowRepeat a second order is placed.
    await payWithDemoWallet((first as OrderResponse & { solanaPay: SolanaPayResponse }).solanaPay.url);
    await confirm(newcomer, first.id).expect(200);
    expect(errorOf(await place().expect(409)).details).toEqual({ orderId: first.id, status: 'paid' });
    const second = (await place({ allowRepeat: true }).expect(201)).body as OrderResponse;
    expect(second.id).not.toBe(first.id);
    await place({ allowRepeat: 'yes' }).expect(400);
    // Another buyer is not held back by this one's orders.
    await t
      .http()
      .post('/v1/orders')
      .set(auth(await signUp(t, 'other-twice@example.com', 'buyer')))
      .send({ datasetId: open.datasetId, paymentMethod: 'solana' })
      .expect(201);
  });

  it('takes orders from API keys, refuses contributors, unknown datasets and card payments when Stripe is not configured', async () => {
    const key = ((await t.http().post('/v1/api-keys').set(auth(buyer)).send({ name: 'pipeline' }).expect(201)).body as ApiKeyCreatedResponse).key;
    const viaKey = (
      await t
        .http()
        .post('/v1/orders')
        .set('X-API-Key', key)
        .send({ datasetId: open.datasetId, paymentMethod: 'solana', allowRepeat: true })
        .expect(201)
    ).body as OrderResponse;
    expect((await get(buyer, viaKey.id)).id).toBe(viaKey.id);

    await t.http().post('/v1/orders').set(auth(alice)).send({ datasetId: open.datasetId, paymentMethod: 'solana' }).expect(403);
    const missing = await t
      .http()
      .post('/v1/orders')
      .set(auth(buyer))
      .send({ datasetId: '00000000-0000-4000-8000-000000000000', paymentMethod: 'solana' })
      .expect(404);
    expect(errorOf(missing).code).toBe('CHECKOUT_DATASET_NOT_FOR_SALE');
    await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: open.datasetId, paymentMethod: 'bitcoin' }).expect(400);
    await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: open.datasetId, version: 2, paymentMethod: 'solana' }).expect(404);

    const card = await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: open.datasetId, paymentMethod: 'card' }).expect(422);
    expect(errorOf(card)).toMatchObject({
      code: 'CHECKOUT_PAYMENT_METHOD_UNAVAILABLE',
      message: 'Card (Stripe Checkout) is not available on this marketplace; pay with solana (USDC (Solana Pay)) instead',
    });
    expect(errorOf(card).message).not.toMatch(/STRIPE|_KEY|_SECRET/);
    expect(errorOf(await t.http().post('/v1/webhooks/stripe').set('Stripe-Signature', 't=1,v1=00').send({ id: 'evt_1' }).expect(503)).code).toBe(
      'CHECKOUT_CARD_NOT_CONFIGURED',
    );
  });

  it('refuses an exclusive licence on files already sold under an ordinary one: at ordering, and by a refund at settlement', async () => {
    const tokens = { contributor: alice, admin };
    const licences = (await t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string }[];
    const exclusiveLicence = licences.find((licence) => licence.slug === 'exclusive-commercial');
    if (!exclusiveLicence) throw new Error('no exclusive-commercial licence');
    const shared = await publishDataset(t, tokens, {
      title: 'Open harbour drives',
      licenceSlug: 'commercial-ai-training',
      priceUsdCents: PRICE_CENTS,
      seed: 8,
    });
    const ordinary = await order(buyer, shared.datasetId);
    const madeExclusive = await publishEdit(t, tokens, shared.datasetId, { licenceTemplateId: exclusiveLicence.id });
    expect(madeExclusive.files).toEqual(shared.files);
    // Ordered while nothing was sold yet, paid after the ordinary sale.
    const latecomer = await signUp(t, 'exclusive-latecomer@example.com', 'buyer');
    const exclusiveOrder = await order(latecomer, shared.datasetId);
    expect(exclusiveOrder).toMatchObject({ version: madeExclusive.version, exclusive: true, status: 'pending' });

    await payWithDemoWallet(ordinary.solanaPay.url);
    await confirm(buyer, ordinary.id).expect(200);
    const sales = () =>
      t
        .sql<{ sha256: string }>(`SELECT sha256 FROM licensed_file_sales WHERE order_id = $1 ORDER BY sha256`, [ordinary.id])
        .then((rows) => rows.map((row) => row.sha256));
    const soldHashes = shared.files.map((file) => file.sha256).sort();
    expect(await sales()).toEqual(soldHashes);
    // Ordinary sales paid before licensed_file_sales existed are recorded when the migration creates the table.
    await rerunMigration(new LicensedFileSales1764892803000());
    expect(await sales()).toEqual(soldHashes);

    const refused = await t.http().post('/v1/orders').set(auth(eve)).send({ datasetId: shared.datasetId, paymentMethod: 'solana' }).expect(409);
    expect(errorOf(refused)).toMatchObject({
      statusCode: 409,
      code: 'CHECKOUT_EXCLUSIVE_UNAVAILABLE',
      message: expect.stringContaining(
        `Version ${madeExclusive.version} of dataset ${shared.datasetId} holds files already sold under a non-exclusive licence`,
      ),
    });

    const buyerBefore = await ledger.usdcBalance(ledger.demoBuyerAddress);
    await payWithDemoWallet(exclusiveOrder.solanaPay.url);
    const lost = await confirm(latecomer, exclusiveOrder.id).expect(409);
    expect(errorOf(lost)).toMatchObject({ code: 'CHECKOUT_EXCLUSIVE_UNAVAILABLE', message: expect.stringContaining('refunded') });
    const refunded = await orderWhen(t, latecomer, exclusiveOrder.id, (o) => o.refunds.length === 1 && o.refunds[0].status === 'sent');
    expect(refunded).toMatchObject({ status: 'refunded', statusReason: expect.stringContaining('non-exclusive licence') });
    expect(refunded.payments.map((p) => [p.kind, p.amount.minor])).toEqual([
      ['charge', PRICE_BASE_UNITS],
      ['refund', PRICE_BASE_UNITS],
    ]);
    expect(await ledger.usdcBalance(ledger.demoBuyerAddress)).toBe(buyerBefore);
    expect(errorOf(await confirm(latecomer, exclusiveOrder.id).expect(409)).code).toBe('CHECKOUT_EXCLUSIVE_UNAVAILABLE');
    expect(errorOf(await t.http().get(`/v1/orders/${exclusiveOrder.id}/downloads`).set(auth(latecomer)).expect(410)).code).toBe(
      'CHECKOUT_ENTITLEMENT_REVOKED',
    );
    const [reserved] = await t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM licensed_files WHERE sha256 = ANY($1) AND exclusive_order_id IS NOT NULL`,
      [soldHashes],
    );
    expect(Number(reserved.n)).toBe(0);
  });
});
