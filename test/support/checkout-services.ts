import { randomBytes, randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { AuthModule } from '../../src/auth/auth.module.js';
import type { SaleableVersion, VersionFile, VersionSplitInputs } from '../../src/catalog/dto/saleable-version.js';
import { CatalogModule } from '../../src/catalog/catalog.module.js';
import { CatalogSalesService } from '../../src/catalog/services/catalog-sales.service.js';
import { ChainModule, chainSettings } from '../../src/chain/chain.module.js';
import { LiteSvmLedger } from '../../src/chain/litesvm.ledger.js';
import { CheckoutModule } from '../../src/checkout/checkout.module.js';
import { CreateOrderDto } from '../../src/checkout/dto/create-order.dto.js';
import type { PaymentMethod } from '../../src/checkout/payment-methods/payment-method.js';
import { JobsModule } from '../../src/queue/jobs.module.js';
import type { LicenceTerms } from '../../src/licensing/licence-terms.js';
import { OrganisationsModule } from '../../src/organisations/organisations.module.js';
import { QuoteErrorCode, QuoteException } from '../../src/quotes/quote.exception.js';
import { QuotesModule } from '../../src/quotes/quotes.module.js';
import { QuotesService } from '../../src/quotes/services/quotes.service.js';
import { RevenueModule } from '../../src/revenue/revenue.module.js';
import { StorageModule } from '../../src/storage/storage.module.js';
import { StripeModule } from '../../src/stripe/stripe.module.js';
import type { FakeStripe } from './fake-stripe.js';
import { type ModuleServices, startModuleServices } from './module-services.js';

const TERMS: LicenceTerms = {
  permittedUses: { aiTraining: true, evaluation: true, commercialUse: true, redistribution: false, derivativeMaps: false },
  attributionRequired: false,
  territory: ['WORLD'],
  termMonths: 12,
  exclusive: false,
  maxSeats: null,
};

export interface FakeVersionSpec {
  title: string;
  priceUsdCents: number;
  exclusive: boolean;
  /** The files' SHA-256, hex. */
  files: string[];
  /** Who shares the net revenue and by what weight (default: the owner alone); the revenue tests name several. */
  contributors?: { contributorId: string; weight: number }[];
  /** The owner's curator share of the net, in basis points (default: none). */
  curatorBps?: number;
}

/** A fresh SHA-256 (hex) for a file no other version holds. */
export const newFileHash = () => randomBytes(32).toString('hex');

/**
 * The catalog as checkout reads it (CatalogSalesService), held in memory: published versions with their files'
 * hashes. The service tests need saleable versions, not the upload, probe and review machinery behind them.
 */
export class FakeCatalog {
  private readonly datasets = new Map<string, { ownerId: string; versions: FakeVersionSpec[] }>();
  /** Datasets an admin took down: nothing of them is listed. */
  private readonly takenDown = new Set<string>();

  /** Takes the dataset down: no version of it is listed from now on. */
  takeDown(datasetId: string): void {
    this.takenDown.add(datasetId);
  }

  /** Publishes version 1 of a new dataset; answers its id. */
  publish(ownerId: string, spec: FakeVersionSpec): string {
    const datasetId = randomUUID();
    this.datasets.set(datasetId, { ownerId, versions: [spec] });
    return datasetId;
  }

  /** Publishes the next version (listed from now on); answers its number. */
  publishVersion(datasetId: string, spec: FakeVersionSpec): number {
    const dataset = this.datasets.get(datasetId);
    if (!dataset) throw new Error(`no dataset ${datasetId}`);
    dataset.versions.push(spec);
    return dataset.versions.length;
  }

  findSaleable(datasetId: string, version?: number): Promise<SaleableVersion | null> {
    const dataset = this.datasets.get(datasetId);
    const number = version ?? dataset?.versions.length;
    const spec = dataset && number !== undefined ? dataset.versions[number - 1] : undefined;
    if (!dataset || !spec || number === undefined) return Promise.resolve(null);
    return Promise.resolve({
      datasetId,
      version: number,
      title: spec.title,
      ownerId: dataset.ownerId,
      priceUsdCents: spec.priceUsdCents,
      unitPrices: null,
      licence: {
        templateId: randomUUID(),
        slug: spec.exclusive ? 'exclusive-commercial' : 'commercial-ai-training',
        name: spec.exclusive ? 'Exclusive commercial' : 'Commercial AI training',
        terms: { ...TERMS, exclusive: spec.exclusive },
        text: 'Licence text.',
      },
      exclusive: spec.exclusive,
      merkleRoot: '0'.repeat(64),
      listed: number === dataset.versions.length && !this.takenDown.has(datasetId),
    });
  }

  versionFiles(datasetId: string, version: number): Promise<VersionFile[]> {
    const spec = this.datasets.get(datasetId)?.versions[version - 1];
    return Promise.resolve(
      (spec?.files ?? []).map((sha256, index) => ({
        path: `logs/file-${index}.csv`,
        leafIndex: index,
        captureId: randomUUID(),
        contributorId: spec?.contributors?.[index % spec.contributors.length]?.contributorId ?? randomUUID(),
        sizeBytes: 1000 + index,
        sha256,
        durationMs: 60_000,
        lengthM: 1_000,
        objectKey: `captures/${sha256}`,
      })),
    );
  }

  splitInputs(datasetId: string, version: number): Promise<VersionSplitInputs | null> {
    const dataset = this.datasets.get(datasetId);
    const spec = dataset?.versions[version - 1];
    if (!dataset || !spec) return Promise.resolve(null);
    const weights = spec.contributors ?? [{ contributorId: dataset.ownerId, weight: 1 }];
    return Promise.resolve({
      datasetId,
      version,
      curatorId: dataset.ownerId,
      splitPolicy: spec.curatorBps === undefined ? null : { weighting: 'bytes', curatorBps: spec.curatorBps },
      contributors: weights
        .map(({ contributorId, weight }) => ({ contributorId, files: 1, bytes: 1000 * weight, durationSeconds: 0, messages: 0, weight }))
        .sort((a, b) => (a.contributorId < b.contributorId ? -1 : a.contributorId > b.contributorId ? 1 : 0)),
    });
  }
}

export interface CheckoutServices extends ModuleServices {
  catalog: FakeCatalog;
  ledger: LiteSvmLedger;
}

/**
 * The checkout module and everything it talks to, without HTTP (startModuleServices): the real repositories on a
 * fresh database, the embedded ledger, the local object store, Stripe against the fake when given one, and the
 * catalog in memory. `env` adds configuration (payout thresholds, for one).
 */
export async function startCheckoutServices(stripe?: FakeStripe, env: Record<string, string> = {}): Promise<CheckoutServices> {
  const stripeEnv: Record<string, string> = stripe
    ? { STRIPE_SECRET_KEY: 'sk_test_marketplace', STRIPE_WEBHOOK_SECRET: stripe.webhookSecret, STRIPE_API_URL: await stripe.start() }
    : {};
  const catalog = new FakeCatalog();

  @Module({ providers: [{ provide: CatalogSalesService, useValue: catalog }], exports: [CatalogSalesService] })
  class FakeCatalogModule {}

  // Quotes read the catalog's search tables, which the in-memory catalog does not have: the service tests order whole
  // versions, and slice orders are tested end to end (test/slice-orders.e2e-spec.ts).
  const noQuotes: Pick<QuotesService, 'redeem'> = {
    redeem: (quoteId) => Promise.reject(new QuoteException(QuoteErrorCode.QUOTE_NOT_FOUND, `No quote ${quoteId} among yours`)),
  };
  @Module({ providers: [{ provide: QuotesService, useValue: noQuotes }], exports: [QuotesService] })
  class FakeQuotesModule {}

  const services = await startModuleServices({
    name: 'checkout',
    env: { ...stripeEnv, ...env },
    imports: (config) => [
      StorageModule.forRoot(config),
      AuthModule,
      JobsModule,
      ChainModule.forRoot(chainSettings(config)),
      OrganisationsModule,
      StripeModule,
      RevenueModule,
      CheckoutModule,
    ],
    overrides: [
      [CatalogModule, FakeCatalogModule],
      [QuotesModule, FakeQuotesModule],
    ],
    onClose: () => stripe?.stop() ?? Promise.resolve(),
  });
  return { ...services, catalog, ledger: services.get(LiteSvmLedger) };
}

/**
 * POST /v1/orders's body, as the validation pipe hands it to OrderService. allowRepeat: these suites' buyers order the
 * same version many times on purpose (the refusal of a repeat is tested in checkout-solana.e2e-spec.ts).
 */
export function orderRequest(datasetId: string, paymentMethod: PaymentMethod): CreateOrderDto {
  return Object.assign(new CreateOrderDto(), { datasetId, paymentMethod, allowRepeat: true });
}
