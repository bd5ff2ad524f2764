import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/** A form body: any key may be missing. */
type FakeForm = Partial<Record<string, string>>;

/** The metadata[...] keys of a form body. */
function metadataOf(form: FakeForm): Record<string, string> {
  return Object.fromEntries(
    Object.entries(form).flatMap(([key, value]) => (key.startsWith('metadata[') && value !== undefined ? [[key.slice(9, -1), value]] : [])),
  );
}

export interface RecordedStripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  /** The form body as flat keys, as the SDK sends it: `metadata[order_id]`, `line_items[0][price_data][unit_amount]`. */
  form: FakeForm;
}

export interface FakeSession {
  id: string;
  url: string;
  amount_total: number;
  currency: string;
  metadata: Record<string, string>;
  client_reference_id: string | null;
}

/**
 * A local stand-in for api.stripe.com that the real stripe SDK talks to (STRIPE_API_URL): it records every request
 * and answers Checkout Session and refund creation, replaying the first answer for a repeated idempotency key as
 * Stripe does. Webhook events are built with `event()` and signed with the SDK's generateTestHeaderString.
 */
export class FakeStripe {
  readonly requests: RecordedStripeRequest[] = [];
  readonly sessions = new Map<string, FakeSession>();
  /** Connect transfers created through POST /v1/transfers, in order. */
  readonly transfers: FakeTransfer[] = [];
  /** Refunds, in order: those created through POST /v1/refunds and those made "in the dashboard" (dashboardRefund). */
  readonly refunds: FakeRefund[] = [];
  /** Requests waiting behind a gate of holdRequestsTo. */
  held = 0;
  /** Answer this status to the next requests (e.g. 500 to play an outage); null answers normally. */
  failWith: number | null = null;
  private readonly replies = new Map<string, { status: number; body: unknown }>();
  /** Paths whose requests wait for a gate to open (holdRequestsTo), as a slow Stripe would. */
  private readonly gates = new Map<string, Promise<undefined>>();
  private readonly server: Server;
  private counter = 0;
  private readonly sdk = new Stripe('sk_test_signing_only');

  constructor(readonly webhookSecret = 'whsec_fake_stripe_secret') {
    this.server = createServer((req, res) => {
      void this.read(req).then(async (body) => {
        const gate = this.gates.get((req.url ?? '').split('?')[0]);
        if (gate) {
          this.held += 1;
          await gate;
          this.held -= 1;
        }
        const { status, reply } = this.answer(req, body);
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${this.counter}` });
        res.end(JSON.stringify(reply));
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.server.close((error) => {
        if (error) reject(error);
        else resolve();
      }),
    );
  }

  /** Holds every request to `path` (method and body already read) until the returned function is called. */
  holdRequestsTo(path: string): () => void {
    let open: (value: undefined) => void = () => undefined;
    this.gates.set(
      path,
      new Promise<undefined>((resolve) => {
        open = resolve;
      }),
    );
    return () => {
      this.gates.delete(path);
      open(undefined);
    };
  }

  requestsTo(path: string): RecordedStripeRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** A webhook event as Stripe sends it. */
  event(type: string, object: Record<string, unknown>, id = `evt_${(this.counter += 1)}`): { id: string; payload: string } {
    const payload = JSON.stringify({
      id,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: Math.floor(Date.now() / 1000),
      type,
      data: { object },
    });
    return { id, payload };
  }

  /** A valid Stripe-Signature header for the payload. */
  sign(payload: string, secret = this.webhookSecret): string {
    return this.sdk.webhooks.generateTestHeaderString({ payload, secret });
  }

  /** A correctly signed header made at another time, e.g. too long ago for the SDK's tolerance. */
  sdkHeaderAt(payload: string, timestamp: number, secret = this.webhookSecret): string {
    return this.sdk.webhooks.generateTestHeaderString({ payload, secret, timestamp });
  }

  /** The checkout.session.* object of a session this server created, as paid (or with the overrides). */
  sessionObject(sessionId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    return {
      id: session.id,
      object: 'checkout.session',
      mode: 'payment',
      status: 'complete',
      payment_status: 'paid',
      amount_total: session.amount_total,
      currency: session.currency,
      client_reference_id: session.client_reference_id,
      metadata: session.metadata,
      payment_intent: `pi_${session.id.slice(3)}`,
      ...overrides,
    };
  }

  private async read(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private answer(req: IncomingMessage, body: string): { status: number; reply: unknown } {
    const form = Object.fromEntries(new URLSearchParams(body));
    const path = (req.url ?? '').split('?')[0];
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    this.requests.push({ method: req.method ?? '', path, idempotencyKey, authorization: req.headers.authorization, form });
    if (this.failWith) return { status: this.failWith, reply: { error: { type: 'api_error', message: 'fake outage' } } };
    const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    if (req.method === 'GET' && path === '/v1/transfers') return this.listTransfers(query);
    if (req.method === 'GET' && path === '/v1/refunds') return this.listRefunds(query);
    const replayKey = idempotencyKey && `${path}:${idempotencyKey}`;
    const earlier = replayKey ? this.replies.get(replayKey) : undefined;
    if (earlier) return { status: earlier.status, reply: earlier.body };
    const reply = this.create(path, form);
    if (replayKey) this.replies.set(replayKey, { status: reply.status, body: reply.reply });
    return reply;
  }

  private create(path: string, form: FakeForm): { status: number; reply: unknown } {
    this.counter += 1;
    if (path === '/v1/checkout/sessions') {
      const id = `cs_test_${this.counter}`;
      const session: FakeSession = {
        id,
        url: `https://checkout.stripe.test/c/pay/${id}`,
        // Stripe's amount_total is the sum of the line items (a cart checkout has one per order).
        amount_total: Object.entries(form).reduce(
          (sum, [key, value]) => (/^line_items\[\d+\]\[price_data\]\[unit_amount\]$/.test(key) ? sum + Number(value) : sum),
          0,
        ),
        currency: form['line_items[0][price_data][currency]'] ?? 'usd',
        metadata: metadataOf(form),
        client_reference_id: form.client_reference_id ?? null,
      };
      this.sessions.set(id, session);
      return {
        status: 200,
        reply: { object: 'checkout.session', mode: 'payment', status: 'open', payment_status: 'unpaid', payment_intent: null, ...session },
      };
    }
    if (path === '/v1/refunds') return this.createRefund(form);
    if (path === '/v1/transfers') return this.createTransfer(form);
    return { status: 404, reply: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (POST: ${path})` } } };
  }

  /**
   * A refund made outside the marketplace (Stripe's dashboard): no metadata. Answers it, for the charge.refunded
   * event the test then delivers.
   */
  dashboardRefund(paymentIntent: string, amount: number): FakeRefund {
    this.counter += 1;
    const refund: FakeRefund = {
      id: `re_dashboard_${this.counter}`,
      object: 'refund',
      status: 'succeeded',
      amount,
      payment_intent: paymentIntent,
      metadata: {},
    };
    this.refunds.push(refund);
    return refund;
  }

  /**
   * POST /v1/refunds: refunds a payment intent. One of a session this server created cannot be refunded beyond the
   * session's amount, as Stripe refuses (charge_already_refunded).
   */
  private createRefund(form: FakeForm): { status: number; reply: unknown } {
    const amount = Number(form.amount);
    const paymentIntent = form.payment_intent ?? '';
    const session = this.sessions.get(`cs_${paymentIntent.slice(3)}`);
    const refunded = this.refunds.filter((r) => r.payment_intent === paymentIntent).reduce((sum, r) => sum + r.amount, 0);
    if (session && refunded + amount > session.amount_total) {
      return {
        status: 400,
        reply: {
          error: {
            type: 'invalid_request_error',
            code: 'charge_already_refunded',
            message: `Charge for ${paymentIntent} has already been refunded.`,
          },
        },
      };
    }
    const metadata = metadataOf(form);
    const refund: FakeRefund = {
      id: `re_test_${this.counter}`,
      object: 'refund',
      status: 'succeeded',
      amount,
      payment_intent: paymentIntent,
      metadata,
    };
    this.refunds.push(refund);
    return { status: 200, reply: refund };
  }

  /** GET /v1/refunds?payment_intent=: newest first, one page (limit). */
  private listRefunds(query: URLSearchParams): { status: number; reply: unknown } {
    const paymentIntent = query.get('payment_intent');
    return listPage('/v1/refunds', this.refunds, (r) => paymentIntent === null || r.payment_intent === paymentIntent, query);
  }

  /** POST /v1/transfers: a Connect transfer to an acct_ destination, usd only (as the platform sends them). */
  private createTransfer(form: FakeForm): { status: number; reply: unknown } {
    const amount = Number(form.amount);
    if (!Number.isInteger(amount) || amount <= 0 || form.currency !== 'usd' || !form.destination?.startsWith('acct_')) {
      return { status: 400, reply: { error: { type: 'invalid_request_error', message: `bad transfer: ${JSON.stringify(form)}` } } };
    }
    const transfer: FakeTransfer = {
      id: `tr_test_${this.counter}`,
      object: 'transfer',
      amount,
      currency: form.currency,
      destination: form.destination,
      transfer_group: form.transfer_group ?? null,
      metadata: metadataOf(form),
      reversed: false,
    };
    this.transfers.push(transfer);
    return { status: 200, reply: transfer };
  }

  /** GET /v1/transfers?transfer_group=: newest first, one page (limit). */
  private listTransfers(query: URLSearchParams): { status: number; reply: unknown } {
    const group = query.get('transfer_group');
    return listPage('/v1/transfers', this.transfers, (t) => group === null || t.transfer_group === group, query);
  }
}

/** A Stripe list answer: the matching items newest first, one page (`limit`, 10 by default). */
function listPage<T>(url: string, items: readonly T[], matches: (item: T) => boolean, query: URLSearchParams): { status: number; reply: unknown } {
  const data = items
    .filter(matches)
    .reverse()
    .slice(0, Number(query.get('limit') ?? 10));
  return { status: 200, reply: { object: 'list', url, has_more: false, data } };
}

export interface FakeTransfer {
  id: string;
  object: 'transfer';
  amount: number;
  currency: string;
  destination: string;
  transfer_group: string | null;
  metadata: Record<string, string>;
  reversed: boolean;
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  status: string;
  amount: number;
  payment_intent: string;
  metadata: Record<string, string>;
}
