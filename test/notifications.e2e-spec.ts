import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetResponse } from '../src/catalog/dto/dataset.response.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { Plain } from '../src/common/plain.js';
import type { UserResponse } from '../src/auth/dto/user.response.js';
import type { WebhookCreatedResponse, WebhookDeliveryResponse, WebhookResponse } from '../src/notifications/dto/webhook.dto.js';
import type { WebhookEvent } from '../src/notifications/notification-events.js';
import { NotificationDispatchService } from '../src/notifications/services/notification-dispatch.service.js';
import { WebhookOutboxService } from '../src/notifications/services/webhook-outbox.service.js';
import { WithdrawalNoticeService } from '../src/notifications/services/withdrawal-notice.service.js';
import { TAKEDOWN_WORDS } from '../src/consent/takedown-kind.js';
import { verifyWebhookSignature } from '../src/notifications/webhook-signature.js';
import { readyCapture } from './support/captures.js';
import { auth, logIn, signUp, TEST_ADMIN } from './support/checkout.js';
import { grantAll } from './support/consent.js';
import { nmeaLog } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { waitFor } from './support/wait-for.js';
import { startReceiver } from './support/webhook-receiver.js';

const declarations = { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false };
const CONTRIBUTOR_REASON = 'My neighbour Jana Novak is visible at Trubarjeva 12.';

describe('buyer notifications: signed webhooks and e-mail on withdrawal (e2e)', () => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: string;
  let alice: string;
  let carol: string;
  let buyer: string;
  let other: string;
  let good: Plain<WebhookCreatedResponse>;
  let failing: Plain<WebhookCreatedResponse>;
  let datasetId: string;
  let orderId: string;
  let withdrawn: string;
  let carolsCapture: string;
  let late: string;
  let lateOrder: Plain<OrderResponse>;

  const register = (token: string, body: Record<string, unknown>) => t.http().post('/v1/me/webhooks').set(auth(token)).send(body);
  const deliveriesOf = async (token: string, id: string) =>
    (await t.http().get(`/v1/me/webhooks/${id}/deliveries`).set(auth(token)).expect(200)).body as Plain<WebhookDeliveryResponse>[];

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestApp({
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      AUTH_RATE_LIMIT: '1000',
      WEBHOOKS_ALLOW_LOOPBACK: 'true',
    });
    admin = await logIn(t, TEST_ADMIN.email, TEST_ADMIN.password);
    alice = await signUp(t, 'alice@example.com', 'contributor');
    carol = await signUp(t, 'carol@example.com', 'contributor');
    buyer = await signUp(t, 'buyer@example.com', 'buyer');
    other = await signUp(t, 'other-buyer@example.com', 'buyer');
    const mine = (await readyCapture(t, alice, nmeaLog(41), 'alice.nmea')).id;
    const theirs = (await readyCapture(t, carol, nmeaLog(43), 'carol.nmea')).id;
    withdrawn = mine;
    carolsCapture = theirs;
    const licences = (await t.http().get('/v1/licences').expect(200)).body as { id: string; slug: string }[];
    datasetId = (
      (
        await t
          .http()
          .post('/v1/datasets')
          .set(auth(admin))
          .send({
            title: 'Two drivers',
            description: 'Curated from two contributors.',
            captureIds: [mine, theirs],
            licenceTemplateId: licences.find((l) => l.slug === 'commercial-ai-training')?.id,
            priceUsdCents: 50_000,
            declarations,
          })
          .expect(201)
      ).body as DatasetResponse
    ).id;
    await grantAll(t, [alice, carol], datasetId);
    await t.http().post(`/v1/datasets/${datasetId}/submit`).set(auth(admin)).expect(200);
    await t.http().post(`/v1/admin/datasets/${datasetId}/approve`).set(auth(admin)).send({}).expect(200);
  }, 180_000);
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it('registers endpoints: the whsec_ secret shown once, never listed', async () => {
    good = (await register(buyer, { url: `${receiver.base}/good`, description: 'pipeline' }).expect(201)).body as Plain<WebhookCreatedResponse>;
    expect(good).toMatchObject({
      url: `${receiver.base}/good`,
      events: ['order.consent_withdrawn', 'order.paid', 'order.fulfilled', 'subscription.invoice'],
      status: 'enabled',
      description: 'pipeline',
    });
    expect(good.secret).toMatch(/^whsec_/);
    failing = (await register(buyer, { url: `${receiver.base}/failing`, events: ['order.consent_withdrawn'] }).expect(201))
      .body as Plain<WebhookCreatedResponse>;
    receiver.answer.set('/failing', 500);
    const listed = (await t.http().get('/v1/me/webhooks').set(auth(buyer)).expect(200)).body as Plain<WebhookResponse>[];
    expect(listed.map((endpoint) => endpoint.id).sort()).toEqual([good.id, failing.id].sort());
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    expect((await t.http().get('/v1/me/webhooks').set(auth(other)).expect(200)).body).toEqual([]);
  });

  it('refuses non-https, private and reserved addresses, bad events, a huge description, and other users’ endpoints', async () => {
    const code = async (token: string, body: Record<string, unknown>, status: number) =>
      ((await register(token, body).expect(status)).body as ErrorBody).code;
    expect(await code(buyer, { url: 'http://hooks.example.com/depai' }, 422)).toBe('NOTIFICATIONS_WEBHOOK_URL_REFUSED');
    for (const url of ['https://10.0.0.1/hook', 'https://192.168.1.20/hook', 'https://169.254.169.254/latest/meta-data', 'https://[fd00::1]/hook']) {
      expect(await code(buyer, { url }, 422)).toBe('NOTIFICATIONS_WEBHOOK_URL_REFUSED');
    }
    expect(await code(buyer, { url: 'not a url at all' }, 422)).toBe('NOTIFICATIONS_WEBHOOK_URL_REFUSED');
    expect(await code(buyer, { url: `${receiver.base}/x`, events: ['order.nope'] }, 400)).toBe('VALIDATION_FAILED');
    expect(await code(buyer, { url: `${receiver.base}/x`, description: 'x'.repeat(501) }, 400)).toBe('VALIDATION_FAILED');
    expect(await code(buyer, { url: `${receiver.base}/x`, organisationId: '0b7a8f52-3c1e-4d6f-9a21-5e8c7d4b2f10' }, 404)).toBe(
      'NOTIFICATIONS_ORGANISATION_NOT_MANAGED',
    );
    expect(await code(alice, { url: `${receiver.base}/x` }, 403)).toBeDefined();
    // Another buyer cannot see, read the log of, or delete the endpoint: 404 as for one that does not exist.
    await t.http().get(`/v1/me/webhooks/${good.id}/deliveries`).set(auth(other)).expect(404);
    expect(((await t.http().delete(`/v1/me/webhooks/${good.id}`).set(auth(other)).expect(404)).body as ErrorBody).code).toBe(
      'NOTIFICATIONS_WEBHOOK_NOT_FOUND',
    );
    await t.http().get('/v1/me/webhooks/not-a-uuid/deliveries').set(auth(buyer)).expect(400);
    // At most 10 endpoints per account.
    for (let i = 0; i < 10; i += 1) await register(other, { url: `${receiver.base}/o${i}` }).expect(201);
    expect(await code(other, { url: `${receiver.base}/o10` }, 409)).toBe('NOTIFICATIONS_WEBHOOK_LIMIT_REACHED');
  });

  it('a withdrawal reaches the buyer: a signed event to each endpoint, an e-mail, never the contributor’s reason', async () => {
    const order = (await t.http().post('/v1/orders').set(auth(buyer)).send({ datasetId, paymentMethod: 'solana' }).expect(201))
      .body as Plain<OrderResponse>;
    orderId = order.id;
    await t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
    await t.http().post(`/v1/orders/${orderId}/confirm-solana`).set(auth(buyer)).send({}).expect(200);
    // Subscribed to every event, /good hears of the payment (the endpoint only to withdrawals does not).
    const paid = await waitFor(() => receiver.received.find((request) => request.headers['depai-event-type'] === 'order.paid'), 'order.paid');
    expect(paid.path).toBe('/good');
    expect(verifyWebhookSignature(paid.body, paid.headers['depai-signature'] as string, good.secret)).toBe(true);
    expect(JSON.parse(paid.body)).toMatchObject({
      type: 'order.paid',
      data: { orderId, datasetId, version: 1, status: 'paid', amount: { minor: 500_000_000, currency: 'USDC' } },
    });
    expect(paid.body).not.toContain('buyerId');
    // Another buyer's order, placed now and paid only after the withdrawal (the last test).
    late = await signUp(t, 'late@example.com', 'buyer');
    lateOrder = (await t.http().post('/v1/orders').set(auth(late)).send({ datasetId, paymentMethod: 'solana' }).expect(201))
      .body as Plain<OrderResponse>;

    await t
      .http()
      .post(`/v1/datasets/${datasetId}/consent/withdrawals`)
      .set(auth(alice))
      .send({ captureIds: [withdrawn], reason: CONTRIBUTOR_REASON })
      .expect(201);

    const hit = await waitFor(
      () => receiver.received.find((request) => request.path === '/good' && request.headers['depai-event-type'] === 'order.consent_withdrawn'),
      'the signed event',
    );
    expect(verifyWebhookSignature(hit.body, hit.headers['depai-signature'] as string, good.secret)).toBe(true);
    expect(verifyWebhookSignature(hit.body, hit.headers['depai-signature'] as string, failing.secret)).toBe(false);
    const event = JSON.parse(hit.body) as WebhookEvent;
    expect(hit.headers['depai-event-id']).toBe(event.id);
    expect(event).toMatchObject({
      object: 'event',
      type: 'order.consent_withdrawn',
      data: {
        orderId,
        datasetId,
        version: 1,
        captureIds: [withdrawn],
        paths: [expect.stringContaining('alice.nmea')],
        reason: 'The contributor withdrew their consent to the use of these captures.',
      },
    });
    expect(hit.body).not.toContain('Jana');

    const mailDir = join(t.config.DATA_DIR, 'mail');
    const mail = await waitFor(() => {
      const files = (() => {
        try {
          return readdirSync(mailDir);
        } catch {
          return [];
        }
      })();
      return files.length > 0 ? readFileSync(join(mailDir, files[0]), 'utf8') : undefined;
    }, 'the e-mail file');
    expect(mail).toContain('To: buyer@example.com');
    expect(mail).toContain('Subject: Consent withdrawn for 1 file of your order of Two drivers');
    expect(mail).toContain(`http://marketplace.test/orders/${orderId}`);
    expect(mail).not.toContain('Jana');

    const delivered = await waitFor(async () => {
      const row = (await deliveriesOf(buyer, good.id)).find((delivery) => delivery.eventId === event.id);
      return row?.status === 'delivered' ? row : undefined;
    }, 'the delivery log');
    expect(delivered).toMatchObject({
      eventId: event.id,
      status: 'delivered',
      attempts: [{ attempt: 1, statusCode: 200, error: null, responseExcerpt: 'ok' }],
    });

    // The order page tells the same, and the other buyer heard nothing.
    const told = (await t.http().get(`/v1/orders/${orderId}`).set(auth(buyer)).expect(200)).body as Plain<OrderResponse>;
    expect(told.notices).toEqual([expect.objectContaining({ kind: 'withdrawal', captureIds: [withdrawn] })]);
    expect(receiver.received.filter((request) => /^\/o\d/.test(request.path))).toEqual([]);

    // The first download fulfils the order: order.fulfilled, once.
    await t.http().get(`/v1/orders/${orderId}/downloads`).set(auth(buyer)).expect(200);
    await t.http().get(`/v1/orders/${orderId}/downloads`).set(auth(buyer)).expect(200);
    const fulfilled = await waitFor(
      () => receiver.received.find((request) => request.headers['depai-event-type'] === 'order.fulfilled'),
      'order.fulfilled',
    );
    expect(JSON.parse(fulfilled.body)).toMatchObject({ type: 'order.fulfilled', data: { orderId, status: 'fulfilled' } });
    expect(await deliveriesOf(buyer, good.id)).toHaveLength(3);
  });

  it('a failing endpoint is retried with growing delays, each attempt logged, and one event is never queued twice', async () => {
    const first = await waitFor(async () => {
      const rows = await deliveriesOf(buyer, failing.id);
      return rows.length === 1 && rows[0].attempts.length === 1 ? rows[0] : undefined;
    }, 'the first failed attempt');
    expect(first).toMatchObject({
      status: 'pending',
      attempts: [{ attempt: 1, statusCode: 500, error: 'answered 500', responseExcerpt: 'receiver is down' }],
    });
    const wait1 = new Date(first.nextAttemptAt as Date).getTime() - new Date(first.attempts[0]?.at).getTime();
    expect(wait1).toBeGreaterThanOrEqual(59_000);
    expect(wait1).toBeLessThan(70_000);

    // The time comes (the clock is moved, not waited for); the sweep tries again and fails again: five minutes next.
    const dispatch = t.app.get(NotificationDispatchService);
    await t.sql(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = $1`, [first.id]);
    await dispatch.dispatchDue();
    const [second] = await deliveriesOf(buyer, failing.id);
    expect(second.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500]);
    const wait2 = new Date(second.nextAttemptAt as Date).getTime() - new Date(second.attempts[1].at).getTime();
    expect(wait2).toBeGreaterThanOrEqual(299_000);
    // Not due yet: a sweep now sends nothing.
    await dispatch.dispatchDue();
    expect((await deliveriesOf(buyer, failing.id))[0]?.attempts).toHaveLength(2);

    // The receiver is back: the third attempt delivers the same event, with the same id, newly signed.
    receiver.answer.set('/failing', 200);
    await t.sql(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = $1`, [first.id]);
    await dispatch.dispatchDue();
    const [third] = await deliveriesOf(buyer, failing.id);
    expect(third).toMatchObject({ status: 'delivered', nextAttemptAt: null });
    const sent = receiver.received.filter((request) => request.path === '/failing');
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((request) => request.body)).size).toBe(1);
    expect(verifyWebhookSignature(sent[2]?.body, sent[2]?.headers['depai-signature'] as string, failing.secret)).toBe(true);

    // The notice job again (a retry after a crash) queues nothing new.
    const [record] = await t.sql<{ id: string; created_at: Date }>(`SELECT id, created_at FROM consent_records WHERE kind = 'withdrawal'`);
    await t.app.get(WithdrawalNoticeService).writeNotices({ recordId: record.id, datasetId, captureIds: [withdrawn], at: new Date().toISOString() });
    expect(await t.sql(`SELECT event_type, count(*)::int AS n FROM webhook_deliveries GROUP BY 1 ORDER BY 1`)).toEqual([
      { event_type: 'order.consent_withdrawn', n: 2 },
      { event_type: 'order.fulfilled', n: 1 },
      { event_type: 'order.paid', n: 1 },
    ]);
    expect(await t.sql(`SELECT count(*)::int AS n FROM email_messages`)).toEqual([{ n: 1 }]);
  });

  it('disables an endpoint after 20 failed attempts in a row, holds its deliveries until it is enabled again (with a rotated secret); deleting it removes its log', async () => {
    receiver.answer.set('/failing', 503);
    await t.sql(`UPDATE webhook_endpoints SET consecutive_failures = 19 WHERE id = $1`, [failing.id]);
    await t.sql(
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 2, next_attempt_at = now(), delivered_at = NULL WHERE endpoint_id = $1`,
      [failing.id],
    );
    await t.sql(
      `DELETE FROM webhook_delivery_attempts WHERE attempt = 3 AND delivery_id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = $1)`,
      [failing.id],
    );
    // This sweep, or the scheduled one if it came first, makes the twentieth failed attempt.
    await t.app.get(NotificationDispatchService).dispatchDue();
    const disabled = await waitFor(async () => {
      const listed = (await t.http().get('/v1/me/webhooks').set(auth(buyer)).expect(200)).body as Plain<WebhookResponse>[];
      const endpoint = listed.find((row) => row.id === failing.id);
      return endpoint?.status === 'disabled' ? endpoint : undefined;
    }, 'the endpoint disabled');
    expect((await deliveriesOf(buyer, failing.id))[0]?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 503]);
    expect(disabled).toMatchObject({
      status: 'disabled',
      consecutiveFailures: 20,
      disabledReason: 'disabled after 20 failed deliveries in a row',
    });
    // Held while disabled: a sweep sends nothing.
    const sentToFailing = () => receiver.received.filter((request) => request.path === '/failing');
    const before = sentToFailing().length;
    receiver.answer.set('/failing', 200);
    await t.sql(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE endpoint_id = $1`, [failing.id]);
    await t.app.get(NotificationDispatchService).dispatchDue();
    expect(sentToFailing()).toHaveLength(before);

    // The owner mends the receiver, rotates the secret and enables the endpoint again; nobody else can.
    await t.http().post(`/v1/me/webhooks/${failing.id}/enable`).set(auth(other)).expect(404);
    await t.http().post(`/v1/me/webhooks/${failing.id}/rotate-secret`).set(auth(other)).expect(404);
    const rotated = (await t.http().post(`/v1/me/webhooks/${failing.id}/rotate-secret`).set(auth(buyer)).expect(200))
      .body as Plain<WebhookCreatedResponse>;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(failing.secret);
    expect(rotated.status).toBe('disabled');
    const listed = (await t.http().get('/v1/me/webhooks').set(auth(buyer)).expect(200)).body as Record<string, unknown>[];
    expect(JSON.stringify(listed)).not.toContain(rotated.secret);
    const enabled = (await t.http().post(`/v1/me/webhooks/${failing.id}/enable`).set(auth(buyer)).expect(200)).body as Plain<WebhookResponse>;
    expect(enabled).toMatchObject({ status: 'enabled', consecutiveFailures: 0, disabledReason: null });
    // The held delivery goes out at once (this sweep or the scheduled one), signed with the new secret only.
    await t.app.get(NotificationDispatchService).dispatchDue();
    const resent = await waitFor(() => sentToFailing()[before], 'the held delivery sent');
    const signature = resent.headers['depai-signature'] as string;
    expect(verifyWebhookSignature(resent.body, signature, rotated.secret)).toBe(true);
    expect(verifyWebhookSignature(resent.body, signature, failing.secret)).toBe(false);
    await waitFor(async () => ((await deliveriesOf(buyer, failing.id))[0]?.status === 'delivered' ? true : undefined), 'delivered');

    await t.http().delete(`/v1/me/webhooks/${failing.id}`).set(auth(buyer)).expect(204);
    await t.http().get(`/v1/me/webhooks/${failing.id}/deliveries`).set(auth(buyer)).expect(404);
    expect(await t.sql(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1`, [failing.id])).toEqual([{ n: 0 }]);
  });

  it("an organisation's owners and admins may register for its orders, and hear of them only while they manage it", async () => {
    const manager = await signUp(t, 'manager@acme.test', 'buyer');
    const colleague = await signUp(t, 'colleague@acme.test', 'buyer');
    const idOf = async (token: string) => ((await t.http().get('/v1/auth/me').set(auth(token)).expect(200)).body as UserResponse).id;
    const acme = ((await t.http().post('/v1/organisations').set(auth(manager)).send({ name: 'Acme' }).expect(201)).body as { id: string }).id;
    await t.http().post(`/v1/organisations/${acme}/members`).set(auth(manager)).send({ email: 'colleague@acme.test', role: 'admin' }).expect(201);
    const colleagueId = await idOf(colleague);
    const forAcme = (await register(colleague, { url: `${receiver.base}/acme`, organisationId: acme }).expect(201)).body as Plain<WebhookResponse>;
    expect(forAcme.organisationId).toBe(acme);
    // A plain member may not; nor may someone outside it.
    await t.http().patch(`/v1/organisations/${acme}/members/${colleagueId}`).set(auth(manager)).send({ role: 'member' }).expect(200);
    expect(((await register(colleague, { url: `${receiver.base}/acme`, organisationId: acme }).expect(404)).body as ErrorBody).code).toBe(
      'NOTIFICATIONS_ORGANISATION_NOT_MANAGED',
    );
    // Who hears of an order Acme holds (placed by the manager): the manager's own endpoints, and the colleague's Acme
    // endpoint only while the colleague manages Acme.
    const outbox = t.app.get(WebhookOutboxService);
    const managerId = await idOf(manager);
    expect(await outbox.recipientsOf('order.paid', managerId, acme)).toEqual([]);
    await t.http().patch(`/v1/organisations/${acme}/members/${colleagueId}`).set(auth(manager)).send({ role: 'admin' }).expect(200);
    expect((await outbox.recipientsOf('order.paid', managerId, acme)).map((endpoint) => endpoint.id)).toEqual([forAcme.id]);
    // Not for another organisation's orders, nor the colleague's endpoint for orders of no organisation.
    expect(await outbox.recipientsOf('order.paid', managerId, null)).toEqual([]);
  });

  it('an order paid after the withdrawal (placed before it) is told too, once', async () => {
    const endpoint = (await register(late, { url: `${receiver.base}/late` }).expect(201)).body as Plain<WebhookCreatedResponse>;
    await t.http().post('/v1/dev/solana/pay').send({ url: lateOrder.solanaPay?.url }).expect(200);
    await t.http().post(`/v1/orders/${lateOrder.id}/confirm-solana`).set(auth(late)).send({}).expect(200);
    const told = await waitFor(
      () => receiver.received.find((request) => request.path === '/late' && request.headers['depai-event-type'] === 'order.consent_withdrawn'),
      'the late buyer told of the withdrawal',
    );
    expect(verifyWebhookSignature(told.body, told.headers['depai-signature'] as string, endpoint.secret)).toBe(true);
    expect(JSON.parse(told.body)).toMatchObject({ data: { orderId: lateOrder.id, version: 1, captureIds: [withdrawn] } });
    await waitFor(
      async () =>
        (await t.sql(`SELECT 1 FROM email_messages WHERE to_address = 'late@example.com' AND status = 'sent'`)).length === 1 ? true : undefined,
      'the late buyer e-mailed',
    );
    // The withdrawal's own job again (as if it had run late) adds nothing for that order.
    const [record] = await t.sql<{ id: string; created_at: Date }>(`SELECT id, created_at FROM consent_records WHERE kind = 'withdrawal'`);
    await t.app
      .get(WithdrawalNoticeService)
      .writeNotices({ recordId: record.id, datasetId, captureIds: [withdrawn], at: record.created_at.toISOString() });
    expect(await deliveriesOf(late, endpoint.id)).toEqual([
      expect.objectContaining({ eventType: 'order.consent_withdrawn' }),
      expect.objectContaining({ eventType: 'order.paid' }),
    ]);
    expect(await t.sql(`SELECT count(*)::int AS n FROM email_messages WHERE to_address = 'late@example.com'`)).toEqual([{ n: 1 }]);
  });

  it("an admin's takedown reaches buyers the same way, in its kind's fixed words, never the request's text", async () => {
    const request = 'Email from a neighbour: my house at 12 Example Road is visible';
    await t
      .http()
      .post(`/v1/admin/datasets/${datasetId}/capture-takedowns`)
      .set(auth(admin))
      .send({ captureIds: [carolsCapture], kind: 'legal', reason: request })
      .expect(201);
    const told = await waitFor(
      () =>
        receiver.received.find(
          (request) =>
            request.path === '/good' && request.headers['depai-event-type'] === 'order.consent_withdrawn' && request.body.includes(carolsCapture),
        ),
      'the buyer told of the takedown',
    );
    expect(verifyWebhookSignature(told.body, told.headers['depai-signature'] as string, good.secret)).toBe(true);
    expect(JSON.parse(told.body)).toMatchObject({ data: { orderId, captureIds: [carolsCapture], reason: TAKEDOWN_WORDS.legal } });
    expect(told.body).not.toContain('Example Road');
    await waitFor(
      async () =>
        (await t.sql(`SELECT 1 FROM email_messages WHERE to_address = 'buyer@example.com' AND subject LIKE 'Consent withdrawn%'`)).length === 2
          ? true
          : undefined,
      'the buyer e-mailed of the takedown',
    );
  });
});
