import { createHash } from 'node:crypto';
import { type Address, generateKeyPairSigner } from '@solana/kit';
import { encodeURL, parseURL } from '@solana/pay';
import { LiteSvmLedger } from '../src/chain/litesvm.ledger.js';
import { verifyCertificate } from '../src/checkout/licence-certificate.js';
import { RefundService } from '../src/checkout/services/refund.service.js';
import { type PublishedDataset, auth, fundOtherMint, logIn, orderWhen, publishDataset, signUp, sweepExpiredOrdersNow } from './support/checkout.js';
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

  const order = async (token: string, datasetId = open.datasetId) => {
    const res = await t.http().post('/v1/orders').set(auth(token)).send({ datasetId, paymentMethod: 'solana' });
    if (res.status !== 201) throw new Error(`order: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const payWithDemoWallet = async (url: string) => (await t.http().post('/v1/dev/solana/pay').send({ url }).expect(200)).body.signature as string;
  const confirm = (token: string, id: string, body: Record<string, string> = {}) =>
    t.http().post(`/v1/orders/${id}/confirm-solana`).set(auth(token)).send(body);
  /** The order's Solana Pay request with some fields changed, as a wallet that pays the wrong thing would send. */
  const alteredUrl = (url: string, change: Partial<{ amount: number; recipient: Address; splToken: Address }>) => {
    const fields = parseURL(url);
    if (!('recipient' in fields) || fields.amount === undefined) throw new Error('not a transfer request');
    return encodeURL({
      recipient: fields.recipient,
      amount: fields.amount,
      splToken: fields.splToken,
      reference: fields.reference,
      memo: fields.memo,
      ...change,
    }).toString();
  };

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
    expect(early.body).toMatchObject({ code: 'CHECKOUT_PAYMENT_NOT_FOUND', message: expect.stringContaining('pay its Solana Pay URL') });
    const unpaid = await t.http().get(`/v1/orders/${created.id}/downloads`).set(auth(buyer)).expect(409);
    expect(unpaid.body).toMatchObject({ code: 'CHECKOUT_ORDER_NOT_PAID', message: expect.stringContaining('pending') });
    await t.http().get(`/v1/orders/${created.id}/certificate`).set(auth(buyer)).expect(409);

    const treasuryBefore = await ledger.usdcBalance(ledger.treasuryAddress);
    const signature = await payWithDemoWallet(created.solanaPay.url);
    const paid = await confirm(buyer, created.id).expect(200);
    expect(paid.body).toMatchObject({
      status: 'paid',
      lastPaymentError: null,
      payments: [{ kind: 'charge', amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' }, reference: signature }],
    });
    expect(await ledger.usdcBalance(ledger.treasuryAddress)).toBe(treasuryBefore + BigInt(PRICE_BASE_UNITS));
    // Confirming again (or the watcher doing so) changes nothing.
    expect((await confirm(buyer, created.id).expect(200)).body.payments).toHaveLength(1);

    const downloads = await t.http().get(`/v1/orders/${created.id}/downloads`).set(auth(buyer)).expect(200);
    expect(
      downloads.body.files.map((f: { path: string; sizeBytes: number; sha256: string }) => ({
        path: f.path,
        sizeBytes: f.sizeBytes,
        sha256: f.sha256,
      })),
    ).toEqual(open.files);
    for (const file of downloads.body.files) {
      expect(new Date(file.expiresAt).getTime()).toBeGreaterThan(Date.now());
      const bytes = await t
        .http()
        .get(file.url.slice(t.config.publicUrl.length))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            done(null, Buffer.concat(chunks));
          });
        })
        .expect(200);
      expect(
        createHash('sha256')
          .update(bytes.body as Buffer)
          .digest('hex'),
      ).toBe(file.sha256);
    }
    expect((await t.http().get(`/v1/orders/${created.id}`).set(auth(buyer)).expect(200)).body.status).toBe('fulfilled');

    const certificate = (await t.http().get(`/v1/orders/${created.id}/certificate`).set(auth(buyer)).expect(200)).body;
    const keys = (await t.http().get('/v1/platform/keys').expect(200)).body;
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

  it('never yields a download URL for an unpaid order or to anyone but its buyer', async () => {
    const mine = await order(buyer);
    const paid = await order(buyer);
    await payWithDemoWallet(paid.solanaPay.url);
    await confirm(buyer, paid.id).expect(200);
    for (const id of [mine.id, paid.id]) {
      expect((await t.http().get(`/v1/orders/${id}`).set(auth(eve)).expect(404)).body.code).toBe('ORDER_NOT_FOUND');
      await t.http().get(`/v1/orders/${id}/downloads`).set(auth(eve)).expect(404);
      await t.http().get(`/v1/orders/${id}/certificate`).set(auth(eve)).expect(404);
      await confirm(eve, id).expect(404);
      await t.http().get(`/v1/orders/${id}/downloads`).expect(401);
      // Admins may read orders, but downloads are the buyer's alone.
      await t.http().get(`/v1/orders/${id}`).set(auth(admin)).expect(200);
      await t.http().get(`/v1/orders/${id}/downloads`).set(auth(admin)).expect(404);
    }
    expect((await t.http().get(`/v1/orders/${mine.id}/downloads`).set(auth(buyer)).expect(409)).body.code).toBe('CHECKOUT_ORDER_NOT_PAID');
    await t.http().get(`/v1/orders/${paid.id}/downloads`).set(auth(buyer)).expect(200);
  });

  it('refuses a download URL once it has expired, and downloads at all once the licence term has ended', async () => {
    const bought = await order(buyer);
    await payWithDemoWallet(bought.solanaPay.url);
    await confirm(buyer, bought.id).expect(200);
    // The licence runs 12 months; move its end to 2 seconds from now. Download URLs never outlive the licence.
    await t.sql(`UPDATE entitlements SET expires_at = now() + interval '2 seconds' WHERE order_id = $1`, [bought.id]);
    const { files } = (await t.http().get(`/v1/orders/${bought.id}/downloads`).set(auth(buyer)).expect(200)).body;
    expect(new Date(files[0].expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(2_000);
    const path = files[0].url.slice(t.config.publicUrl.length);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await t.http().get(path).expect(403)).body.code).toBe('STORAGE_URL_EXPIRED');
    const ended = await t.http().get(`/v1/orders/${bought.id}/downloads`).set(auth(buyer)).expect(410);
    expect(ended.body).toMatchObject({ code: 'CHECKOUT_LICENCE_EXPIRED', message: expect.stringContaining('ended') });
  });

  it('rejects short, wrong-recipient and wrong-mint payments with the reason, and still takes a good payment after them', async () => {
    const short = await order(buyer);
    await payWithDemoWallet(alteredUrl(short.solanaPay.url, { amount: 19.98 }));
    const tooLittle = await confirm(buyer, short.id).expect(422);
    expect(tooLittle.body).toMatchObject({
      code: 'CHECKOUT_PAYMENT_INVALID',
      message: expect.stringContaining('short payment: less than the 19.99 USDC'),
    });
    expect((await t.http().get(`/v1/orders/${short.id}`).set(auth(buyer)).expect(200)).body).toMatchObject({
      status: 'pending',
      lastPaymentError: expect.stringContaining('short payment'),
      payments: [],
    });
    // The buyer pays again, properly: the later transaction carrying the reference pays the order.
    const good = await payWithDemoWallet(short.solanaPay.url);
    expect((await confirm(buyer, short.id).expect(200)).body).toMatchObject({ status: 'paid', payments: [{ reference: good }] });

    const elsewhere = await order(buyer);
    const stranger = (await generateKeyPairSigner()).address;
    await ledger.ensureTokenAccount(stranger);
    await payWithDemoWallet(alteredUrl(elsewhere.solanaPay.url, { recipient: stranger }));
    const wrongRecipient = await confirm(buyer, elsewhere.id).expect(422);
    expect(wrongRecipient.body.message).toContain(`wrong recipient: the USDC went to ${stranger}`);

    const otherToken = await order(buyer);
    const otherMint = await fundOtherMint(ledger, 100_000_000n);
    await payWithDemoWallet(alteredUrl(otherToken.solanaPay.url, { splToken: otherMint }));
    const wrongMint = await confirm(buyer, otherToken.id).expect(422);
    expect(wrongMint.body.message).toContain(`wrong mint: the transfer moved token ${otherMint}, not USDC (${ledger.usdcMint})`);

    for (const id of [elsewhere.id, otherToken.id]) {
      expect((await t.http().get(`/v1/orders/${id}`).set(auth(buyer)).expect(200)).body).toMatchObject({ status: 'pending', payments: [] });
      await t.http().get(`/v1/orders/${id}/downloads`).set(auth(buyer)).expect(409);
    }
  });

  it('refuses a payment replayed for a second order, by signature or by reference', async () => {
    const first = await order(buyer);
    const signature = await payWithDemoWallet(first.solanaPay.url);
    await confirm(buyer, first.id).expect(200);

    const second = await order(buyer);
    const replayed = await confirm(buyer, second.id, { signature }).expect(409);
    expect(replayed.body).toMatchObject({
      code: 'CHECKOUT_PAYMENT_ALREADY_USED',
      message: expect.stringContaining(`already paid order ${first.id}`),
    });
    // A transfer naming the first order's reference (and memo) but sent after the second order was placed pays nothing new.
    await payWithDemoWallet(first.solanaPay.url);
    await confirm(buyer, second.id).expect(409);
    expect((await t.http().get(`/v1/orders/${second.id}`).set(auth(buyer)).expect(200)).body).toMatchObject({ status: 'pending', payments: [] });
    const [row] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM payments WHERE external_reference = $1`, [signature]);
    expect(Number(row.n)).toBe(1);
    expect((await t.http().get(`/v1/orders/${first.id}`).set(auth(buyer)).expect(200)).body.payments).toHaveLength(1);
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
    expect(answers[loserIndex].body).toMatchObject({ code: 'CHECKOUT_EXCLUSIVE_SOLD', message: expect.stringContaining('refunded') });

    const refunded = await orderWhen(t, rivals[loserIndex], loser.id, (o) => o.payments.length === 2);
    expect(refunded).toMatchObject({ status: 'refunded', statusReason: expect.stringContaining('sold to another buyer') });
    expect(refunded.payments.map((p: { kind: string; amount: { minor: number } }) => [p.kind, p.amount.minor])).toEqual([
      ['charge', 500_000_000],
      ['refund', 500_000_000],
    ]);
    expect(await ledger.usdcBalance(ledger.demoBuyerAddress)).toBe(buyerBefore + 500_000_000n);
    expect((await t.http().get(`/v1/orders/${loser.id}/downloads`).set(auth(rivals[loserIndex])).expect(410)).body.code).toBe(
      'CHECKOUT_ENTITLEMENT_REVOKED',
    );
    expect((await confirm(rivals[loserIndex], loser.id).expect(409)).body.code).toBe('CHECKOUT_EXCLUSIVE_SOLD');

    const late = await t.http().post('/v1/orders').set(auth(rivals[2])).send({ datasetId: exclusive.datasetId, paymentMethod: 'solana' }).expect(409);
    expect(late.body).toMatchObject({ code: 'CHECKOUT_EXCLUSIVE_SOLD', message: expect.stringContaining('already sold') });
    const [sold] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM orders WHERE dataset_id = $1 AND status IN ('paid', 'fulfilled')`, [
      exclusive.datasetId,
    ]);
    expect(Number(sold.n)).toBe(1);
  });

  it('lets an admin refund a USDC order: the money goes back to the payer, the licence is revoked, and a second refund changes nothing', async () => {
    const bought = await order(buyer);
    const signature = await payWithDemoWallet(bought.solanaPay.url);
    await confirm(buyer, bought.id).expect(200);
    await t.http().post(`/v1/admin/orders/${bought.id}/refund`).set(auth(buyer)).send({ reason: 'I want my money' }).expect(403);
    await t.http().post(`/v1/admin/orders/${bought.id}/refund`).set(auth(admin)).send({}).expect(400);

    const payerBefore = await ledger.usdcBalance(ledger.demoBuyerAddress);
    const refunded = await t
      .http()
      .post(`/v1/admin/orders/${bought.id}/refund`)
      .set(auth(admin))
      .send({ reason: 'Files were unreadable' })
      .expect(200);
    expect(refunded.body).toMatchObject({ status: 'refunded', statusReason: 'Files were unreadable' });
    expect(refunded.body.payments).toEqual([
      expect.objectContaining({ kind: 'charge', reference: signature }),
      expect.objectContaining({ kind: 'refund', amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' } }),
    ]);
    expect(await ledger.usdcBalance(ledger.demoBuyerAddress)).toBe(payerBefore + BigInt(PRICE_BASE_UNITS));
    await expect(ledger.findMemo(refunded.body.payments[1].reference)).resolves.toBe(`refund:${bought.id}`);

    const again = await t.http().post(`/v1/admin/orders/${bought.id}/refund`).set(auth(admin)).send({ reason: 'Again' }).expect(200);
    expect(again.body.payments).toHaveLength(2);
    expect(await ledger.usdcBalance(ledger.demoBuyerAddress)).toBe(payerBefore + BigInt(PRICE_BASE_UNITS));
    // A crash after the transfer but before its row: the retry finds the transfer on the ledger and sends nothing.
    await t.sql(`DELETE FROM payments WHERE order_id = $1 AND kind = 'refund'`, [bought.id]);
    const resent = await t.app.get(RefundService).send(bought.id);
    expect(resent?.externalReference).toBe(refunded.body.payments[1].reference);
    expect(await ledger.usdcBalance(ledger.demoBuyerAddress)).toBe(payerBefore + BigInt(PRICE_BASE_UNITS));
    expect((await t.http().get(`/v1/orders/${bought.id}/downloads`).set(auth(buyer)).expect(410)).body.code).toBe('CHECKOUT_ENTITLEMENT_REVOKED');
    await t.http().get(`/v1/orders/${bought.id}/certificate`).set(auth(buyer)).expect(410);

    const unpaid = await order(buyer);
    expect(
      (await t.http().post(`/v1/admin/orders/${unpaid.id}/refund`).set(auth(admin)).send({ reason: 'Nothing to refund' }).expect(409)).body.code,
    ).toBe('CHECKOUT_NOT_REFUNDABLE');
  });

  it('expires an unpaid order when its time is up, and honours a payment that arrives late', async () => {
    const slow = await order(buyer);
    await t.sql(`UPDATE orders SET expires_at = now() WHERE id = $1`, [slow.id]);
    await sweepExpiredOrdersNow(t);
    const expired = await orderWhen(t, buyer, slow.id, (o) => o.status === 'expired');
    expect(expired.statusReason).toBe('not paid within 30 minutes');
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

  it('takes orders from API keys, refuses contributors, unknown datasets and card payments when Stripe is not configured', async () => {
    const key = (await t.http().post('/v1/api-keys').set(auth(buyer)).send({ name: 'pipeline' }).expect(201)).body.key as string;
    const viaKey = await t.http().post('/v1/orders').set('X-API-Key', key).send({ datasetId: open.datasetId, paymentMethod: 'solana' }).expect(201);
    expect((await t.http().get(`/v1/orders/${viaKey.body.id}`).set(auth(buyer)).expect(200)).body.id).toBe(viaKey.body.id);

    await t.http().post('/v1/orders').set(auth(alice)).send({ datasetId: open.datasetId, paymentMethod: 'solana' }).expect(403);
    const missing = await t
      .http()
      .post('/v1/orders')
      .set(auth(buyer))
      .send({ datasetId: '00000000-0000-4000-8000-000000000000', paymentMethod: 'solana' })
      .expect(404);
    expect(missing.body.code).toBe('CHECKOUT_DATASET_NOT_FOR_SALE');
    await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: open.datasetId, paymentMethod: 'bitcoin' }).expect(400);
    await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: open.datasetId, version: 2, paymentMethod: 'solana' }).expect(404);

    const card = await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId: open.datasetId, paymentMethod: 'card' }).expect(503);
    expect(card.body).toMatchObject({ code: 'CHECKOUT_CARD_NOT_CONFIGURED', message: expect.stringContaining('not configured') });
    expect((await t.http().post('/v1/webhooks/stripe').set('Stripe-Signature', 't=1,v1=00').send({ id: 'evt_1' }).expect(503)).body.code).toBe(
      'CHECKOUT_CARD_NOT_CONFIGURED',
    );
  });
});
