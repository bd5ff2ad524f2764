import type { SubscriptionResponse } from '../../src/subscriptions/dto/subscription.response.js';
import { auth, publishCaptures } from './checkout.js';
import type { TestApp } from './test-app.js';

/** Around 46.0N 14.0E, where every nmeaLog fixture walks (csvTelemetry's rows are in Munich, far outside it). */
export const NMEA_DISTRICT = { bbox: [13.95, 45.95, 14.05, 46.05] };

/** Per-km prices with a minimum, as a seller sets them for slices (USD cents). */
export const PER_KM = { perKmUsdCents: 150, minimumUsdCents: 50 };

/**
 * A contributor's dataset of their own ready captures under the licence, sold whole or by unit prices (none: whole
 * only), submitted and approved by the admin: listed. Answers its id.
 */
export async function listOwnDataset(
  t: TestApp,
  tokens: { contributor: string; admin: string },
  options: { title: string; captureIds: string[]; licenceSlug?: string; unitPrices?: Record<string, number> | null },
): Promise<string> {
  const published = await publishCaptures(t, tokens, {
    title: options.title,
    description: 'New drives, month by month.',
    captureIds: options.captureIds,
    licenceSlug: options.licenceSlug ?? 'commercial-ai-training',
    priceUsdCents: 10_000,
    unitPrices: options.unitPrices === undefined ? PER_KM : options.unitPrices,
  });
  return published.datasetId;
}

/** POST /v1/me/subscriptions, expecting it to be created. */
export async function subscribe(t: TestApp, token: string, body: Record<string, unknown>): Promise<SubscriptionResponse> {
  return (await t.http().post('/v1/me/subscriptions').set(auth(token)).send(body).expect(201)).body as SubscriptionResponse;
}

export async function subscriptionOf(t: TestApp, token: string, id: string): Promise<SubscriptionResponse> {
  return (await t.http().get(`/v1/me/subscriptions/${id}`).set(auth(token)).expect(200)).body as SubscriptionResponse;
}
