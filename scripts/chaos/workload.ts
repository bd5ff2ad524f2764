/**
 * The load of a chaos run, through the public API only (and, where a real world has a wallet, a network or Stripe,
 * through the ledger server's dev wallet, the object store and the Stripe stand-in): uploads, network batches,
 * datasets published for sale, orders paid by USDC and by card (signed webhooks, delivered more than once),
 * refunds and payout runs. Every actor retries what a real client would retry, and records what it did, so the
 * checks can hold the service to it.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getAddressDecoder } from '@solana/kit';
import type { FakeStripe } from '../../test/support/fake-stripe.js';
import { alteredUrl } from '../../test/support/solana-pay-url.js';
import { testWallet } from '../../test/support/wallet.js';
import { ApiError } from '../demo/api-client.js';
import type { ChaosClient } from './client.js';

export interface SampleFile {
  filename: string;
  bytes: Buffer;
}

export interface WorkloadSettings {
  client: ChaosClient;
  stripe: FakeStripe;
  ledgerUrl: string;
  /** The treasury wallet (the ledger server's; every instance holds its key). */
  treasury: string;
  s3: { endpoint: string; bucket: string };
  admin: { email: string; password: string };
  samples: SampleFile[];
}

export type ExtraPayment = 'twice' | 'over' | 'short';

/** What the actors did: the ids and references the checks look up. */
export class WorkloadRecord {
  /** Captures whose upload was completed or that a network batch accepted. */
  readonly captures = new Set<string>();
  readonly datasets = new Set<string>();
  readonly orders = new Map<string, { method: 'card' | 'solana'; buyer: string }>();
  /** Orders the actors paid: USDC with the payment's signature, card with the Checkout Session id. */
  readonly paid = new Map<string, { method: 'card' | 'solana'; reference: string }>();
  /** Refunds the service confirmed (2xx), and those whose answer was lost (done or not: either is right). */
  readonly refunded = new Set<string>();
  readonly refundsUnanswered = new Set<string>();
  /** USDC minted to the treasury by the run (for card earnings paid at par), base units. */
  treasuryFunding = 0n;
  readonly fundingSignatures = new Set<string>();
  /** USDC payments the buyers made beside the one that pays: `twice` (paid again), `over` (above the price), `short` (below it first). */
  readonly extraPayments = new Map<ExtraPayment, number>();
  webhooksSent = 0;
  batchesSent = 0;
  payoutRuns = 0;
  /** Unexpected answers, by route and status: not failures by themselves (a 409 can be right), shown in the report. */
  readonly surprises = new Map<string, number>();

  surprise(error: unknown): void {
    const key =
      error instanceof ApiError
        ? `${error.method} ${error.path.replace(/[0-9a-f-]{36}/g, ':id')} -> ${error.status}`
        : (error as Error).message.slice(0, 120);
    this.surprises.set(key, (this.surprises.get(key) ?? 0) + 1);
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A sleep that ends early, without error, once `signal` aborts. */
const pause = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

export class Workload {
  readonly record = new WorkloadRecord();
  private admin = '';
  private contributors: { token: string; id: string }[] = [];
  private buyers: string[] = [];
  private readonly network = testWallet();
  private readonly networkContributor = getAddressDecoder().decode(randomBytes(32));
  private readonly s3: S3Client;
  /** Aborted by stop(): ends the loops' pauses at once, so the load stops when told, not a pause later. */
  private readonly stopping = new AbortController();

  constructor(private readonly settings: WorkloadSettings) {
    this.s3 = new S3Client({
      endpoint: settings.s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private get client(): ChaosClient {
    return this.settings.client;
  }

  /** Accounts, payout methods, the network, the treasury's USDC for card payouts, and two datasets on sale. */
  async prepare(): Promise<void> {
    const { client } = this;
    this.admin = (await client.post<{ accessToken: string }>('/v1/auth/login', this.settings.admin)).accessToken;
    const register = async (role: 'buyer' | 'contributor') =>
      client.post<{ accessToken: string; user: { id: string } }>('/v1/auth/register', {
        email: `${role}-${randomUUID()}@chaos.test`,
        password: 'a-long-password',
        role,
      });
    for (let i = 0; i < 3; i += 1) {
      const { accessToken, user } = await register('contributor');
      this.contributors.push({ token: accessToken, id: user.id });
      const method = i === 2 ? { kind: 'stripe', account: `acct_chaos${i}` } : { kind: 'usdc', wallet: getAddressDecoder().decode(randomBytes(32)) };
      await client.call('PUT', '/v1/me/payout-method', { token: accessToken, body: method });
    }
    for (let i = 0; i < 4; i += 1) this.buyers.push((await register('buyer')).accessToken);
    await client.call('POST', '/v1/admin/networks', { token: this.admin, body: { slug: 'dimo', name: 'DIMO', publicKey: this.network.address } });
    // Card earnings are paid as USDC at par: the operator funds the treasury with USDC for them.
    await this.fundTreasury(1_000_000n * 1_000_000n);
    // Two uploads per contributor at once, so the first datasets do not wait on uploads one after another.
    await Promise.all(this.contributors.flatMap((contributor) => [this.upload(contributor), this.upload(contributor)]));
    for (let i = 0; i < 2; i += 1) await this.publishDataset();
  }

  stop(): void {
    this.stopping.abort();
  }

  /** Runs `action` every `everyMs` (with jitter) until stopped; a failed action is recorded, never fatal. */
  async loop(everyMs: number, action: () => Promise<void>): Promise<void> {
    while (!this.stopped) {
      try {
        await action();
      } catch (error) {
        this.record.surprise(error);
      }
      await pause(everyMs * (0.5 + Math.random()), this.stopping.signal);
    }
  }

  async upload(contributor = pick(this.contributors)): Promise<void> {
    const sample = pick(this.settings.samples);
    const created = await this.client.call<{ id: string; upload: { partSizeBytes: number; parts: { partNumber: number; url: string }[] } }>(
      'POST',
      '/v1/captures',
      {
        token: contributor.token,
        body: { filename: sample.filename, sizeBytes: sample.bytes.length, sha256: sha256(sample.bytes) },
      },
    );
    const parts: { partNumber: number; etag: string }[] = [];
    for (const part of created.upload.parts) {
      const body = sample.bytes.subarray((part.partNumber - 1) * created.upload.partSizeBytes, part.partNumber * created.upload.partSizeBytes);
      const response = await fetch(part.url, { method: 'PUT', body });
      if (!response.ok) throw new Error(`part upload answered ${response.status}`);
      parts.push({ partNumber: part.partNumber, etag: response.headers.get('etag') ?? '' });
    }
    await this.retryUntilAnswered(
      () => this.client.call('POST', `/v1/captures/${created.id}/complete`, { token: contributor.token, body: { parts } }),
      [409],
    );
    this.record.captures.add(created.id);
  }

  async networkBatch(): Promise<void> {
    const batchId = randomUUID();
    const items = [];
    for (let i = 0; i < 2; i += 1) {
      const sample = pick(this.settings.samples);
      const objectKey = `staging/dimo/${batchId}/${i}-${sample.filename}`;
      await this.s3.send(new PutObjectCommand({ Bucket: this.settings.s3.bucket, Key: objectKey, Body: sample.bytes }));
      items.push({
        externalId: `${batchId}-${i}`,
        contributorWallet: this.networkContributor,
        objectKey,
        sha256: sha256(sample.bytes),
        sizeBytes: sample.bytes.length,
      });
    }
    const body = JSON.stringify({ batchId, items });
    const headers = { 'content-type': 'application/json', 'x-network-signature': this.network.sign(body) };
    // Networks resend a batch they got no answer for; the service answers the same captures as duplicates.
    const sendOnce = () => this.client.call<{ captureIds: string[] }>('POST', '/v1/networks/dimo/batches', { rawBody: body, headers });
    const answer = await sendOnce();
    this.record.batchesSent += 1;
    for (const id of answer.captureIds) this.record.captures.add(id);
    if (Math.random() < 0.3) {
      const again = await sendOnce();
      this.record.batchesSent += 1;
      for (const id of again.captureIds) this.record.captures.add(id);
    }
  }

  /** Groups ready captures of one contributor into a dataset, submits and approves it. */
  async publishDataset(): Promise<void> {
    const contributor = pick(this.contributors);
    let { ready, processing } = await this.capturesOf(contributor.token);
    while (ready.length < 2 && !this.stopped) {
      // Another upload of this contributor's only when those on their way cannot make up the two.
      if (ready.length + processing < 2) {
        await this.upload(contributor).catch((error: unknown) => {
          this.record.surprise(error);
        });
      }
      await sleep(1_000);
      ({ ready, processing } = await this.capturesOf(contributor.token));
    }
    if (ready.length < 2) return;
    const licences = await this.client.get<{ id: string; slug: string }[]>('/v1/licences');
    const licence = licences.find((l) => l.slug === 'commercial-ai-training') ?? licences[0];
    const draft = await this.client.post<{ id: string }>(
      '/v1/datasets',
      {
        title: `Chaos drives ${randomUUID().slice(0, 8)}`,
        description: 'Captures uploaded during a chaos run.',
        captureIds: ready.slice(0, 3),
        licenceTemplateId: licence.id,
        priceUsdCents: 500 + Math.floor(Math.random() * 5_000),
        declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
      },
      contributor.token,
    );
    await this.retryUntilAnswered(() => this.client.call('POST', `/v1/datasets/${draft.id}/submit`, { token: contributor.token }), [409, 422]);
    await this.retryUntilAnswered(() => this.client.call('POST', `/v1/admin/datasets/${draft.id}/approve`, { token: this.admin, body: {} }), [409]);
    this.record.datasets.add(draft.id);
  }

  /** A buyer orders a listed dataset and pays it once: USDC from the demo wallet, or card with Stripe's webhook (1-3 deliveries). */
  async buy(): Promise<void> {
    const datasets = [...this.record.datasets];
    if (datasets.length === 0) return;
    const buyer = pick(this.buyers);
    const method = Math.random() < 0.5 ? 'solana' : 'card';
    const order = await this.client.post<{ id: string; solanaPay?: { url: string; amount: string }; stripe?: { sessionId: string } }>(
      '/v1/orders',
      // Buyers buy the same datasets again and again here, on purpose.
      { datasetId: pick(datasets), paymentMethod: method, allowRepeat: true },
      buyer,
    );
    this.record.orders.set(order.id, { method, buyer });
    if (method === 'solana' && order.solanaPay) {
      const signature = await this.payUsdc(order.solanaPay.url, order.solanaPay.amount);
      this.record.paid.set(order.id, { method, reference: signature });
      // The buyer's page asks to confirm; the watcher job would find it too.
      await this.retryUntilAnswered(() => this.client.call('POST', `/v1/orders/${order.id}/confirm-solana`, { token: buyer, body: {} }), [409, 422]);
    } else if (order.stripe) {
      const sessionId = order.stripe.sessionId;
      const { payload } = this.settings.stripe.event('checkout.session.completed', this.settings.stripe.sessionObject(sessionId));
      const deliveries = 1 + Math.floor(Math.random() * 3);
      for (let i = 0; i < deliveries; i += 1) {
        // Stripe signs every attempt anew and retries until it gets a 2xx.
        await this.retryUntilAnswered(
          () =>
            this.client.call('POST', '/v1/webhooks/stripe', {
              rawBody: payload,
              headers: { 'content-type': 'application/json', 'stripe-signature': this.settings.stripe.sign(payload) },
            }),
          [],
        );
        this.record.webhooksSent += 1;
        // Paid from the first delivery the service acknowledged.
        this.record.paid.set(order.id, { method: 'card', reference: sessionId });
      }
    }
  }

  /** An admin refunds a paid order (idempotent: a retry after a lost answer changes nothing). */
  async refund(): Promise<void> {
    const candidates = [...this.record.paid.keys()].filter((id) => !this.record.refunded.has(id) && !this.record.refundsUnanswered.has(id));
    if (candidates.length < 3) return;
    const orderId = pick(candidates);
    const order = await this.client.get<{ status: string }>(`/v1/orders/${orderId}`, this.admin);
    if (order.status !== 'paid' && order.status !== 'fulfilled') return;
    this.record.refundsUnanswered.add(orderId);
    await this.retryUntilAnswered(
      () => this.client.call('POST', `/v1/admin/orders/${orderId}/refund`, { token: this.admin, body: { reason: 'chaos run refund' } }),
      [],
    );
    this.record.refundsUnanswered.delete(orderId);
    this.record.refunded.add(orderId);
  }

  async payoutRun(): Promise<void> {
    this.record.payoutRuns += 1;
    await this.client.call('POST', '/v1/admin/payouts/run', { token: this.admin, body: {} });
  }

  /** The contributor's ready captures (newest first), and how many are still being processed. */
  private async capturesOf(token: string): Promise<{ ready: string[]; processing: number }> {
    const page = await this.client.get<{ items?: { id: string; status: string }[] } | { id: string; status: string }[]>(
      '/v1/captures?mine=true&limit=100',
      token,
    );
    const items = Array.isArray(page) ? page : (page.items ?? []);
    return { ready: items.filter((c) => c.status === 'ready').map((c) => c.id), processing: items.filter((c) => c.status === 'processing').length };
  }

  /**
   * Pays a transfer request from the demo wallet and answers the signature of the payment that pays it. One buyer in
   * three pays more than once: the request again (a second payment, refunded whole; 0.01 USDC more, as the same
   * transaction twice would be refused as already processed), 0.25 USDC above the price (the excess refunded), or
   * 0.01 below it first (refunded whole) and then the price.
   */
  private async payUsdc(url: string, amount: string): Promise<string> {
    const extra = Math.random() < 1 / 3 ? pick<ExtraPayment>(['twice', 'over', 'short']) : null;
    if (extra) this.record.extraPayments.set(extra, (this.record.extraPayments.get(extra) ?? 0) + 1);
    // Base units, so the changed amounts stay exact decimals of at most 6 places.
    const price = Math.round(Number(amount) * 1e6);
    if (extra === 'short') await this.payFromDemoWallet(alteredUrl(url, { amount: (price - 10_000) / 1e6 }));
    const signature = await this.payFromDemoWallet(extra === 'over' ? alteredUrl(url, { amount: (price + 250_000) / 1e6 }) : url);
    if (extra === 'twice') await this.payFromDemoWallet(alteredUrl(url, { amount: (price + 10_000) / 1e6 }));
    return signature;
  }

  private async payFromDemoWallet(url: string): Promise<string> {
    const response = await fetch(`${this.settings.ledgerUrl}/dev/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });
    const body = (await response.json()) as { signature?: string; error?: string };
    if (!response.ok || !body.signature) throw new Error(`the demo wallet could not pay: ${body.error ?? response.status}`);
    return body.signature;
  }

  private async fundTreasury(amount: bigint): Promise<void> {
    const response = await fetch(`${this.settings.ledgerUrl}/dev/mint-usdc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ owner: this.settings.treasury, amount: amount.toString() }),
    });
    const body = (await response.json()) as { signature?: string; error?: string };
    if (!response.ok || !body.signature) throw new Error(`funding the treasury failed: ${body.error ?? response.status}`);
    this.record.treasuryFunding += amount;
    this.record.fundingSignatures.add(body.signature);
  }

  /**
   * Repeats a call whose answer was lost to a killed instance or that raced one: an answer with one of
   * `acceptable` statuses counts as done (e.g. 409 "already processing" after a retried complete).
   */
  private async retryUntilAnswered(call: () => Promise<unknown>, acceptable: number[]): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await call();
        return;
      } catch (error) {
        if (error instanceof ApiError && acceptable.includes(error.status)) return;
        if (error instanceof ApiError && error.status < 500) throw error;
        if (attempt >= 5) throw error;
        this.record.surprise(error);
        await sleep(500 * 2 ** attempt);
      }
    }
  }
}
