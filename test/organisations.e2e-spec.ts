import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ApiKeyCreatedResponse } from '../src/auth/dto/api-key.dto.js';
import type { UserResponse } from '../src/auth/dto/user.response.js';
import type { DevPaymentResponse } from '../src/chain/dto/dev-payment.dto.js';
import type { CertificateResponse, DownloadsResponse } from '../src/checkout/dto/fulfilment.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import { verifyCertificate } from '../src/checkout/licence-certificate.js';
import type { StripeWebhookResponse } from '../src/checkout/payment-methods/stripe/stripe-webhook.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { Plain } from '../src/common/plain.js';
import type { LicenceTemplateResponse } from '../src/licensing/dto/licence.dto.js';
import type { OrganisationResponse, OrganisationSummaryResponse } from '../src/organisations/dto/organisation.response.js';
import { type PublishedDataset, auth, deliverStripeEvent, publishDataset, signUp, startStripeTestApp } from './support/checkout.js';
import { FakeStripe } from './support/fake-stripe.js';
import type { TestApp } from './support/test-app.js';

const PRICE_CENTS = 2_500;
const PRICE_BASE_UNITS = 25_000_000;

describe('organisations: buying as a team (e2e, real PostgreSQL, LiteSVM and the stripe SDK against a local Stripe)', () => {
  const stripe = new FakeStripe();
  let t: TestApp;
  let admin: string;
  let alice: string;
  /** Acme's owner, admin, plain member, a member removed later, and someone outside Acme. */
  let owner: string;
  let manager: string;
  let member: string;
  let leaver: string;
  let outsider: string;
  let ids: Record<'owner' | 'manager' | 'member' | 'leaver' | 'outsider', string>;
  let acme: string;
  let open: PublishedDataset;
  let exclusive: PublishedDataset;

  const codeOf = (res: { body: unknown }) => (res.body as ErrorBody).code;
  const userId = async (token: string) => ((await t.http().get('/v1/auth/me').set(auth(token)).expect(200)).body as UserResponse).id;
  const placeOrder = (token: string, body: Record<string, unknown>) => t.http().post('/v1/orders').set(auth(token)).send(body);
  const payWithDemoWallet = async (url: string) =>
    ((await t.http().post('/v1/dev/solana/pay').send({ url }).expect(200)).body as DevPaymentResponse).signature;
  const get = (token: string, path: string) => t.http().get(path).set(auth(token));
  const myOrderIds = async (token: string) => ((await get(token, '/v1/me/orders').expect(200)).body as OrderResponse[]).map((o) => o.id);
  const organisation = async (token: string) => (await get(token, `/v1/organisations/${acme}`).expect(200)).body as OrganisationResponse;
  const deliver = (payload: string) => deliverStripeEvent(t, stripe, payload);

  /** An organisation USDC order placed by `buyer`, paid from the demo wallet and confirmed. */
  const buyWithUsdc = async (buyer: string, organisationId: string, datasetId: string) => {
    // The organisation buys the same version again across these tests, on purpose.
    const created = (await placeOrder(buyer, { datasetId, paymentMethod: 'solana', organisationId, allowRepeat: true }).expect(201))
      .body as OrderResponse;
    if (!created.solanaPay) throw new Error(`order ${created.id} has no Solana Pay request`);
    const signature = await payWithDemoWallet(created.solanaPay.url);
    const paid = (await t.http().post(`/v1/orders/${created.id}/confirm-solana`).set(auth(buyer)).send({}).expect(200)).body as Plain<OrderResponse>;
    return { ...paid, signature };
  };

  beforeAll(async () => {
    ({ t, admin } = await startStripeTestApp(stripe));
    alice = await signUp(t, 'alice@example.com', 'contributor');
    owner = await signUp(t, 'owner@acme.test', 'buyer');
    manager = await signUp(t, 'manager@acme.test', 'buyer');
    member = await signUp(t, 'member@acme.test', 'buyer');
    leaver = await signUp(t, 'leaver@acme.test', 'buyer');
    outsider = await signUp(t, 'eve@example.com', 'buyer');
    ids = {
      owner: await userId(owner),
      manager: await userId(manager),
      member: await userId(member),
      leaver: await userId(leaver),
      outsider: await userId(outsider),
    };
    open = await publishDataset(
      t,
      { contributor: alice, admin },
      { title: 'Lidar sweeps', licenceSlug: 'commercial-ai-training', priceUsdCents: PRICE_CENTS, seed: 11 },
    );
    exclusive = await publishDataset(
      t,
      { contributor: alice, admin },
      { title: 'Exclusive radar', licenceSlug: 'exclusive-commercial', priceUsdCents: 70_000, seed: 12 },
    );
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  it('creates an organisation with its creator as owner, manages members and roles, and always keeps an owner', async () => {
    await t.http().post('/v1/organisations').send({ name: 'Acme' }).expect(401);
    await t.http().post('/v1/organisations').set(auth(alice)).send({ name: 'Acme' }).expect(403);
    expect(((await t.http().post('/v1/organisations').set(auth(owner)).send({ name: '   ' }).expect(400)).body as ErrorBody).statusCode).toBe(400);
    const created = (await t.http().post('/v1/organisations').set(auth(owner)).send({ name: '  Acme Robotics ' }).expect(201))
      .body as OrganisationResponse;
    acme = created.id;
    expect(created).toMatchObject({
      name: 'Acme Robotics',
      role: 'owner',
      members: [{ userId: ids.owner, email: 'owner@acme.test', role: 'owner' }],
    });

    const add = (token: string, email: string, role: string) =>
      t.http().post(`/v1/organisations/${acme}/members`).set(auth(token)).send({ email, role });
    await add(owner, 'manager@acme.test', 'admin').expect(201);
    // An admin manages members, but cannot make owners; a plain member manages nothing.
    expect(codeOf(await add(manager, 'member@acme.test', 'owner').expect(403))).toBe('ORGANISATION_FORBIDDEN');
    await add(manager, 'member@acme.test', 'member').expect(201);
    await add(manager, 'leaver@acme.test', 'member').expect(201);
    expect(codeOf(await add(member, 'eve@example.com', 'member').expect(403))).toBe('ORGANISATION_FORBIDDEN');
    expect(codeOf(await add(owner, 'member@acme.test', 'admin').expect(409))).toBe('ORGANISATION_ALREADY_MEMBER');
    expect(codeOf(await add(owner, 'nobody@acme.test', 'member').expect(404))).toBe('ORGANISATION_USER_NOT_FOUND');
    await add(owner, 'not-an-email', 'member').expect(400);
    await add(owner, 'eve@example.com', 'boss').expect(400);

    // Non-members learn nothing: the same 404 as an unknown id, on every route.
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const id of [acme, unknown]) {
      expect((await get(outsider, `/v1/organisations/${id}`).expect(404)).body as ErrorBody).toMatchObject({
        statusCode: 404,
        code: 'ORGANISATION_NOT_FOUND',
      });
      await add(outsider, 'eve@example.com', 'member').expect(404);
      await t.http().patch(`/v1/organisations/${id}/members/${ids.member}`).set(auth(outsider)).send({ role: 'admin' }).expect(404);
      await t.http().delete(`/v1/organisations/${id}/members/${ids.member}`).set(auth(outsider)).expect(404);
      await t.http().post(`/v1/organisations/${id}/leave`).set(auth(outsider)).expect(404);
    }
    expect((await get(outsider, '/v1/organisations').expect(200)).body as OrganisationSummaryResponse[]).toEqual([]);
    expect((await get(member, '/v1/organisations').expect(200)).body as OrganisationSummaryResponse[]).toEqual([
      { id: acme, name: 'Acme Robotics', role: 'member', createdAt: expect.any(String) },
    ]);
    const seen = await organisation(member);
    expect(seen.members.map((m) => [m.email, m.role])).toEqual([
      ['owner@acme.test', 'owner'],
      ['manager@acme.test', 'admin'],
      ['member@acme.test', 'member'],
      ['leaver@acme.test', 'member'],
    ]);

    // The last owner can neither leave, be demoted nor removed; after handing over ownership they can.
    const role = (token: string, who: string, r: string) =>
      t.http().patch(`/v1/organisations/${acme}/members/${who}`).set(auth(token)).send({ role: r });
    expect(codeOf(await t.http().post(`/v1/organisations/${acme}/leave`).set(auth(owner)).expect(409))).toBe('ORGANISATION_LAST_OWNER');
    expect(codeOf(await role(owner, ids.owner, 'admin').expect(409))).toBe('ORGANISATION_LAST_OWNER');
    expect(codeOf(await role(manager, ids.owner, 'member').expect(403))).toBe('ORGANISATION_FORBIDDEN');
    await t.http().delete(`/v1/organisations/${acme}/members/${ids.owner}`).set(auth(manager)).expect(403);
    expect(codeOf(await role(owner, ids.outsider, 'admin').expect(404))).toBe('ORGANISATION_MEMBER_NOT_FOUND');
    await role(owner, ids.manager, 'owner').expect(200);
    await role(manager, ids.owner, 'admin').expect(200);
    await role(manager, ids.owner, 'owner').expect(200);
    await role(owner, ids.manager, 'admin').expect(200);
    expect((await organisation(owner)).members.map((m) => m.role)).toEqual(['owner', 'admin', 'member', 'member']);

    // Two owners demoting each other at once: the organisation's row lock lets one through, the other finds it last.
    await role(owner, ids.manager, 'owner').expect(200);
    const both = await Promise.all([role(owner, ids.owner, 'admin'), role(manager, ids.manager, 'admin')]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const owners = (await organisation(member)).members.filter((m) => m.role === 'owner');
    expect(owners).toHaveLength(1);
    // Back to: owner is the owner, manager an admin.
    const remaining = owners[0].userId === ids.owner ? owner : manager;
    if (remaining === manager) {
      await role(manager, ids.owner, 'owner').expect(200);
      await role(owner, ids.manager, 'admin').expect(200);
    }
    const final = (await organisation(owner)).members;
    expect(final.map((m) => [m.email, m.role])).toEqual([
      ['owner@acme.test', 'owner'],
      ['manager@acme.test', 'admin'],
      ['member@acme.test', 'member'],
      ['leaver@acme.test', 'member'],
    ]);
  });

  it('sells to the organisation in USDC: every member sees it, downloads and gets a certificate naming the organisation; outsiders get 404', async () => {
    const unknownOrg = '00000000-0000-4000-8000-000000000000';
    expect(codeOf(await placeOrder(outsider, { datasetId: open.datasetId, paymentMethod: 'solana', organisationId: acme }).expect(404))).toBe(
      'CHECKOUT_ORGANISATION_NOT_FOUND',
    );
    await placeOrder(owner, { datasetId: open.datasetId, paymentMethod: 'solana', organisationId: unknownOrg }).expect(404);
    expect(codeOf(await placeOrder(member, { datasetId: open.datasetId, paymentMethod: 'solana', organisationId: acme }).expect(403))).toBe(
      'CHECKOUT_ORGANISATION_CANNOT_BUY',
    );
    await placeOrder(owner, { datasetId: open.datasetId, paymentMethod: 'solana', organisationId: 'acme' }).expect(400);

    const order = await buyWithUsdc(manager, acme, open.datasetId);
    expect(order).toMatchObject({
      status: 'paid',
      buyerId: ids.manager,
      organisationId: acme,
      organisationName: 'Acme Robotics',
      amount: { minor: PRICE_BASE_UNITS, currency: 'USDC' },
    });
    const [entitlement] = await t.sql<{ organisation_id: string; buyer_id: string }>(
      `SELECT organisation_id, buyer_id FROM entitlements WHERE order_id = $1`,
      [order.id],
    );
    expect(entitlement).toEqual({ organisation_id: acme, buyer_id: ids.manager });

    // A plain member, who could not buy, uses what the organisation bought; so does their API key.
    const key = ((await t.http().post('/v1/api-keys').set(auth(member)).send({ name: 'training cluster' }).expect(201)).body as ApiKeyCreatedResponse)
      .key;
    expect(((await get(member, `/v1/orders/${order.id}`).expect(200)).body as OrderResponse).id).toBe(order.id);
    const downloads = (await get(member, `/v1/orders/${order.id}/downloads`).expect(200)).body as DownloadsResponse;
    expect(downloads.files.map((f) => f.path)).toEqual(open.files.map((f) => f.path));
    const file = downloads.files[0];
    await t.http().get(file.url.slice(t.config.publicUrl.length)).expect(200);
    await t.http().get(`/v1/orders/${order.id}/downloads`).set('X-API-Key', key).expect(200);
    const certificate = (await get(member, `/v1/orders/${order.id}/certificate`).expect(200)).body as CertificateResponse;
    expect(verifyCertificate(certificate)).toBe(true);
    expect(JSON.parse(certificate.payload)).toMatchObject({
      orderId: order.id,
      organisation: { id: acme, name: 'Acme Robotics' },
      buyer: { id: ids.manager, email: 'manager@acme.test' },
      dataset: { id: open.datasetId, merkleRoot: open.merkleRoot },
      payment: { method: 'solana', reference: order.signature },
    });
    expect((await get(owner, `/v1/orders/${order.id}/certificate`).expect(200)).body as CertificateResponse).toEqual(certificate);
    expect(await myOrderIds(member)).toContain(order.id);
    expect(await myOrderIds(leaver)).toContain(order.id);

    // Outsiders: the same 404 as an unknown order, on every route. The platform admin reads it but downloads nothing.
    for (const path of [`/v1/orders/${order.id}`, `/v1/orders/${order.id}/downloads`, `/v1/orders/${order.id}/certificate`]) {
      expect(codeOf(await get(outsider, path).expect(404))).toBe('ORDER_NOT_FOUND');
    }
    await t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(outsider)).send({}).expect(404);
    expect(await myOrderIds(outsider)).not.toContain(order.id);
    await get(admin, `/v1/orders/${order.id}`).expect(200);
    await get(admin, `/v1/orders/${order.id}/downloads`).expect(404);

    // A removed member, and a member who leaves, lose access at once, API keys included.
    await t.http().delete(`/v1/organisations/${acme}/members/${ids.member}`).set(auth(manager)).expect(204);
    for (const path of [`/v1/orders/${order.id}`, `/v1/orders/${order.id}/downloads`, `/v1/orders/${order.id}/certificate`]) {
      await get(member, path).expect(404);
      await t.http().get(path).set('X-API-Key', key).expect(404);
    }
    expect(await myOrderIds(member)).not.toContain(order.id);
    await get(member, `/v1/organisations/${acme}`).expect(404);
    // The download URL the member was handed while still a member stops working with the membership.
    const revoked = await t.http().get(file.url.slice(t.config.publicUrl.length)).expect(403);
    expect(revoked.body as ErrorBody).toMatchObject({ code: 'STORAGE_URL_REVOKED', message: expect.stringContaining('no longer a member') });
    await t.http().post(`/v1/organisations/${acme}/leave`).set(auth(leaver)).expect(204);
    await get(leaver, `/v1/orders/${order.id}/downloads`).expect(404);
    expect(await myOrderIds(leaver)).not.toContain(order.id);
    // The purchasing member's access too is the organisation's: it ends with their membership, and comes back with it.
    await t.http().delete(`/v1/organisations/${acme}/members/${ids.manager}`).set(auth(owner)).expect(204);
    await get(manager, `/v1/orders/${order.id}`).expect(404);
    await get(manager, `/v1/orders/${order.id}/downloads`).expect(404);
    for (const email of ['manager@acme.test', 'member@acme.test']) {
      await t
        .http()
        .post(`/v1/organisations/${acme}/members`)
        .set(auth(owner))
        .send({ email, role: email.startsWith('manager') ? 'admin' : 'member' })
        .expect(201);
    }
    await get(manager, `/v1/orders/${order.id}/downloads`).expect(200);
    await get(member, `/v1/orders/${order.id}/downloads`).expect(200);
  });

  it('sells to the organisation by card, and a refund revokes the licence for every member', async () => {
    const created = (
      await placeOrder(owner, { datasetId: open.datasetId, paymentMethod: 'card', organisationId: acme, allowRepeat: true }).expect(201)
    ).body as OrderResponse;
    expect(created).toMatchObject({ organisationId: acme, status: 'pending' });
    if (!created.stripe) throw new Error(`order ${created.id} has no Checkout Session`);
    const { payload } = stripe.event('checkout.session.completed', stripe.sessionObject(created.stripe.sessionId));
    expect(((await deliver(payload).expect(200)).body as StripeWebhookResponse).outcome).toBe('paid');
    for (const token of [owner, manager, member]) await get(token, `/v1/orders/${created.id}/downloads`).expect(200);
    const certificate = (await get(member, `/v1/orders/${created.id}/certificate`).expect(200)).body as CertificateResponse;
    expect(verifyCertificate(certificate)).toBe(true);
    expect(JSON.parse(certificate.payload)).toMatchObject({
      organisation: { id: acme, name: 'Acme Robotics' },
      buyer: { email: 'owner@acme.test' },
      payment: { method: 'card' },
    });
    await get(outsider, `/v1/orders/${created.id}/downloads`).expect(404);

    const refunded = (
      await t.http().post(`/v1/admin/orders/${created.id}/refund`).set(auth(admin)).send({ reason: 'Duplicate purchase by the team' }).expect(200)
    ).body as OrderResponse;
    expect(refunded).toMatchObject({
      status: 'refunded',
      payments: [{ kind: 'charge' }, { kind: 'refund', amount: { minor: PRICE_CENTS, currency: 'USD' } }],
    });
    for (const token of [owner, manager, member]) {
      expect(codeOf(await get(token, `/v1/orders/${created.id}/downloads`).expect(410))).toBe('CHECKOUT_ENTITLEMENT_REVOKED');
      await get(token, `/v1/orders/${created.id}/certificate`).expect(410);
    }
    await get(outsider, `/v1/orders/${created.id}/downloads`).expect(404);
  });

  it('refunds a USDC organisation order to the paying wallet and revokes it for every member', async () => {
    const order = await buyWithUsdc(owner, acme, open.datasetId);
    await get(member, `/v1/orders/${order.id}/downloads`).expect(200);
    const refunded = (await t.http().post(`/v1/admin/orders/${order.id}/refund`).set(auth(admin)).send({ reason: 'Wrong dataset' }).expect(200))
      .body as OrderResponse;
    expect(refunded.payments.map((p) => [p.kind, p.amount.minor])).toEqual([
      ['charge', PRICE_BASE_UNITS],
      ['refund', PRICE_BASE_UNITS],
    ]);
    for (const token of [owner, manager, member]) await get(token, `/v1/orders/${order.id}/downloads`).expect(410);
  });

  it('sells an exclusive licence once, also when an organisation buys it', async () => {
    const order = await buyWithUsdc(manager, acme, exclusive.datasetId);
    expect(order.status).toBe('paid');
    expect(codeOf(await placeOrder(outsider, { datasetId: exclusive.datasetId, paymentMethod: 'solana' }).expect(409))).toBe(
      'CHECKOUT_EXCLUSIVE_SOLD',
    );
    await get(member, `/v1/orders/${order.id}/downloads`).expect(200);
  });

  it('gives an organisation licence with maxSeats to at most that many members; a leaver frees their seat', async () => {
    const template = (
      await t
        .http()
        .post('/v1/admin/licences')
        .set(auth(admin))
        .send({
          slug: 'two-seat-commercial',
          name: 'Commercial, two seats',
          terms: {
            permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: false },
            attributionRequired: false,
            territory: ['WORLD'],
            termMonths: null,
            exclusive: false,
            maxSeats: 2,
          },
          text: 'Up to two named users of the licensee may use the dataset.',
        })
        .expect(201)
    ).body as LicenceTemplateResponse;
    expect(template.terms.maxSeats).toBe(2);
    const seated = await publishDataset(
      t,
      { contributor: alice, admin },
      { title: 'Seated IMU logs', licenceSlug: 'two-seat-commercial', priceUsdCents: 1_000, seed: 13 },
    );
    const order = await buyWithUsdc(owner, acme, seated.datasetId);

    await get(owner, `/v1/orders/${order.id}/downloads`).expect(200);
    // Concurrent first downloads by two members contend for the one seat left: exactly one gets it.
    const contenders = await Promise.all([get(manager, `/v1/orders/${order.id}/downloads`), get(member, `/v1/orders/${order.id}/downloads`)]);
    expect(contenders.map((r) => r.status).sort()).toEqual([200, 409]);
    const [loser, winnerId] = contenders[0].status === 409 ? [manager, ids.member] : [member, ids.manager];
    const refused = contenders.find((r) => r.status === 409);
    expect(refused?.body).toMatchObject({ code: 'CHECKOUT_SEATS_TAKEN', message: expect.stringContaining('2 seat(s)') });
    // Seat holders keep downloading; the certificate is not seat-bound.
    await get(owner, `/v1/orders/${order.id}/downloads`).expect(200);
    await get(loser, `/v1/orders/${order.id}/certificate`).expect(200);
    expect((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM entitlement_seats`, []))[0].n).toBe('2');

    // The seat holder leaves (or is removed): their seat frees up for the member who was refused.
    await t.http().delete(`/v1/organisations/${acme}/members/${winnerId}`).set(auth(owner)).expect(204);
    await get(loser, `/v1/orders/${order.id}/downloads`).expect(200);
  });
});
