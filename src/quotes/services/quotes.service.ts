import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { Role } from '../../auth/role.js';
import type { Slice, SliceAreaInput } from '../../catalog/dto/saleable-version.js';
import { CatalogSliceService } from '../../catalog/services/catalog-slice.service.js';
import { pricedUnits, quantitiesOf, rateOf, sameUnitPrices, type PriceUnit, type SliceQuantities } from '../../catalog/unit-prices.js';
import type { Plain } from '../../common/plain.js';
import { parseStrictDate } from '../../common/strict-date.js';
import type { CreateQuoteDto } from '../dto/create-quote.dto.js';
import type { QuoteResponse } from '../dto/quote.response.js';
import type { QuoteSnapshot } from '../dto/quote-snapshot.js';
import { QuoteEntity } from '../entities/quote.entity.js';
import { OUTLINE_VERTEX_BUDGET, outlineOf } from '../quote-outline.js';
import { QuoteErrorCode, QuoteException } from '../quote.exception.js';
import { ROUNDING_RULE, slicePrice } from '../quote-price.js';
import { QuoteRepository } from '../repositories/quote.repository.js';

/** How long a quote holds: long enough to pay, short enough that the listing rarely changes under it. */
export const QUOTE_TTL_MS = 10 * 60_000;

/**
 * Quotes (issue 13): the price of a whole listed dataset, or of a slice of it (the captures in an area during a window,
 * of some modalities) by its per-unit prices. A quote is stored once and never changed; checkout takes it by redeem().
 */
@Injectable()
export class QuotesService {
  constructor(
    private readonly catalog: CatalogSliceService,
    private readonly quotes: QuoteRepository,
  ) {}

  async create(user: AuthUser, dto: CreateQuoteDto): Promise<Plain<QuoteResponse>> {
    return quoteResponse(await this.price(user.id, dto));
  }

  /**
   * A slice quote for a buyer as POST /v1/quotes makes it (same selection, prices and rounding, stored the same way),
   * of the listed version's captures in the area of the modalities, less the captures `excludeCaptureIds` names (an
   * area subscription's captures already delivered or being billed). Nothing left is QUOTE_EMPTY_SLICE, before any
   * other refusal: nothing new is not the listing's fault.
   */
  async quoteNew(
    buyerId: string,
    request: { datasetId: string; area: SliceAreaInput; modalities?: string[] },
    excludeCaptureIds: ReadonlySet<string>,
  ): Promise<QuoteSnapshot> {
    return snapshotOf(await this.price(buyerId, request, excludeCaptureIds));
  }

  private async price(
    buyerId: string,
    dto: Pick<CreateQuoteDto, 'datasetId' | 'from' | 'to' | 'modalities' | 'unit'> & { area?: SliceAreaInput },
    exclude?: ReadonlySet<string>,
  ): Promise<QuoteEntity> {
    const from = dto.from === undefined ? undefined : (parseStrictDate(dto.from) ?? undefined);
    const to = dto.to === undefined ? undefined : (parseStrictDate(dto.to) ?? undefined);
    if (from && to && from > to) throw new QuoteException(QuoteErrorCode.INVALID_WINDOW, 'from must not be after to');
    const kind = dto.area !== undefined || from !== undefined || to !== undefined || dto.modalities !== undefined ? 'slice' : 'whole';
    const selected = await this.catalog.sliceOf(
      dto.datasetId,
      { area: dto.area, from, to, modalities: dto.modalities },
      { geometryVertices: OUTLINE_VERTEX_BUDGET },
    );
    if (!selected) throw new QuoteException(QuoteErrorCode.DATASET_NOT_LISTED, `No dataset ${dto.datasetId} is for sale`);
    const slice = exclude ? { ...selected, files: selected.files.filter((file) => !exclude.has(file.captureId)) } : selected;
    if (exclude && slice.files.length === 0) {
      throw new QuoteException(QuoteErrorCode.EMPTY_SLICE, 'The slice is empty: every capture of it in the area was delivered or billed already');
    }
    const { listing } = slice;
    const quantities = quantitiesOf(slice.files);
    let unit: PriceUnit | null = null;
    let priceUsdCents = listing.priceUsdCents;
    if (kind === 'slice') {
      if (listing.exclusive) {
        throw new QuoteException(QuoteErrorCode.EXCLUSIVE_WHOLE_ONLY, `Dataset ${listing.datasetId} has an exclusive licence: it is only sold whole`);
      }
      const prices = listing.unitPrices;
      if (!prices) throw new QuoteException(QuoteErrorCode.NOT_SLICEABLE, `Dataset ${listing.datasetId} has no unit prices: it is only sold whole`);
      unit = dto.unit ?? pricedUnits(prices)[0];
      const rate = rateOf(prices, unit);
      if (rate === undefined) {
        throw new QuoteException(
          QuoteErrorCode.UNIT_NOT_PRICED,
          `Dataset ${listing.datasetId} is not priced per ${unit}; it is per ${pricedUnits(prices).join(', ')}`,
        );
      }
      if (slice.emptyBecause)
        throw new QuoteException(QuoteErrorCode.EMPTY_SLICE, emptyReason(slice, from !== undefined || to !== undefined, dto.modalities ?? []));
      priceUsdCents = slicePrice({
        unit,
        rateUsdCents: rate,
        quantities,
        minimumUsdCents: prices.minimumUsdCents,
        wholePriceUsdCents: listing.priceUsdCents,
      }).priceUsdCents;
    }
    const createdAt = new Date();
    const quote = Object.assign(new QuoteEntity(), {
      id: randomUUID(),
      buyerId,
      datasetId: listing.datasetId,
      version: listing.version,
      kind,
      area: dto.area ? { bbox: dto.area.bbox, polygon: dto.area.polygon, cells: dto.area.cells } : null,
      areaRanges: slice.area,
      windowFrom: from ?? null,
      windowTo: to ?? null,
      modalities: dto.modalities ?? null,
      unit,
      unitPrices: listing.unitPrices,
      wholePriceUsdCents: listing.priceUsdCents,
      leafIndexes: slice.files.map((file) => file.leafIndex),
      captureIds: slice.files.map((file) => file.captureId),
      captureCount: slice.files.length,
      lengthM: Number(quantities.lengthM),
      durationMs: Number(quantities.durationMs),
      sizeBytes: Number(quantities.bytes),
      priceUsdCents,
      outline: outlineOf(slice.files),
      createdAt,
      expiresAt: new Date(createdAt.getTime() + QUOTE_TTL_MS),
    });
    await this.quotes.insert(quote);
    return quote;
  }

  /** The caller's own quote (admins see any); another user's is as unknown as one that does not exist. */
  async get(user: AuthUser, id: string): Promise<Plain<QuoteResponse>> {
    const quote = await this.quotes.findById(id);
    if (!quote || (quote.buyerId !== user.id && user.role !== Role.ADMIN))
      throw new QuoteException(QuoteErrorCode.QUOTE_NOT_FOUND, `No quote ${id} among yours`);
    return quoteResponse(quote);
  }

  /**
   * The quote, for checkout to charge, in the caller's transaction: only the buyer's own, before it expires, and only
   * while its version is still the listed one at the same whole and unit prices (else QUOTE_EXPIRED / QUOTE_STALE).
   */
  async redeem(quoteId: string, buyerId: string, manager: EntityManager, now = new Date()): Promise<QuoteSnapshot> {
    const quote = await this.quotes.findById(quoteId, manager);
    if (!quote || quote.buyerId !== buyerId) throw new QuoteException(QuoteErrorCode.QUOTE_NOT_FOUND, `No quote ${quoteId} among yours`);
    if (quote.expiresAt.getTime() <= now.getTime()) {
      throw new QuoteException(QuoteErrorCode.EXPIRED, `Quote ${quoteId} expired at ${quote.expiresAt.toISOString()}: ask for a new one`);
    }
    const listing = await this.catalog.listed(quote.datasetId, manager);
    if (!listing || listing.version !== quote.version) {
      throw new QuoteException(
        QuoteErrorCode.STALE,
        `Version ${quote.version} of dataset ${quote.datasetId} is no longer the one for sale: ask for a new quote`,
      );
    }
    if (listing.priceUsdCents !== quote.wholePriceUsdCents || !sameUnitPrices(listing.unitPrices, quote.unitPrices)) {
      throw new QuoteException(QuoteErrorCode.STALE, `The prices of dataset ${quote.datasetId} changed since quote ${quoteId}: ask for a new one`);
    }
    return snapshotOf(quote);
  }
}

function snapshotOf(quote: QuoteEntity): QuoteSnapshot {
  return {
    id: quote.id,
    buyerId: quote.buyerId,
    datasetId: quote.datasetId,
    version: quote.version,
    kind: quote.kind,
    unit: quote.unit,
    unitPrices: quote.unitPrices,
    area: quote.area,
    windowFrom: quote.windowFrom,
    windowTo: quote.windowTo,
    modalities: quote.modalities,
    leafIndexes: quote.leafIndexes,
    captureIds: quote.captureIds,
    captureCount: quote.captureCount,
    lengthM: quote.lengthM,
    durationMs: quote.durationMs,
    sizeBytes: quote.sizeBytes,
    priceUsdCents: quote.priceUsdCents,
    wholePriceUsdCents: quote.wholePriceUsdCents,
    expiresAt: quote.expiresAt,
  };
}

/** Which filter left nothing, in words the buyer can act on. */
function emptyReason(slice: Slice, windowGiven: boolean, modalities: readonly string[]): string {
  switch (slice.emptyBecause) {
    case 'area':
      return 'The slice is empty: no capture of this dataset is in the area';
    case 'window':
      return slice.area
        ? 'The slice is empty: captures are in the area, but none was there in the window'
        : 'The slice is empty: no capture of this dataset was recorded in the window';
    default: {
      const where = [slice.area ? 'in the area' : '', windowGiven ? 'in the window' : ''].filter(Boolean).join(' and ');
      return `The slice is empty: no capture ${where ? `${where} ` : 'of this dataset '}is of the modalities ${modalities.join(', ')}`;
    }
  }
}

function quoteResponse(quote: QuoteEntity): Plain<QuoteResponse> {
  const quantities: SliceQuantities = { lengthM: BigInt(quote.lengthM), durationMs: BigInt(quote.durationMs), bytes: BigInt(quote.sizeBytes) };
  const rate = quote.unit && quote.unitPrices ? rateOf(quote.unitPrices, quote.unit) : undefined;
  let pricing: Plain<QuoteResponse>['pricing'] = null;
  if (quote.unit && quote.unitPrices && rate !== undefined) {
    const minimum = quote.unitPrices.minimumUsdCents;
    const price = slicePrice({
      unit: quote.unit,
      rateUsdCents: rate,
      quantities,
      minimumUsdCents: minimum,
      wholePriceUsdCents: quote.wholePriceUsdCents,
    });
    pricing = {
      unit: quote.unit,
      rateUsdCents: rate,
      ratedUsdCents: price.ratedUsdCents,
      minimumUsdCents: minimum ?? null,
      minimumApplied: price.minimumApplied,
      cappedAtWholePrice: price.cappedAtWholePrice,
    };
  }
  return {
    id: quote.id,
    datasetId: quote.datasetId,
    version: quote.version,
    kind: quote.kind,
    area: quote.area,
    window: quote.windowFrom || quote.windowTo ? { from: quote.windowFrom, to: quote.windowTo } : null,
    modalities: quote.modalities,
    totals: {
      captures: quote.captureCount,
      km: quote.lengthM / 1_000,
      hours: quote.durationMs / 3_600_000,
      bytes: quote.sizeBytes,
      lengthM: quote.lengthM,
      durationMs: quote.durationMs,
    },
    priceUsdCents: quote.priceUsdCents,
    wholePriceUsdCents: quote.wholePriceUsdCents,
    unitPrices: quote.unitPrices,
    pricing,
    rounding: ROUNDING_RULE,
    files: quote.leafIndexes.map((leafIndex, i) => ({ leafIndex, captureId: quote.captureIds[i] })),
    outline: quote.outline,
    createdAt: quote.createdAt,
    expiresAt: quote.expiresAt,
  };
}
