import { randomBytes, randomUUID } from 'node:crypto';
import { getAddressDecoder } from '@solana/kit';
import type { AuthTokenResponse } from '../src/auth/dto/user.response.js';
import type { ErrorBody } from '../src/common/errors/error-body.js';
import type { ManifestResponse } from '../src/catalog/dto/manifest.response.js';
import type { CartResponse, CheckoutResponse } from '../src/checkout/dto/cart.dto.js';
import type { OrderResponse } from '../src/checkout/dto/order.response.js';
import type { SplitResponse } from '../src/revenue/dto/split.response.js';
import { settled, uploadCapture } from './support/captures.js';
import { auth, publishDataset, signUp, startStripeTestApp } from './support/checkout.js';
import { FakeStripe } from './support/fake-stripe.js';
import { csvTelemetry } from './support/fixtures.js';
import type { TestApp } from './support/test-app.js';
import { testWallet } from './support/wallet.js';

/**
 * Every operation of the OpenAPI document, called by every kind of caller on the objects of a first set of users,
 * with the status each must get. Columns, in the order they call:
 *   anon  no credentials
 *   oBuy  oBuyer: another buyer, with the first users' ids (not in their organisation)
 *   oCon  oContrib: another contributor, with the first users' ids
 *   cont  contrib: the contributor who owns the capture, the datasets and a share of the split
 *   memb  member: a plain member of the buyer's organisation
 *   buyr  buyer: the buyer who owns the organisation, its paid (organisation) order and an API key
 *   admn  admin: a platform admin (not a member of the organisation)
 * Unknown objects answer as foreign ones, so ids cannot be probed: every refused foreign call is made again with
 * unknown ids and must get the same status and code. A route in the document without a row here fails the test, so
 * a new route comes with its row.
 */
const PERSONAS = ['anon', 'oBuyer', 'oContrib', 'contrib', 'member', 'buyer', 'admin'] as const;
type Persona = (typeof PERSONAS)[number];

interface Fixtures {
  captureId: string;
  datasetId: string;
  version: number;
  manifestPath: string;
  draftId: string;
  licenceTemplateId: string;
  orderId: string;
  pendingOrderId: string;
  quoteId: string;
  /** The buyer's organisation's cart checkout (paid), of a second dataset. */
  checkoutId: string;
  /** A line of the buyer's own cart. */
  cartLineId: string;
  splitId: string;
  contributorId: string;
  organisationId: string;
  extraMemberId: string;
  apiKeyId: string;
  webhookId: string;
  /** The buyer's area subscription. */
  subscriptionId: string;
  paymentSignature: string;
  unpayableUrl: string;
  network: string;
  wallet: string;
  /** The contributor's advance grant (for the network). */
  advanceGrantId: string;
}

/** A session advance grant for the network, issued now for a year. */
function advanceGrantTerms(network: string) {
  return {
    network,
    licences: ['commercial-ai-training'],
    scope: {
      permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: false },
      territory: ['WORLD'],
    },
    expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
  };
}

function advanceGrantFields(network: string) {
  return { ...advanceGrantTerms(network), issuedAt: new Date(Date.now() - 1_000).toISOString(), nonce: randomBytes(18).toString('base64url') };
}

interface Call {
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

type Statuses = [anon: number, oBuyer: number, oContrib: number, contrib: number, member: number, buyer: number, admin: number];

/**
 * The table: what each caller gets from each operation. Rows run top to bottom; the ones that take away what other
 * rows read (revoking a key, removing a member, leaving) come last.
 */
// prettier-ignore
const EXPECTED: Record<string, Statuses> = {
  // operation                                         anon oBuy oCon cont memb buyr admn
  'GET /health':                                      [200, 200, 200, 200, 200, 200, 200],
  'GET /health/live':                                 [200, 200, 200, 200, 200, 200, 200],
  'GET /health/ready':                                [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/licences':                                 [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/platform/keys':                            [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/payment-methods':                          [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/chain/memos/{signature}':                  [200, 200, 200, 200, 200, 200, 200],
  'POST /v1/dev/solana/pay':                          [400, 400, 400, 400, 400, 400, 400],
  'POST /v1/webhooks/stripe':                         [400, 400, 400, 400, 400, 400, 400],
  'POST /v1/networks/{network}/batches':              [401, 401, 401, 401, 401, 401, 401],

  'POST /v1/auth/register':                           [201, 201, 201, 201, 201, 201, 201],
  'POST /v1/auth/login':                              [401, 401, 401, 401, 401, 401, 401],
  'POST /v1/auth/wallet/challenge':                   [200, 200, 200, 200, 200, 200, 200],
  'POST /v1/auth/wallet/verify':                      [401, 401, 401, 401, 401, 401, 401],
  'GET /v1/auth/me':                                  [401, 200, 200, 200, 200, 200, 200],
  'GET /v1/admin/users':                              [401, 403, 403, 403, 403, 403, 200],
  'POST /v1/api-keys':                                [401, 201, 403, 403, 201, 201, 201],
  'GET /v1/api-keys':                                 [401, 200, 403, 403, 200, 200, 200],
  'POST /v1/me/webhooks':                             [401, 201, 403, 403, 201, 201, 201],
  'GET /v1/me/webhooks':                              [401, 200, 403, 403, 200, 200, 200],
  'GET /v1/me/webhooks/{id}/deliveries':              [401, 404, 403, 403, 404, 200, 404],
  'POST /v1/me/webhooks/{id}/enable':                 [401, 404, 403, 403, 404, 200, 404],
  'POST /v1/me/webhooks/{id}/rotate-secret':          [401, 404, 403, 403, 404, 200, 404],

  'POST /v1/captures':                                [401, 403, 201, 201, 403, 403, 201],
  'GET /v1/captures':                                 [401, 403, 200, 200, 403, 403, 200],
  'GET /v1/captures/{id}':                            [401, 403, 404, 200, 403, 403, 200],
  'GET /v1/captures/{id}/upload':                     [401, 403, 404, 409, 403, 403, 404],
  'DELETE /v1/captures/{id}/upload':                  [401, 403, 404, 409, 403, 403, 404],
  'POST /v1/captures/{id}/complete':                  [401, 403, 404, 200, 403, 403, 404],
  // The capture is in a draft only, not a listed sample: its preview is its owner's and the admins'. It has no file of
  // that name (a CSV's preview is all content), so even they get 404 (CAPTURE_PREVIEW_NOT_FOUND, not CAPTURE_NOT_FOUND).
  'GET /v1/captures/{id}/preview':                    [404, 404, 404, 200, 404, 404, 200],
  'GET /v1/captures/{id}/preview/files/{name}':       [404, 404, 404, 404, 404, 404, 404],

  'POST /v1/admin/networks':                          [401, 403, 403, 403, 403, 403, 201],
  'GET /v1/admin/networks':                           [401, 403, 403, 403, 403, 403, 200],
  'PATCH /v1/admin/networks/{slug}':                  [401, 403, 403, 403, 403, 403, 200],
  'POST /v1/admin/licences':                          [401, 403, 403, 403, 403, 403, 201],

  'GET /v1/datasets':                                 [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/datasets/{id}':                            [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/datasets/{id}/versions/{version}/manifest':[200, 200, 200, 200, 200, 200, 200],
  'GET /v1/datasets/{id}/versions/{version}/proof':   [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/datasets/{id}/provenance':                 [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/datasets/{id}/croissant':                  [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/datasets/{id}/versions/{version}/spdx':    [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/datasets/{id}/versions/{version}/files':   [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/datasets/{id}/coverage':                   [200, 200, 200, 200, 200, 200, 200],
  'POST /v1/datasets/search':                         [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/coverage':                                 [200, 200, 200, 200, 200, 200, 200],
  'GET /v1/me/datasets':                              [401, 403, 200, 200, 403, 403, 200],
  'POST /v1/datasets':                                [401, 403, 422, 201, 403, 403, 201],
  'PATCH /v1/datasets/{id}':                          [401, 403, 404, 200, 403, 403, 404],
  'POST /v1/datasets/{id}/submit':                    [401, 403, 404, 200, 403, 403, 404],
  'GET /v1/admin/reviews':                            [401, 403, 403, 403, 403, 403, 200],
  'POST /v1/admin/datasets/{id}/request-changes':     [401, 403, 403, 403, 403, 403, 200],
  'POST /v1/admin/datasets/{id}/reject':              [401, 403, 403, 403, 403, 403, 409],
  'POST /v1/admin/datasets/{id}/approve':             [401, 403, 403, 403, 403, 403, 409],
  'POST /v1/admin/datasets/{id}/takedown':            [401, 403, 403, 403, 403, 403, 200],
  'POST /v1/admin/datasets/{id}/reinstate':           [401, 403, 403, 403, 403, 403, 200],
  'GET /v1/admin/audit':                              [401, 403, 403, 403, 403, 403, 200],
  'GET /v1/me/consent-requests':                      [401, 403, 200, 200, 403, 403, 200],
  'GET /v1/me/consents':                              [401, 403, 200, 200, 403, 403, 200],
  'GET /v1/datasets/{id}/consent-request':            [401, 403, 404, 404, 403, 403, 404],
  'POST /v1/datasets/{id}/consent/grants':            [401, 403, 404, 404, 403, 403, 404],
  'POST /v1/datasets/{id}/consent/declines':          [401, 403, 404, 404, 403, 403, 404],
  'POST /v1/datasets/{id}/consent/withdrawals':       [401, 403, 404, 404, 403, 403, 404],
  'GET /v1/datasets/{id}/consent':                    [200, 200, 200, 200, 200, 200, 200],
  'POST /v1/admin/datasets/{id}/capture-takedowns':   [401, 403, 403, 403, 403, 403, 404],
  'GET /v1/admin/withdrawals':                        [401, 403, 403, 403, 403, 403, 200],
  'GET /v1/me/advance-grants':                        [401, 403, 200, 200, 403, 403, 200],
  'POST /v1/me/advance-grants/message':               [401, 403, 200, 200, 403, 403, 200],
  'POST /v1/me/advance-grants':                       [401, 403, 201, 201, 403, 403, 201],
  'POST /v1/me/advance-grants/{id}/revoke':           [401, 403, 404, 200, 403, 403, 404],

  'POST /v1/organisations':                           [401, 201, 403, 403, 201, 201, 201],
  'GET /v1/organisations':                            [401, 200, 200, 200, 200, 200, 200],
  'GET /v1/organisations/{id}':                       [401, 404, 404, 404, 200, 200, 404],
  'POST /v1/organisations/{id}/members':              [401, 404, 404, 404, 403, 201, 404],
  'PATCH /v1/organisations/{id}/members/{userId}':    [401, 404, 404, 404, 403, 200, 404],

  'POST /v1/orders':                                  [401, 404, 403, 403, 403, 201, 404],
  'GET /v1/me/orders':                                [401, 200, 200, 200, 200, 200, 200],
  'GET /v1/orders/{id}':                              [401, 404, 404, 404, 200, 200, 200],
  'POST /v1/orders/{id}/confirm-solana':              [401, 404, 404, 404, 200, 200, 200],
  'GET /v1/orders/{id}/downloads':                    [401, 404, 404, 404, 200, 200, 404],
  'GET /v1/orders/{id}/certificate':                  [401, 404, 404, 404, 200, 200, 200],
  'GET /v1/orders/{id}/receipt':                      [401, 404, 404, 404, 200, 200, 200],
  'GET /v1/orders':                                   [401, 404, 404, 404, 200, 200, 404],
  'GET /v1/orders/{id}/training-content':             [401, 404, 404, 404, 200, 200, 200],
  'GET /v1/admin/orders':                             [401, 403, 403, 403, 403, 403, 200],
  'POST /v1/admin/orders/{id}/refund':                [401, 403, 403, 403, 403, 403, 409],
  'GET /v1/orders/{id}/split':                        [401, 404, 404, 200, 404, 404, 200],
  'POST /v1/quotes':                                  [401, 201, 403, 403, 201, 201, 201],
  'GET /v1/quotes/{id}':                              [401, 404, 404, 404, 404, 200, 200],
  // The buyer holds a pending order of the version, so cannot add it again; the others can (their carts, not the buyer's).
  'GET /v1/cart':                                     [401, 200, 403, 403, 200, 200, 200],
  'GET /v1/cart/count':                               [401, 200, 403, 403, 200, 200, 200],
  'POST /v1/cart/lines':                              [401, 201, 403, 403, 201, 409, 201],
  'DELETE /v1/cart/lines/{id}':                       [401, 404, 403, 403, 404, 200, 404],
  // For the buyer's organisation: only its owners and admins buy for it; the buyer's cart is empty by then (row above).
  'POST /v1/cart/checkout':                           [401, 404, 403, 403, 403, 422, 404],
  'GET /v1/checkouts/{id}':                           [401, 404, 404, 404, 200, 200, 200],
  'POST /v1/checkouts/{id}/confirm-solana':           [401, 404, 404, 404, 200, 200, 200],
  'GET /v1/splits/{splitId}/proof':                   [401, 404, 404, 200, 404, 404, 200],
  'GET /v1/me/earnings':                              [401, 200, 200, 200, 200, 200, 200],
  'PUT /v1/me/payout-method':                         [401, 200, 200, 200, 200, 200, 200],
  'POST /v1/admin/payouts/run':                       [401, 403, 403, 403, 403, 403, 200],
  // Area subscriptions are their buyer's own: nobody else's, not even an admin's, to read or cancel.
  'POST /v1/me/subscriptions':                        [401, 201, 403, 403, 201, 201, 201],
  'GET /v1/me/subscriptions':                         [401, 200, 403, 403, 200, 200, 200],
  'GET /v1/me/subscriptions/{id}':                    [401, 404, 403, 403, 404, 200, 404],
  'POST /v1/me/subscriptions/{id}/cancel':            [401, 404, 403, 403, 404, 200, 404],

  'DELETE /v1/api-keys/{id}':                         [401, 404, 403, 403, 404, 204, 404],
  'DELETE /v1/me/webhooks/{id}':                      [401, 404, 403, 403, 404, 204, 404],
  'DELETE /v1/organisations/{id}/members/{userId}':   [401, 404, 404, 404, 403, 204, 404],
  'POST /v1/organisations/{id}/leave':                [401, 404, 404, 404, 204, 409, 404],
};

const unique = () => randomBytes(4).toString('hex');
const DECLARATIONS = { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false };

/** How each operation is called: on the first users' objects (the fixtures), with a body it accepts. */
const REQUESTS: Record<string, (f: Fixtures) => Call> = {
  'GET /health': () => ({ path: '/health' }),
  'GET /health/live': () => ({ path: '/health/live' }),
  'GET /health/ready': () => ({ path: '/health/ready' }),
  'GET /v1/licences': () => ({ path: '/v1/licences' }),
  'GET /v1/platform/keys': () => ({ path: '/v1/platform/keys' }),
  'GET /v1/payment-methods': () => ({ path: '/v1/payment-methods' }),
  'GET /v1/chain/memos/{signature}': (f) => ({ path: `/v1/chain/memos/${f.paymentSignature}` }),
  'POST /v1/dev/solana/pay': (f) => ({ path: '/v1/dev/solana/pay', body: { url: f.unpayableUrl } }),
  'POST /v1/webhooks/stripe': () => ({ path: '/v1/webhooks/stripe', body: { id: 'evt_unsigned' } }),
  'POST /v1/networks/{network}/batches': (f) => ({
    path: `/v1/networks/${f.network}/batches`,
    headers: { 'X-Network-Signature': '1111' },
    body: {
      batchId: 'b-1',
      items: [{ externalId: 'e-1', contributorWallet: f.wallet, objectKey: 'staging/x.csv', sha256: 'a'.repeat(64), sizeBytes: 10 }],
    },
  }),
  'POST /v1/auth/register': () => ({
    path: '/v1/auth/register',
    body: { email: `matrix-${unique()}@example.com`, password: 'a-long-password', role: 'buyer' },
  }),
  'POST /v1/auth/login': () => ({ path: '/v1/auth/login', body: { email: 'buyer@matrix.test', password: 'wrong-password' } }),
  'POST /v1/auth/wallet/challenge': (f) => ({ path: '/v1/auth/wallet/challenge', body: { address: f.wallet } }),
  'POST /v1/auth/wallet/verify': (f) => ({
    path: '/v1/auth/wallet/verify',
    body: { address: f.wallet, message: 'not a challenge', signature: '1111' },
  }),
  'GET /v1/auth/me': () => ({ path: '/v1/auth/me' }),
  'GET /v1/admin/users': () => ({ path: '/v1/admin/users' }),
  'POST /v1/api-keys': () => ({ path: '/v1/api-keys', body: { name: 'matrix' } }),
  'GET /v1/api-keys': () => ({ path: '/v1/api-keys' }),
  // A public address literal: registering it resolves no name.
  'POST /v1/me/webhooks': () => ({ path: '/v1/me/webhooks', body: { url: 'https://93.184.216.34/depai' } }),
  'GET /v1/me/webhooks': () => ({ path: '/v1/me/webhooks' }),
  'GET /v1/me/webhooks/{id}/deliveries': (f) => ({ path: `/v1/me/webhooks/${f.webhookId}/deliveries` }),
  'POST /v1/me/webhooks/{id}/enable': (f) => ({ path: `/v1/me/webhooks/${f.webhookId}/enable` }),
  'POST /v1/me/webhooks/{id}/rotate-secret': (f) => ({ path: `/v1/me/webhooks/${f.webhookId}/rotate-secret` }),
  'POST /v1/captures': () => ({ path: '/v1/captures', body: { filename: 'x.csv', sizeBytes: 10, sha256: 'a'.repeat(64) } }),
  'GET /v1/captures': () => ({ path: '/v1/captures', query: { mine: 'true' } }),
  'GET /v1/captures/{id}': (f) => ({ path: `/v1/captures/${f.captureId}` }),
  'GET /v1/captures/{id}/upload': (f) => ({ path: `/v1/captures/${f.captureId}/upload` }),
  'DELETE /v1/captures/{id}/upload': (f) => ({ path: `/v1/captures/${f.captureId}/upload` }),
  'GET /v1/captures/{id}/preview': (f) => ({ path: `/v1/captures/${f.captureId}/preview` }),
  'GET /v1/captures/{id}/preview/files/{name}': (f) => ({ path: `/v1/captures/${f.captureId}/preview/files/top-down.png` }),
  'POST /v1/captures/{id}/complete': (f) => ({
    path: `/v1/captures/${f.captureId}/complete`,
    body: { parts: [{ partNumber: 1, etag: '"0123456789abcdef0123456789abcdef"' }] },
  }),
  'POST /v1/admin/networks': () => ({
    path: '/v1/admin/networks',
    body: { slug: `net-${unique()}`, name: 'Matrix network', publicKey: testWallet().address },
  }),
  'GET /v1/admin/networks': () => ({ path: '/v1/admin/networks' }),
  'PATCH /v1/admin/networks/{slug}': (f) => ({ path: `/v1/admin/networks/${f.network}`, body: { name: 'Renamed' } }),
  'POST /v1/admin/licences': () => ({
    path: '/v1/admin/licences',
    body: {
      slug: `lic-${unique()}`,
      name: 'Matrix licence',
      text: 'Evaluation only, with attribution, for twelve months.',
      terms: {
        permittedUses: { aiTraining: false, evaluation: true, commercialUse: false, redistribution: false, derivativeMaps: false },
        attributionRequired: true,
        territory: ['WORLD'],
        termMonths: 12,
        exclusive: false,
        maxSeats: null,
      },
    },
  }),
  'GET /v1/datasets': () => ({ path: '/v1/datasets' }),
  'GET /v1/datasets/{id}': (f) => ({ path: `/v1/datasets/${f.datasetId}` }),
  'GET /v1/datasets/{id}/versions/{version}/manifest': (f) => ({ path: `/v1/datasets/${f.datasetId}/versions/${f.version}/manifest` }),
  'GET /v1/datasets/{id}/versions/{version}/proof': (f) => ({
    path: `/v1/datasets/${f.datasetId}/versions/${f.version}/proof`,
    query: { path: f.manifestPath },
  }),
  'GET /v1/datasets/{id}/provenance': (f) => ({ path: `/v1/datasets/${f.datasetId}/provenance` }),
  'GET /v1/datasets/{id}/croissant': (f) => ({ path: `/v1/datasets/${f.datasetId}/croissant` }),
  'GET /v1/datasets/{id}/versions/{version}/spdx': (f) => ({ path: `/v1/datasets/${f.datasetId}/versions/${f.version}/spdx` }),
  'GET /v1/datasets/{id}/versions/{version}/files': (f) => ({ path: `/v1/datasets/${f.datasetId}/versions/${f.version}/files` }),
  'GET /v1/datasets/{id}/coverage': (f) => ({ path: `/v1/datasets/${f.datasetId}/coverage` }),
  'POST /v1/datasets/search': () => ({ path: '/v1/datasets/search', body: { modality: 'gnss' } }),
  'GET /v1/coverage': () => ({ path: '/v1/coverage' }),
  'GET /v1/me/datasets': () => ({ path: '/v1/me/datasets' }),
  'POST /v1/datasets': (f) => ({
    path: '/v1/datasets',
    body: {
      title: 'Matrix dataset',
      description: 'Made by the access matrix.',
      captureIds: [f.captureId],
      licenceTemplateId: f.licenceTemplateId,
      priceUsdCents: 1000,
      declarations: DECLARATIONS,
    },
  }),
  'PATCH /v1/datasets/{id}': (f) => ({ path: `/v1/datasets/${f.draftId}`, body: { title: 'Renamed draft' } }),
  'POST /v1/datasets/{id}/submit': (f) => ({ path: `/v1/datasets/${f.draftId}/submit` }),
  'GET /v1/admin/reviews': () => ({ path: '/v1/admin/reviews' }),
  'POST /v1/admin/datasets/{id}/request-changes': (f) => ({
    path: `/v1/admin/datasets/${f.draftId}/request-changes`,
    body: { reason: 'Blur the plates.' },
  }),
  'POST /v1/admin/datasets/{id}/reject': (f) => ({ path: `/v1/admin/datasets/${f.draftId}/reject`, body: { reason: 'No.' } }),
  'POST /v1/admin/datasets/{id}/approve': (f) => ({ path: `/v1/admin/datasets/${f.draftId}/approve`, body: {} }),
  'POST /v1/admin/datasets/{id}/takedown': (f) => ({ path: `/v1/admin/datasets/${f.datasetId}/takedown`, body: { reason: 'Checking a complaint.' } }),
  'POST /v1/admin/datasets/{id}/reinstate': (f) => ({ path: `/v1/admin/datasets/${f.datasetId}/reinstate`, body: { reason: 'Complaint resolved.' } }),
  'GET /v1/admin/audit': (f) => ({ path: '/v1/admin/audit', query: { datasetId: f.datasetId } }),
  'GET /v1/me/consent-requests': () => ({ path: '/v1/me/consent-requests' }),
  'GET /v1/me/consents': () => ({ path: '/v1/me/consents' }),
  // The draft holds only its owner's captures: nobody is asked, so there is no request to read, grant or decline.
  'GET /v1/datasets/{id}/consent-request': (f) => ({ path: `/v1/datasets/${f.draftId}/consent-request` }),
  'POST /v1/datasets/{id}/consent/grants': (f) => ({
    path: `/v1/datasets/${f.draftId}/consent/grants`,
    body: {
      method: 'session',
      grant: {
        datasetId: f.draftId,
        contributorId: f.contributorId,
        captureIds: [f.captureId],
        licence: 'commercial-ai-training',
        scope: {
          permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: false },
          territory: ['WORLD'],
        },
        priceUsdCents: 1000,
        shareBps: 10_000,
        issuedAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2099-01-01T00:00:00.000Z',
        nonce: 'matrix-nonce-0123456789',
      },
    },
  }),
  'POST /v1/datasets/{id}/consent/declines': (f) => ({ path: `/v1/datasets/${f.draftId}/consent/declines`, body: { reason: 'Not mine to give.' } }),
  // The published dataset holds only its owner's captures, which they change by editing: nobody has any to withdraw.
  'POST /v1/datasets/{id}/consent/withdrawals': (f) => ({
    path: `/v1/datasets/${f.datasetId}/consent/withdrawals`,
    body: { reason: 'Changed my mind.' },
  }),
  'GET /v1/datasets/{id}/consent': (f) => ({ path: `/v1/datasets/${f.datasetId}/consent` }),
  // A capture the dataset does not hold: the admin gets through to 404 and the listed dataset stays as it is.
  'POST /v1/admin/datasets/{id}/capture-takedowns': (f) => ({
    path: `/v1/admin/datasets/${f.datasetId}/capture-takedowns`,
    body: { captureIds: ['0b9e4f7a-2c1d-4e6b-8a3f-5d7c9e1b2a40'], kind: 'privacy', reason: 'A face is not blurred.' },
  }),
  'GET /v1/admin/withdrawals': () => ({ path: '/v1/admin/withdrawals' }),
  'GET /v1/me/advance-grants': () => ({ path: '/v1/me/advance-grants' }),
  // Each caller that may gives their own session grant (a fresh nonce each time); only the owner revokes theirs.
  'POST /v1/me/advance-grants/message': (f) => ({ path: '/v1/me/advance-grants/message', body: advanceGrantTerms(f.network) }),
  'POST /v1/me/advance-grants': (f) => ({ path: '/v1/me/advance-grants', body: { method: 'session', grant: advanceGrantFields(f.network) } }),
  'POST /v1/me/advance-grants/{id}/revoke': (f) => ({ path: `/v1/me/advance-grants/${f.advanceGrantId}/revoke`, body: {} }),
  'POST /v1/organisations': () => ({ path: '/v1/organisations', body: { name: 'Matrix org' } }),
  'GET /v1/organisations': () => ({ path: '/v1/organisations' }),
  'GET /v1/organisations/{id}': (f) => ({ path: `/v1/organisations/${f.organisationId}` }),
  'POST /v1/organisations/{id}/members': (f) => ({
    path: `/v1/organisations/${f.organisationId}/members`,
    body: { email: 'extra@matrix.test', role: 'member' },
  }),
  'PATCH /v1/organisations/{id}/members/{userId}': (f) => ({
    path: `/v1/organisations/${f.organisationId}/members/${f.extraMemberId}`,
    body: { role: 'admin' },
  }),
  'POST /v1/orders': (f) => ({
    path: '/v1/orders',
    body: { datasetId: f.datasetId, paymentMethod: 'solana', organisationId: f.organisationId, allowRepeat: true },
  }),
  'GET /v1/me/orders': () => ({ path: '/v1/me/orders' }),
  'GET /v1/orders/{id}': (f) => ({ path: `/v1/orders/${f.orderId}` }),
  'POST /v1/orders/{id}/confirm-solana': (f) => ({ path: `/v1/orders/${f.orderId}/confirm-solana`, body: {} }),
  'GET /v1/orders/{id}/downloads': (f) => ({ path: `/v1/orders/${f.orderId}/downloads` }),
  'GET /v1/orders/{id}/certificate': (f) => ({ path: `/v1/orders/${f.orderId}/certificate` }),
  'GET /v1/orders/{id}/receipt': (f) => ({ path: `/v1/orders/${f.orderId}/receipt` }),
  // One organisation's orders: its members only (a platform admin who is not a member too).
  'GET /v1/orders': (f) => ({ path: '/v1/orders', query: { organisationId: f.organisationId } }),
  'GET /v1/orders/{id}/training-content': (f) => ({ path: `/v1/orders/${f.orderId}/training-content` }),
  'GET /v1/admin/orders': () => ({ path: '/v1/admin/orders' }),
  'POST /v1/admin/orders/{id}/refund': (f) => ({ path: `/v1/admin/orders/${f.pendingOrderId}/refund`, body: { reason: 'Asked for it.' } }),
  'GET /v1/orders/{id}/split': (f) => ({ path: `/v1/orders/${f.orderId}/split` }),
  'POST /v1/quotes': (f) => ({ path: '/v1/quotes', body: { datasetId: f.datasetId } }),
  'GET /v1/quotes/{id}': (f) => ({ path: `/v1/quotes/${f.quoteId}` }),
  'GET /v1/cart': () => ({ path: '/v1/cart' }),
  'GET /v1/cart/count': () => ({ path: '/v1/cart/count' }),
  'POST /v1/cart/lines': (f) => ({ path: '/v1/cart/lines', body: { datasetId: f.datasetId } }),
  'DELETE /v1/cart/lines/{id}': (f) => ({ path: `/v1/cart/lines/${f.cartLineId}` }),
  'POST /v1/cart/checkout': (f) => ({ path: '/v1/cart/checkout', body: { paymentMethod: 'solana', organisationId: f.organisationId } }),
  'GET /v1/checkouts/{id}': (f) => ({ path: `/v1/checkouts/${f.checkoutId}` }),
  'POST /v1/checkouts/{id}/confirm-solana': (f) => ({ path: `/v1/checkouts/${f.checkoutId}/confirm-solana`, body: {} }),
  'GET /v1/splits/{splitId}/proof': (f) => ({ path: `/v1/splits/${f.splitId}/proof`, query: { contributor: f.contributorId } }),
  'GET /v1/me/earnings': () => ({ path: '/v1/me/earnings' }),
  'PUT /v1/me/payout-method': (f) => ({ path: '/v1/me/payout-method', body: { kind: 'usdc', wallet: f.wallet } }),
  'POST /v1/admin/payouts/run': () => ({ path: '/v1/admin/payouts/run' }),
  'DELETE /v1/api-keys/{id}': (f) => ({ path: `/v1/api-keys/${f.apiKeyId}` }),
  'DELETE /v1/me/webhooks/{id}': (f) => ({ path: `/v1/me/webhooks/${f.webhookId}` }),
  'POST /v1/me/subscriptions': () => ({
    path: '/v1/me/subscriptions',
    body: { area: { bbox: [10.9, 47.9, 11.1, 48.1] }, modalities: ['telemetry'], paymentMethod: 'solana', monthlyCapUsdCents: 5_000 },
  }),
  'GET /v1/me/subscriptions': () => ({ path: '/v1/me/subscriptions' }),
  'GET /v1/me/subscriptions/{id}': (f) => ({ path: `/v1/me/subscriptions/${f.subscriptionId}` }),
  'POST /v1/me/subscriptions/{id}/cancel': (f) => ({ path: `/v1/me/subscriptions/${f.subscriptionId}/cancel` }),
  'DELETE /v1/organisations/{id}/members/{userId}': (f) => ({ path: `/v1/organisations/${f.organisationId}/members/${f.extraMemberId}` }),
  'POST /v1/organisations/{id}/leave': (f) => ({ path: `/v1/organisations/${f.organisationId}/leave` }),
};

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
}

interface Outcome {
  status: number;
  body: unknown;
  cacheControl: string | undefined;
}

describe('route x role x foreign object (e2e, from the OpenAPI document)', () => {
  const stripe = new FakeStripe();
  let t: TestApp;
  const tokens = {} as Record<Exclude<Persona, 'anon'>, string>;
  let fixtures: Fixtures;

  const send = async (method: string, call: Call, as: Persona): Promise<Outcome> => {
    let request = t.http()[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](call.path);
    if (call.query) request = request.query(call.query);
    if (as !== 'anon') request = request.set(auth(tokens[as]));
    for (const [name, value] of Object.entries(call.headers ?? {})) request = request.set(name, value);
    const res = call.body === undefined ? await request : await request.send(call.body as object);
    return { status: res.status, body: res.body as unknown, cacheControl: res.headers['cache-control'] };
  };

  beforeAll(async () => {
    let admin: string;
    ({ t, admin } = await startStripeTestApp(stripe, { AUTH_RATE_LIMIT: '100000' }));
    tokens.admin = admin;
    tokens.contrib = await signUp(t, 'contributor@matrix.test', 'contributor');
    tokens.oContrib = await signUp(t, 'other-contributor@matrix.test', 'contributor');
    tokens.buyer = await signUp(t, 'buyer@matrix.test', 'buyer');
    tokens.member = await signUp(t, 'member@matrix.test', 'buyer');
    tokens.oBuyer = await signUp(t, 'other-buyer@matrix.test', 'buyer');
    await signUp(t, 'extra@matrix.test', 'buyer');
    const idOf = async (token: string) => ((await t.http().get('/v1/auth/me').set(auth(token)).expect(200)).body as { id: string }).id;

    const published = await publishDataset(
      t,
      { contributor: tokens.contrib, admin },
      { title: 'Matrix drives', licenceSlug: 'commercial-ai-training', priceUsdCents: 2_000, seed: 3 },
    );
    const captureId = await uploadCapture(t, tokens.contrib, csvTelemetry(30), { filename: 'own.csv' });
    expect((await settled(t, tokens.contrib, captureId)).status).toBe('ready');
    const licenceTemplateId = ((await t.http().get('/v1/licences').expect(200)).body as { id: string }[])[0].id;
    const draft = await t
      .http()
      .post('/v1/datasets')
      .set(auth(tokens.contrib))
      .send({
        title: 'Matrix draft',
        description: 'A draft of the first contributor.',
        captureIds: [captureId],
        licenceTemplateId,
        priceUsdCents: 1_500,
        declarations: { ownsRights: true, identifiablePeople: false, piiRedacted: true, restrictedLocations: false },
      })
      .expect(201);

    const organisation = await t.http().post('/v1/organisations').set(auth(tokens.buyer)).send({ name: 'Matrix Robotics' }).expect(201);
    const organisationId = (organisation.body as { id: string }).id;
    await t
      .http()
      .post(`/v1/organisations/${organisationId}/members`)
      .set(auth(tokens.buyer))
      .send({ email: 'member@matrix.test', role: 'member' })
      .expect(201);

    const order = (
      await t
        .http()
        .post('/v1/orders')
        .set(auth(tokens.buyer))
        .send({ datasetId: published.datasetId, paymentMethod: 'solana', organisationId })
        .expect(201)
    ).body as OrderResponse;
    const paid = await t.http().post('/v1/dev/solana/pay').send({ url: order.solanaPay?.url }).expect(200);
    await t.http().post(`/v1/orders/${order.id}/confirm-solana`).set(auth(tokens.buyer)).send({}).expect(200);
    const pending = (
      await t.http().post('/v1/orders').set(auth(tokens.buyer)).send({ datasetId: published.datasetId, paymentMethod: 'solana' }).expect(201)
    ).body as OrderResponse;
    const split = (await t.http().get(`/v1/orders/${order.id}/split`).set(auth(admin)).expect(200)).body as SplitResponse;
    const quote = await t.http().post('/v1/quotes').set(auth(tokens.buyer)).send({ datasetId: published.datasetId }).expect(201);
    // A second dataset, bought through the cart for the organisation (paid), then put in the buyer's own cart again.
    const carted = await publishDataset(
      t,
      { contributor: tokens.contrib, admin },
      { title: 'Matrix cart drives', licenceSlug: 'commercial-ai-training', priceUsdCents: 900, seed: 4 },
    );
    await t.http().post('/v1/cart/lines').set(auth(tokens.buyer)).send({ datasetId: carted.datasetId }).expect(201);
    const checkout = (await t.http().post('/v1/cart/checkout').set(auth(tokens.buyer)).send({ paymentMethod: 'solana', organisationId }).expect(201))
      .body as CheckoutResponse;
    await t.http().post('/v1/dev/solana/pay').send({ url: checkout.solanaPay?.url }).expect(200);
    await t.http().post(`/v1/checkouts/${checkout.id}/confirm-solana`).set(auth(tokens.buyer)).send({}).expect(200);
    const cart = (await t.http().post('/v1/cart/lines').set(auth(tokens.buyer)).send({ datasetId: carted.datasetId }).expect(201))
      .body as CartResponse;
    const apiKey = await t.http().post('/v1/api-keys').set(auth(tokens.buyer)).send({ name: 'pipeline' }).expect(201);
    const webhook = await t.http().post('/v1/me/webhooks').set(auth(tokens.buyer)).send({ url: 'https://93.184.216.34/pipeline' }).expect(201);
    const subscription = await t
      .http()
      .post('/v1/me/subscriptions')
      .set(auth(tokens.buyer))
      .send({ area: { bbox: [10.9, 47.9, 11.1, 48.1] }, paymentMethod: 'solana', monthlyCapUsdCents: 5_000 })
      .expect(201);
    const network = `net-${unique()}`;
    await t.http().post('/v1/admin/networks').set(auth(admin)).send({ slug: network, name: 'Matrix', publicKey: testWallet().address }).expect(201);
    const advanceGrant = await t
      .http()
      .post('/v1/me/advance-grants')
      .set(auth(tokens.contrib))
      .send({ method: 'session', grant: advanceGrantFields(network) })
      .expect(201);
    const manifest = (await t.http().get(`/v1/datasets/${published.datasetId}/versions/${published.version}/manifest`).expect(200))
      .body as ManifestResponse;
    const stranger = getAddressDecoder().decode(randomBytes(32));

    fixtures = {
      captureId,
      datasetId: published.datasetId,
      version: published.version,
      manifestPath: manifest.files[0].path,
      draftId: (draft.body as { id: string }).id,
      licenceTemplateId,
      orderId: order.id,
      pendingOrderId: pending.id,
      quoteId: (quote.body as { id: string }).id,
      checkoutId: checkout.id,
      cartLineId: cart.lines[0].id,
      splitId: split.id,
      contributorId: await idOf(tokens.contrib),
      organisationId,
      extraMemberId: '',
      apiKeyId: (apiKey.body as { id: string }).id,
      webhookId: (webhook.body as { id: string }).id,
      subscriptionId: (subscription.body as { id: string }).id,
      paymentSignature: (paid.body as { signature: string }).signature,
      // A transfer request to a wallet that has no token account for the mint: nothing can pay it.
      unpayableUrl: `solana:${stranger}?amount=1&spl-token=${order.solanaPay?.splToken ?? ''}&reference=${getAddressDecoder().decode(randomBytes(32))}`,
      network,
      wallet: testWallet().address,
      advanceGrantId: (advanceGrant.body as { id: string }).id,
    };
    const extra = await t.http().post('/v1/auth/login').send({ email: 'extra@matrix.test', password: 'a-long-password' }).expect(200);
    fixtures.extraMemberId = (extra.body as AuthTokenResponse).user.id;
  }, 300_000);
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  it('has a row for every operation of the OpenAPI document, and no row for one it lacks', async () => {
    const document = (await t.http().get('/docs-json').expect(200)).body as OpenApiDocument;
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.filter((operation) => !(operation in EXPECTED)).sort()).toEqual([]);
    expect(Object.keys(EXPECTED).filter((operation) => !operations.includes(operation))).toEqual([]);
    expect(Object.keys(REQUESTS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  // One test per row, in the table's order (rows further down rely on what rows above did).
  it.each(Object.entries(EXPECTED))('%s answers each caller as the table says, in the error shape, never cached', async (operation, expected) => {
    const [method] = operation.split(' ');
    const mismatches: string[] = [];
    for (const [index, persona] of PERSONAS.entries()) {
      const request = REQUESTS[operation](fixtures);
      const outcome = await send(method, request, persona);
      const body = JSON.stringify(outcome.body).slice(0, 160);
      if (outcome.status !== expected[index]) mismatches.push(`as ${persona}: ${outcome.status}, not ${expected[index]}: ${body}`);
      const error = outcome.body as ErrorBody;
      if (outcome.status >= 400 && (error.statusCode !== outcome.status || typeof error.code !== 'string' || typeof error.message !== 'string')) {
        mismatches.push(`as ${persona}: not the error shape: ${body}`);
      }
      if (request.path.startsWith('/v1/') && outcome.cacheControl !== 'no-store')
        mismatches.push(`as ${persona}: Cache-Control ${String(outcome.cacheControl)}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('answers unknown ids exactly as foreign ones', async () => {
    const differences: string[] = [];
    const unknown: Fixtures = {
      ...fixtures,
      captureId: randomUUID(),
      datasetId: randomUUID(),
      draftId: randomUUID(),
      orderId: randomUUID(),
      pendingOrderId: randomUUID(),
      quoteId: randomUUID(),
      checkoutId: randomUUID(),
      cartLineId: randomUUID(),
      splitId: randomUUID(),
      organisationId: randomUUID(),
      extraMemberId: randomUUID(),
      apiKeyId: randomUUID(),
      webhookId: randomUUID(),
      subscriptionId: randomUUID(),
    };
    const codeOf = (outcome: Outcome) => (outcome.body as ErrorBody).code;
    for (const [operation, expected] of Object.entries(EXPECTED)) {
      const [method] = operation.split(' ');
      const foreignCall = REQUESTS[operation](fixtures);
      const unknownCall = REQUESTS[operation](unknown);
      // Only where the first users' ids are in the request.
      if (JSON.stringify(foreignCall) === JSON.stringify(unknownCall)) continue;
      for (const persona of ['oBuyer', 'oContrib'] as const) {
        if (expected[PERSONAS.indexOf(persona)] < 400) continue;
        const foreign = await send(method, foreignCall, persona);
        const missing = await send(method, unknownCall, persona);
        if (missing.status !== foreign.status || codeOf(missing) !== codeOf(foreign)) {
          differences.push(`${operation} as ${persona}: foreign ${foreign.status} ${codeOf(foreign)}, unknown ${missing.status} ${codeOf(missing)}`);
        }
      }
    }
    expect(differences).toEqual([]);
  }, 300_000);
});
