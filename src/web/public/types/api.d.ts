// The API's JSON as the pages read it (the response DTOs of src/*/dto, with dates as ISO strings). Only the page scripts
// use these types: they are checked with src/web/public/tsconfig.json. The service's plain type modules (no imports,
// nothing server-only) are used as they are.
import type { Declarations } from '../../../catalog/declarations.js';
import type { SplitPolicy } from '../../../catalog/split-policy.js';
import type { LicenceTerms } from '../../../licensing/licence-terms.js';
import type { PreviewContent } from '../../../ingestion/previews/preview.types.js';
export type {
  PointCloudPreview as PointCloudPreviewContent,
  PreviewContent,
  RoboticsPreview as RoboticsPreviewContent,
  Series as PreviewSeries,
  TablePreview as TablePreviewContent,
  TrackPoint,
  VideoPreview as VideoPreviewContent,
} from '../../../ingestion/previews/preview.types.js';

export type { Declarations, LicenceTerms, SplitPolicy };
export type PermittedUses = LicenceTerms['permittedUses'];

export type Role = 'buyer' | 'contributor' | 'admin';
export type Currency = 'USD' | 'USDC';
export type BBox = [number, number, number, number];
export type PageOf<T> = { items: T[]; nextCursor: string | null };

export interface User {
  id: string;
  email: string | null;
  role: Role;
  walletAddress: string | null;
  createdAt: string;
}

export interface AuthToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: User;
}

export interface WalletChallenge {
  message: string;
}

export type CaptureStatus = 'uploading' | 'processing' | 'ready' | 'rejected';

export interface Capture {
  id: string;
  status: CaptureStatus;
  filename: string;
  sizeBytes: number;
  sha256: string;
  modality: string | null;
  format: string | null;
  capturedAt: string | null;
  deviceId: string | null;
  deviceSignatureValid: boolean | null;
  network: string | null;
  externalId: string | null;
  timeRange: { start: string; end: string } | null;
  bbox: BBox | null;
  durationSeconds: number | null;
  metadata: Record<string, unknown> | null;
  /** What the probe found inconsistent inside the readable file; never a rejection. */
  warnings: string[];
  /** Where and when the capture was; null with footprintReason when it has no position. */
  footprint: CaptureFootprintView | null;
  footprintReason: string | null;
  gnssQuality: GnssQuality | null;
  rejection: { code: string; reason: string } | null;
  createdAt: string;
  processedAt: string | null;
}

export interface CaptureFootprintView {
  kind: 'track' | 'point' | 'polygon';
  bbox: BBox;
  lengthKm: number;
  areaKm2: number;
  start: string | null;
  end: string | null;
  positions: number;
  dropped: { invalid: number; nullIsland: number; jumps: number };
  cells: number;
  source: string;
}

export interface CaptureUpload {
  partSizeBytes: number;
  parts: { partNumber: number; url: string }[];
  completeUrl: string;
  expiresAt: string;
}

export interface CreatedCapture extends Capture {
  upload: CaptureUpload;
}

export interface LicenceTemplate {
  id: string;
  slug: string;
  name: string;
  terms: LicenceTerms;
  text: string;
}

export interface Coverage {
  modalities: string[];
  networks: string[];
  bbox: BBox | null;
  timeStart: string | null;
  timeEnd: string | null;
  fileCount: number;
  totalBytes: number;
  totalDurationSeconds: number;
  totalPoints: number;
  totalMessages: number;
}

export interface ContributorWeight {
  contributorId: string;
  files: number;
  bytes: number;
  weightBps: number;
}

export interface SampleFile {
  path: string;
  captureId: string;
  modality: string;
  format: string;
  sizeBytes: number;
  metadata: Record<string, unknown>;
}

/** Per-unit prices of slices, USD cents (issue 13); only the fields the seller set. */
export interface UnitPrices {
  perKmUsdCents?: number;
  perHourUsdCents?: number;
  perGbUsdCents?: number;
  minimumUsdCents?: number;
}

export interface DatasetVersion {
  version: number;
  title: string;
  description: string;
  tags: string[];
  coverage: Coverage;
  licence: { templateId: string; slug: string; name: string; terms: LicenceTerms; text?: string };
  priceUsdCents: number;
  unitPrices: UnitPrices | null;
  declarations: Declarations;
  /** The declarations in plain sentences. */
  declarationStatements: string[];
  sampleFiles: SampleFile[];
  contributorCount: number;
  contributors?: ContributorWeight[];
  splitPolicy: SplitPolicy | null;
  merkleRoot: string;
  publishedAt: string;
}

export interface DatasetDraft {
  state: string;
  revision: number;
  title: string;
  description: string;
  tags: string[];
  captureIds: string[];
  sampleCaptureIds: string[];
  licenceTemplateId: string;
  licenceTerms: LicenceTerms;
  priceUsdCents: number;
  unitPrices: UnitPrices | null;
  declarations: Partial<Declarations>;
  missingDeclarations: string[];
  contributors?: ContributorWeight[];
  splitPolicy: SplitPolicy | null;
  submittedAt: string | null;
  reviewReason: string | null;
}

export interface Dataset {
  id: string;
  ownerId: string;
  status: string;
  latestVersion: number | null;
  versions: number[];
  published: DatasetVersion | null;
  draft?: DatasetDraft | null;
  takenDownAt?: string | null;
  takedownReason?: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One search hit: the latest listed version of a dataset. */
export interface DatasetSummary {
  id: string;
  version: number;
  title: string;
  summary: string;
  tags: string[];
  coverage: Coverage;
  licenceSlug: string;
  licenceName: string;
  exclusive: boolean;
  priceUsdCents: number;
  unitPrices: UnitPrices | null;
  publishedAt: string;
  relevance: number | null;
  /** Outline of the H3 cells the captures' footprints touch (GeoJSON MultiPolygon), or null without positions. */
  footprint: { type: 'MultiPolygon'; coordinates: number[][][][] } | null;
}

export interface GnssQuality {
  epochs: number;
  rtkFixed: number;
  rtkFloat: number;
  dgps: number;
  fix3d: number;
  fix2d: number;
  noFix: number;
  medianHdop: number | null;
  medianSatellites: number | null;
  systems?: string[];
}

export interface CaptureCoverageFeature {
  type: 'Feature';
  geometry: { type: 'Point' | 'LineString' | 'MultiLineString' | 'Polygon'; coordinates: unknown };
  properties: {
    captureId: string;
    path: string;
    modality: string;
    format: string;
    kind: 'track' | 'point' | 'polygon';
    start: string | null;
    end: string | null;
    lengthKm: number;
    areaKm2: number;
    cells: number;
    source: string;
    gnssQuality: GnssQuality | null;
  };
}

export interface DatasetCoverage {
  type: 'FeatureCollection';
  datasetId: string;
  version: number;
  totals: { captures: number; withFootprint: number; km: number; hours: number; km2: number; cells: number };
  features: CaptureCoverageFeature[];
  withoutFootprint: { captureId: string; path: string; modality: string; reason: string }[];
}

export interface CatalogCoverage {
  type: 'FeatureCollection';
  res: number;
  truncated: boolean;
  features: {
    type: 'Feature';
    geometry: { type: 'Polygon'; coordinates: number[][][] };
    properties: { h3: string; datasets: number; modalities: string[] };
  }[];
}

export interface Manifest {
  datasetId: string;
  version: number;
  merkleRoot: string;
  leafEncoding: string;
  files: (SampleFile & { sha256: string; deviceSignatureValid: boolean | null })[];
}

export interface Anchor {
  status: string;
  cluster: string | null;
  memo: string;
  signature: string | null;
  slot: number | null;
  confirmedAt: string | null;
}

export interface Provenance {
  datasetId: string;
  versions: { version: number; merkleRoot: string; fileCount: number; publishedAt: string; anchor: Anchor | null }[];
  custody: {
    entries: { seq: number; kind: string; actorId: string; at: string; details: Record<string, unknown>; prevHash: string; hash: string }[];
    verification: { ok: boolean; entries: number; head: string | null; brokenAt?: number; reason?: string; message?: string };
  };
}

export interface ReviewCapture {
  id: string;
  ownerId: string;
  filename: string;
  network: string | null;
  modality: string | null;
  format: string | null;
  sizeBytes: number | null;
  status: string;
  deviceSignatureValid: boolean | null;
  metadata: Record<string, unknown>;
  warnings: string[];
}

export interface ReviewQueueItem {
  dataset: Dataset;
  submittedAt: string;
  changes: { firstVersion: boolean; sinceVersion: number | null; changedFields: string[]; addedCaptureIds: string[]; removedCaptureIds: string[] };
  captures: ReviewCapture[];
  captureCount: number;
}

export interface AuditEvent {
  id: string;
  datasetId: string;
  actorId: string;
  action: string;
  draftRevision: number | null;
  version: number | null;
  reason: string | null;
  at: string;
}

export type OrderStatus = 'pending' | 'paid' | 'fulfilled' | 'expired' | 'cancelled' | 'refunded';

export interface Money {
  minor: number;
  currency: Currency;
}

export interface SolanaPay {
  url: string;
  reference: string;
  recipient: string;
  amount: string;
  splToken: string;
  qrCode: string;
}

/** A refund decided for an order: being sent (pending), sent (paymentId names the refund payment) or held for an admin. */
export interface OrderRefund {
  id: string;
  chargeId: string;
  portion: 'excess' | 'rest';
  amount: Money;
  status: 'pending' | 'sent' | 'held';
  reason: string;
  heldReason: string | null;
  paymentId: string | null;
  createdAt: string;
}

/** GET /v1/payment-methods: each method and whether the marketplace takes it now. */
export interface PaymentMethodInfo {
  method: 'card' | 'solana';
  label: string;
  currency: Currency;
  available: boolean;
}

export interface Order {
  id: string;
  status: OrderStatus;
  statusReason: string | null;
  buyerId: string;
  organisationId: string | null;
  organisationName: string | null;
  datasetId: string;
  version: number;
  datasetTitle: string;
  paymentMethod: 'card' | 'solana';
  priceUsdCents: number;
  amount: Money;
  licence: { slug: string; name: string; terms: LicenceTerms };
  exclusive: boolean;
  expiresAt: string;
  createdAt: string;
  paidAt: string | null;
  fulfilledAt: string | null;
  lastPaymentError: string | null;
  payments: { id: string; kind: 'charge' | 'refund'; amount: Money; reference: string; refundOf: string | null; createdAt: string }[];
  refunds: OrderRefund[];
  stripe?: { checkoutUrl: string; sessionId: string };
  solanaPay?: SolanaPay;
  /** Present for a slice order (issue 13): exactly what it buys. */
  slice: OrderSlice | null;
  /** For a paid order: withdrawals of captures in what it bought (issue 16), oldest first. */
  notices: OrderNotice[];
  /** The cart checkout this order was paid with, together with its other lines; null for an order paid on its own. */
  checkoutId: string | null;
}

/** One line of the buyer's cart (GET /v1/cart). */
export interface CartLine {
  id: string;
  datasetId: string;
  datasetTitle: string;
  version: number;
  licence: { slug: string; name: string; terms: LicenceTerms } | null;
  exclusive: boolean;
  priceUsdCents: number;
  quote: {
    id: string;
    expiresAt: string;
    expired: boolean;
    captures: number;
    lengthM: number;
    durationMs: number;
    sizeBytes: number;
    unit: 'km' | 'hour' | 'gb' | null;
  } | null;
  /** Why checkout would refuse this line now; null when it can be bought. */
  problem: string | null;
  /** Added to buy again a version the buyer already held an order of. */
  allowRepeat: boolean;
  addedAt: string;
}

export interface Cart {
  lines: CartLine[];
  totalUsdCents: number;
  payable: boolean;
}

/** A cart checkout (POST /v1/cart/checkout, GET /v1/checkouts/:id): one payment for several orders. */
export interface Checkout {
  id: string;
  paymentMethod: 'card' | 'solana';
  amount: Money;
  priceUsdCents: number;
  expiresAt: string;
  createdAt: string;
  orders: Order[];
  stripe?: { checkoutUrl: string; sessionId: string };
  solanaPay?: SolanaPay;
}

export interface OrderNotice {
  kind: 'withdrawal' | 'takedown';
  captureIds: string[];
  paths: string[];
  reason: string;
  at: string;
  /** What the order's licence snapshot says about withdrawn files. */
  effect: 'stop-using' | 'may-keep';
  effectWords: string;
}

export interface OrderSlice {
  quoteId: string;
  area: { bbox?: number[]; polygon?: object; cells?: string[] } | null;
  windowFrom: string | null;
  windowTo: string | null;
  modalities: string[] | null;
  unit: 'km' | 'hour' | 'gb';
  captures: number;
  leaves: number[];
  lengthM: number;
  durationMs: number;
  sizeBytes: number;
}

/** POST /v1/quotes: a stored price for a whole dataset or a slice of its listed version (10 minutes). */
export interface Quote {
  id: string;
  datasetId: string;
  version: number;
  kind: 'whole' | 'slice';
  /** The area as given; null for a whole dataset or a window / sensors only. */
  area: { bbox?: number[]; polygon?: object; cells?: string[] } | null;
  modalities: string[] | null;
  totals: { captures: number; km: number; hours: number; bytes: number; lengthM: number; durationMs: number };
  priceUsdCents: number;
  wholePriceUsdCents: number;
  pricing: {
    unit: 'km' | 'hour' | 'gb';
    rateUsdCents: number;
    ratedUsdCents: number;
    minimumUsdCents: number | null;
    minimumApplied: boolean;
    cappedAtWholePrice: boolean;
  } | null;
  files: { leafIndex: number; captureId: string }[];
  outline: import('geojson').FeatureCollection;
  expiresAt: string;
}

export interface AdminOrder extends Order {
  buyerEmail: string | null;
  buyerWallet: string | null;
}

export interface Downloads {
  files: { path: string; sizeBytes: number; sha256: string; url: string; expiresAt: string }[];
  /** Files withdrawn under a licence revocable on withdrawal: no longer delivered. */
  withdrawn: { path: string; sizeBytes: number; sha256: string; code: 'CHECKOUT_FILE_WITHDRAWN'; reason: string; withdrawnAt: string }[];
}

/** A licence certificate as signed: `payload` is the certificate's JSON text. */
export interface SignedCertificate {
  payload: string;
  signature: string;
  publicKey: string;
}

/** GET /v1/orders/:id/certificate: the current certificate and those it superseded (oldest first). */
export interface OrderCertificate extends SignedCertificate {
  superseded: (SignedCertificate & { reason: string; supersededAt: string })[];
}

/** The certificate itself (the parsed payload): LicenceCertificate of src/checkout/licence-certificate.ts, which lives
 * beside server-only signing code and so cannot be imported here. */
export interface LicenceCertificate {
  type: 'dataset-licence-certificate';
  formatVersion: 1;
  orderId: string;
  issuedAt: string;
  buyer: { id: string; email: string | null; walletAddress: string | null };
  organisation?: { id: string; name: string };
  dataset: { id: string; version: number; title: string; merkleRoot: string };
  licence: { slug: string; name: string; terms: LicenceTerms; validUntil: string | null };
  price: { amount: string; currency: Currency; priceUsdCents: number };
  payment: { method: 'card' | 'solana'; reference: string };
  /** A slice order's certificate names exactly its files (leaf indexes) and pins them (filesSha256). */
  slice?: { quoteId: string; unit: 'km' | 'hour' | 'gb'; captures: number; leaves: number[]; filesSha256: string };
  /** The grant set that cleared the version: the hash GET /v1/datasets/:id/consent lists for it. */
  consent?: { grantSetHash: string; grants: number };
  /** A certificate reissued after withdrawals (revocable licence): the files it no longer covers. */
  withdrawn?: { leaves: number[]; paths: string[]; remainingFilesSha256: string };
  supersedes?: { payloadSha256: string; signature: string };
}

/** GET /v1/datasets/:id/consent: the public consent record (issue 16). */
export interface DatasetConsent {
  datasetId: string;
  versions: { version: number; grantHashes: string[]; grantSetHash: string }[];
  grants: {
    hash: string;
    /** advance: derived at submission from the contributor's advance grant (advanceGrantHash); signer and signature are its own. */
    method: 'wallet' | 'session' | 'advance';
    signer: string | null;
    advanceGrantHash: string | null;
    signature: string | null;
    message: string;
    licence: string;
    captureCount: number;
    issuedAt: string;
    expiresAt: string;
    recordedAt: string;
    custodySeq: number;
    verified: boolean;
  }[];
  declines: number;
  withdrawals: { kind: 'withdrawal' | 'takedown'; hash: string; captureCount: number; recordedAt: string; custodySeq: number }[];
  verified: boolean;
  problem: string | null;
}

/** GET /v1/admin/withdrawals: a contributor's withdrawal or an admin's takedown, and where it stands (issue 16). */
export interface TakeOut {
  id: string;
  kind: 'withdrawal' | 'takedown';
  takedownKind: 'privacy' | 'legal' | 'other' | null;
  datasetId: string;
  datasetTitle: string;
  captureIds: string[];
  reason: string;
  actorId: string;
  hash: string;
  custodySeq: number;
  createdAt: string;
  fromVersion: number | null;
  state: 'published' | 'in_review' | 'draft_open' | 'taken_down';
  publishedVersion: number | null;
}

/** POST /v1/admin/datasets/:id/capture-takedowns */
export interface Takedown extends TakeOut {
  removedCaptureIds: string[];
  publishProblem: string | null;
}

export interface PlatformKeys {
  publicKey: string;
  algorithm: 'Ed25519';
  encoding: 'base58';
}

export interface Earning {
  splitId: string;
  orderId: string;
  datasetId: string;
  /** The dataset's title in the version sold. */
  datasetTitle: string;
  version: number;
  role: 'curator' | 'contributor';
  /** Integer minor units as a decimal string. */
  amount: string;
  currency: Currency;
  leaf: string;
  proof: string[];
  merkleRoot: string;
  txSignature: string | null;
  paidOut: boolean;
  refunded: boolean;
  /** A slice sale: what your captures delivered of it, in the unit it was priced by (metres, ms or bytes). */
  slice: { unit: 'km' | 'hour' | 'gb'; delivered: string; total: string } | null;
  /**
   * Your withdrawals from the dataset sold, and admins' takedowns of your captures in it (issue 16), and whether this
   * sale came before or after each.
   */
  withdrawals: { kind: 'withdrawal' | 'takedown'; at: string; captureCount: number; sale: 'before' | 'after' }[];
}

export interface ChainMemo {
  cluster: string;
  signature: string;
  memo: string;
}

export interface PayoutMethod {
  kind: 'usdc' | 'stripe';
  wallet: string | null;
  account: string | null;
}

export interface PayoutRun {
  payouts: {
    payee: string;
    destination: string | null;
    amount: string;
    currency: Currency;
    txSignature: string | null;
    status: 'paid' | 'sending' | 'pending' | 'held';
    reason: string | null;
  }[];
  transactions: number;
}

export interface DevPayment {
  signature: string;
}

/** GET /v1/datasets/:id/versions/:version/files */
export interface VersionFile {
  path: string;
  sizeBytes: number;
  sha256: string;
  modality: string;
  format: string;
  mediaType: string;
  timeStart: string | null;
  timeEnd: string | null;
  footprint: { kind: string; lengthKm: number; areaKm2: number; positions: number; source: string } | null;
  footprintReason: string | null;
  gnssQuality: GnssQuality | null;
}

export interface VersionFilePage {
  version: number;
  total: number;
  items: VersionFile[];
  nextCursor: string | null;
}

/** GET /v1/orders/:id/receipt: a paid order's receipt. */
export interface Receipt {
  number: string;
  orderId: string;
  status: OrderStatus;
  paidAt: string;
  orderedAt: string;
  buyer: { email: string | null; wallet: string | null; organisationName: string | null };
  lines: {
    description: string;
    datasetId: string;
    version: number;
    licenceName: string;
    exclusive: boolean;
    slice: OrderSlice | null;
    amount: Money;
  }[];
  tax: Money;
  taxNote: string;
  total: Money;
  priceUsdCents: number;
  paymentMethod: 'card' | 'solana';
  paymentMethodLabel: string;
  paymentReference: string;
  payments: { kind: 'charge' | 'refund'; amount: Money; reference: string; paidOrder: boolean; at: string }[];
  refunds: { amount: Money; status: 'pending' | 'sent' | 'held'; reason: string; reference: string | null; at: string }[];
  refunded: Money;
  netPaid: Money;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** POST /v1/api-keys: the key itself is in this answer only. */
export interface ApiKeyCreated extends ApiKey {
  key: string;
}

export type WebhookEventType = 'order.consent_withdrawn' | 'order.paid' | 'order.fulfilled' | 'subscription.invoice';

/** GET /v1/me/webhooks: a buyer's endpoint for signed events about their orders (issue 16). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  organisationId: string | null;
  status: 'enabled' | 'disabled';
  disabledReason: string | null;
  consecutiveFailures: number;
  createdAt: string;
}

/** POST /v1/me/webhooks: the signing secret is in this answer only. */
export interface WebhookEndpointCreated extends WebhookEndpoint {
  secret: string;
}

/** GET /v1/me/webhooks/:id/deliveries: one event for the endpoint, with every attempt. */
export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: WebhookEventType;
  status: 'pending' | 'delivered' | 'failed';
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  attempts: { attempt: number; at: string; statusCode: number | null; error: string | null; responseExcerpt: string | null; durationMs: number }[];
}

export type OrganisationRole = 'owner' | 'admin' | 'member';

export interface OrganisationSummary {
  id: string;
  name: string;
  /** Your role in it. */
  role: OrganisationRole;
  createdAt: string;
}

export interface Organisation extends OrganisationSummary {
  members: { userId: string; email: string | null; role: OrganisationRole; addedAt: string }[];
}

/** Consent (issue 16): what a draft asks of a contributor, and the grant fields they sign. */
export interface ConsentGrantFields {
  datasetId: string;
  contributorId: string;
  captureIds: string[];
  licence: string;
  scope: { permittedUses: PermittedUses; territory: string[] };
  priceUsdCents: number;
  shareBps: number;
  issuedAt: string;
  expiresAt: string;
  nonce: string;
}

export interface ConsentRequest {
  datasetId: string;
  title: string;
  draftState: string;
  licence: string;
  licenceName: string;
  plainTerms: string[];
  priceUsdCents: number;
  shareBps: number;
  captureIds: string[];
  status: 'waiting' | 'granted' | 'declined';
  waitingReason: string | null;
  /** Your advance grant that covers this draft (it counts as your grant when the draft is submitted). */
  advanceGrantHash: string | null;
  grant: ConsentGrantFields;
  walletMessage: string | null;
  sessionMessage: string;
}

export interface ConsentRecord {
  id: string;
  datasetId: string;
  /** The dataset's title as its owner last set it ('' when it is gone). */
  datasetTitle: string;
  kind: 'grant' | 'decline' | 'withdrawal';
  captureIds: string[];
  method: 'wallet' | 'session' | 'advance' | null;
  hash: string;
  custodySeq: number;
  expiresAt: string | null;
  reason: string | null;
  createdAt: string;
  removedCaptureIds?: string[];
}

/** The terms of an advance grant, as given and as listed. */
export interface AdvanceGrantTerms {
  network: string | null;
  curatorId: string | null;
  licences: string[];
  scope: { permittedUses: PermittedUses; territory: string[] };
  minShareBps: number | null;
  minPriceUsdCents: number | null;
  issuedAt: string;
  expiresAt: string;
}

/** POST /v1/me/advance-grants/message: the exact advance grant to give (issuedAt and nonce chosen by the server) and its texts. */
export interface AdvanceGrantMessage {
  grant: AdvanceGrantTerms & { nonce: string };
  walletMessage: string | null;
  sessionMessage: string;
}

/** GET /v1/me/advance-grants: consent given in advance for a network's or a curator's datasets. */
export interface AdvanceGrant extends AdvanceGrantTerms {
  id: string;
  hash: string;
  method: 'wallet' | 'session';
  signer: string | null;
  source: 'contributor' | 'network-batch';
  message: string;
  status: 'live' | 'expired' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
  revocationHash: string | null;
}

/** GET /v1/captures/:id/preview */
export interface CapturePreview {
  captureId: string;
  filename: string;
  format: string | null;
  modality: string | null;
  status: 'pending' | 'ready' | 'failed';
  kind: PreviewContent['kind'];
  content: PreviewContent | null;
  files: string[];
  reason: string | null;
  generatedAt: string | null;
}

/** One dataset's line of an area subscription's monthly invoice (GET /v1/me/subscriptions). */
export interface SubscriptionInvoiceLine {
  datasetId: string;
  datasetTitle: string | null;
  version: number;
  orderId: string | null;
  status: OrderStatus | null;
  captures: number;
  priceUsdCents: number;
}

export interface SubscriptionInvoice {
  /** YYYY-MM, UTC. */
  period: string;
  outcome: 'invoiced' | 'empty' | 'over_cap' | 'failed';
  checkoutId: string | null;
  paymentStatus: 'pending' | 'paid' | 'expired' | null;
  expiresAt: string | null;
  priceUsdCents: number;
  captures: number;
  lines: SubscriptionInvoiceLine[];
  skipped: { datasetId: string; code: string; reason: string }[];
  reason: string | null;
  createdAt: string;
}

/** An area subscription: the new captures of an area, invoiced monthly up to a cap (issue 13, part 7). */
export interface Subscription {
  id: string;
  area: { bbox?: number[]; polygon?: object; cells?: string[] };
  modalities: string[] | null;
  datasetId: string | null;
  paymentMethod: 'card' | 'solana';
  monthlyCapUsdCents: number;
  status: 'active' | 'cancelled';
  baselineCaptures: number;
  createdAt: string;
  cancelledAt: string | null;
  invoices: SubscriptionInvoice[];
}
