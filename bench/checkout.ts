/**
 * npm run bench:checkout [-- orders]   (DATABASE_URL: a PostgreSQL server to make a throwaway database on; unset: embedded)
 *
 * 1. Solana round trip on the embedded LiteSVM ledger, over real HTTP: POST /v1/orders (solana), pay the URL from the
 *    demo wallet (POST /v1/dev/solana/pay), POST /v1/orders/:id/confirm-solana. Sequentially (latency: p50, p95) and
 *    with 8 buyers at once (orders/s).
 * 2. Stripe webhooks: one checkout.session.completed per card order plus 10% redelivered duplicates, shuffled, 8 at a
 *    time (events/s), then a check that no order was paid or fulfilled twice.
 */
import type { AddressInfo } from 'node:net';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import type { StripeWebhookResponse } from '../src/checkout/payment-methods/stripe/stripe-webhook.response.js';
import { auth, logIn, publishDataset, signUp } from '../test/support/checkout.js';
import { FakeStripe } from '../test/support/fake-stripe.js';
import { startTestApp, type TestApp } from '../test/support/test-app.js';

const ORDERS = Number(process.argv[2] ?? 1000);
const CONCURRENCY = 8;

/** The fields of an order the bench reads (none of them a date, so the DTO's types hold for the JSON as it is). */
type OrderAnswer = Pick<OrderResponse, 'id' | 'status' | 'solanaPay' | 'stripe'>;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Calls the service; answers the parsed JSON body as `T`, the response DTO (or the part of it) the route answers. */
async function json<T>(base: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token ? auth(token) : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Runs `count` tasks, `width` at a time; answers the wall time in seconds. */
async function pool(count: number, width: number, task: (index: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const stripe = new FakeStripe();
  const apiUrl = await stripe.start();
  const t: TestApp = await startTestApp({
    ADMIN_EMAIL: 'root@marketplace.test',
    ADMIN_PASSWORD: 'correct-horse-battery',
    AUTH_RATE_LIMIT: '100000',
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
    STRIPE_API_URL: apiUrl,
    DATABASE_POOL_SIZE: '10',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  });
  try {
    await t.app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const admin = await logIn(t, 'root@marketplace.test', 'correct-horse-battery');
    const contributor = await signUp(t, 'alice@example.com', 'contributor');
    const buyer = await signUp(t, 'buyer@example.com', 'buyer');
    const { datasetId } = await publishDataset(
      t,
      { contributor, admin },
      { title: 'Bench drives', licenceSlug: 'commercial-ai-training', priceUsdCents: 1999, seed: 1 },
    );

    const steps = { create: [] as number[], pay: [] as number[], confirm: [] as number[] };
    const timed = async <T>(list: number[], work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await work();
      list.push(performance.now() - started);
      return result;
    };
    const roundTrip = async () => {
      const started = performance.now();
      const order = await timed(steps.create, () =>
        json<OrderAnswer>(base, '/v1/orders', buyer, { datasetId, paymentMethod: 'solana', allowRepeat: true }),
      );
      if (!order.solanaPay) throw new Error(`order ${order.id} came without a Solana Pay request`);
      const { url } = order.solanaPay;
      await timed(steps.pay, () => json(base, '/v1/dev/solana/pay', null, { url }));
      const paid = await timed(steps.confirm, () => json<OrderAnswer>(base, `/v1/orders/${order.id}/confirm-solana`, buyer, {}));
      if (paid.status !== 'paid') throw new Error(`order ${order.id} is ${paid.status}`);
      return performance.now() - started;
    };
    const median = (list: number[]) =>
      percentile(
        [...list].sort((a, b) => a - b),
        50,
      ).toFixed(1);

    const sequential: number[] = [];
    const sequentialSeconds = await pool(ORDERS, 1, async () => void sequential.push(await roundTrip()));
    sequential.sort((a, b) => a - b);
    const stepMedians = `create ${median(steps.create)} ms, pay ${median(steps.pay)} ms, confirm ${median(steps.confirm)} ms`;
    const concurrentLatency: number[] = [];
    const concurrentSeconds = await pool(ORDERS, CONCURRENCY, async () => void concurrentLatency.push(await roundTrip()));
    concurrentLatency.sort((a, b) => a - b);
    console.log(`Solana order round trip (create + pay on LiteSVM + confirm), ${ORDERS} orders each run:`);
    console.log(
      `  1 buyer:  ${(ORDERS / sequentialSeconds).toFixed(1)} orders/s, latency p50 ${percentile(sequential, 50).toFixed(1)} ms, p95 ${percentile(sequential, 95).toFixed(1)} ms`,
    );
    console.log(`            medians per step: ${stepMedians}`);
    console.log(
      `  ${CONCURRENCY} buyers: ${(ORDERS / concurrentSeconds).toFixed(1)} orders/s, latency p50 ${percentile(concurrentLatency, 50).toFixed(1)} ms, p95 ${percentile(concurrentLatency, 95).toFixed(1)} ms`,
    );

    const cardOrders: { id: string; sessionId: string }[] = [];
    await pool(ORDERS, CONCURRENCY, async () => {
      const order = await json<OrderAnswer>(base, '/v1/orders', buyer, { datasetId, paymentMethod: 'card', allowRepeat: true });
      if (!order.stripe) throw new Error(`order ${order.id} came without a Checkout Session`);
      cardOrders.push({ id: order.id, sessionId: order.stripe.sessionId });
    });
    const events = cardOrders.map((order) => stripe.event('checkout.session.completed', stripe.sessionObject(order.sessionId)).payload);
    const deliveries = [...events, ...events.slice(0, Math.round(events.length / 10))];
    for (let i = deliveries.length - 1; i > 0; i -= 1) {
      const j = Math.floor(Math.random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]];
    }
    let duplicates = 0;
    const webhookSeconds = await pool(deliveries.length, CONCURRENCY, async (index) => {
      const payload = deliveries[index];
      const answer = await json<StripeWebhookResponse>(base, '/v1/webhooks/stripe', null, payload, { 'stripe-signature': stripe.sign(payload) });
      if (answer.duplicate) duplicates += 1;
    });
    const ids = cardOrders.map((order) => order.id);
    const [check] = await t.sql<{ paid: string; charges: string; entitlements: string; doubled: string }>(
      `SELECT (SELECT count(*) FROM orders WHERE id = ANY($1) AND status = 'paid') AS paid,
              (SELECT count(*) FROM payments WHERE order_id = ANY($1)) AS charges,
              (SELECT count(*) FROM entitlements WHERE order_id = ANY($1)) AS entitlements,
              (SELECT count(*) FROM (SELECT order_id FROM payments WHERE order_id = ANY($1) GROUP BY order_id HAVING count(*) > 1) d) AS doubled`,
      [ids],
    );
    console.log(`Stripe webhooks: ${deliveries.length} deliveries (${deliveries.length - events.length} duplicates), ${CONCURRENCY} at a time:`);
    console.log(`  ${(deliveries.length / webhookSeconds).toFixed(1)} events/s; answered as duplicates: ${duplicates}`);
    console.log(
      `  orders paid ${check.paid}/${ORDERS}, charges ${check.charges}, entitlements ${check.entitlements}, orders paid twice: ${check.doubled}`,
    );
    if (Number(check.doubled) !== 0 || Number(check.entitlements) !== ORDERS || duplicates !== deliveries.length - events.length)
      process.exitCode = 1;
  } finally {
    await t.close();
    await stripe.stop();
  }
}

void main();
