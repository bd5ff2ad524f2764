import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user.js';
import { AppConfig } from '../../config/app-config.js';
import { OrganisationService } from '../../organisations/services/organisation.service.js';
import { ObjectStorage } from '../../storage/object-storage.port.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';
import type { CertificateResponse, DownloadsResponse } from '../dto/fulfilment.response.js';
import type { Entitlement } from '../entities/entitlement.entity.js';
import type { Order } from '../entities/order.entity.js';
import { EntitlementRepository } from '../repositories/entitlement.repository.js';
import { DownloadGrantService } from './download-grant.service.js';
import { OrderFilesService } from './order-files.service.js';
import { OrderSettlementService } from './order-settlement.service.js';
import { OrderService } from './order.service.js';
import { OrderWithdrawalsService } from './order-withdrawals.service.js';

const WITHDRAWN_FILE_REASON = {
  withdrawal: 'The contributor withdrew their consent to this file, and your licence ends the right to withdrawn files: delete your copies',
  takedown: 'The platform took this file down on a request, and your licence ends the right to withdrawn files: delete your copies',
};
import type { Plain } from '../../common/plain.js';
import { CatalogSalesService } from '../../catalog/services/catalog-sales.service.js';
import type { TrainingContentEntryResponse } from '../dto/training-content.response.js';
import { trainingContentEntry } from '../training-content.js';

/** What a paid order yields: signed download URLs for the entitled buyer, and the signed licence certificate. */
@Injectable()
export class FulfilmentService {
  constructor(
    private readonly orders: OrderService,
    private readonly entitlements: EntitlementRepository,
    private readonly orderFiles: OrderFilesService,
    private readonly withdrawals: OrderWithdrawalsService,
    private readonly storage: ObjectStorage,
    private readonly settlement: OrderSettlementService,
    private readonly organisations: OrganisationService,
    private readonly grants: DownloadGrantService,
    private readonly config: AppConfig,
    private readonly catalog: CatalogSalesService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * One signed, expiring URL per file the order bought (the version's, or exactly a slice's); only the holder of a paid order whose licence is in force gets
   * them. A URL lives DOWNLOAD_URL_TTL_SECONDS at most (never past the licence term) and carries the grant it was
   * handed out under, which the local store checks again whenever it is used.
   */
  async downloads(user: AuthUser, orderId: string): Promise<Plain<DownloadsResponse>> {
    const order = await this.orders.visible(user, orderId);
    // Admins may read any order, but downloads are the holder's alone: the buyer, or the holding organisation's members.
    if (!(await this.orders.holds(user, order))) throw new CheckoutException(CheckoutErrorCode.ORDER_NOT_FOUND, `No order ${orderId} among yours`);
    const entitlement = await this.entitlement(order);
    const now = Date.now();
    if (entitlement.expiresAt && entitlement.expiresAt.getTime() <= now) {
      throw new CheckoutException(
        CheckoutErrorCode.LICENCE_EXPIRED,
        `The licence of order ${orderId} ended on ${entitlement.expiresAt.toISOString()}; order the dataset again to download it`,
      );
    }
    // A URL never outlives the licence term.
    const untilLicenceEnds = entitlement.expiresAt ? Math.floor((entitlement.expiresAt.getTime() - now) / 1000) : Infinity;
    const ttlSeconds = Math.max(1, Math.min(this.config.DOWNLOAD_URL_TTL_SECONDS, untilLicenceEnds));
    const expiresAt = new Date(now + ttlSeconds * 1000);
    await this.takeSeat(user, order, entitlement);
    const { files, withdrawn, revocable } = await this.withdrawals.of(order);
    const revoked = new Set(revocable ? withdrawn.map((file) => file.leafIndex) : []);
    if (files.length > 0 && files.every((file) => revoked.has(file.leafIndex))) {
      throw new CheckoutException(
        CheckoutErrorCode.FILES_WITHDRAWN,
        `Every file of order ${orderId} was withdrawn by its contributor, and its licence (${order.licence.name}) ends the right to withdrawn files`,
      );
    }
    const urls = await Promise.all(
      files
        .filter((file) => !revoked.has(file.leafIndex))
        .map(async (file) => ({
          path: file.path,
          sizeBytes: file.sizeBytes,
          sha256: file.sha256,
          url: await this.storage.presignDownload(
            file.objectKey,
            ttlSeconds,
            file.path.split('/').pop(),
            this.grants.grantFor(entitlement.id, user.id, file.captureId),
          ),
          expiresAt,
        })),
    );
    // Refuses when a refund revoked the licence meanwhile, so no URL leaves after a refund commits.
    await this.settlement.delivered(order.id);
    return {
      files: urls,
      withdrawn: withdrawn
        .filter((file) => revoked.has(file.leafIndex))
        .map((file) => ({
          path: file.path,
          sizeBytes: file.sizeBytes,
          sha256: file.sha256,
          code: 'CHECKOUT_FILE_WITHDRAWN' as const,
          reason: WITHDRAWN_FILE_REASON[file.by],
          withdrawnAt: file.withdrawnAt,
        })),
    };
  }

  /**
   * The order's entry for an EU AI Act training-content summary ("licensed private dataset"): for the holder of a paid
   * order (or an admin), about exactly the files it bought.
   */
  async trainingContent(user: AuthUser, orderId: string): Promise<Plain<TrainingContentEntryResponse>> {
    const order = await this.orders.visible(user, orderId);
    await this.entitlement(order);
    const { files, slice } = await this.orderFiles.filesOf(order);
    const facts = await this.catalog.trainingContent(order.datasetId, order.version, slice ? files.map((file) => file.leafIndex) : null);
    if (!facts) throw new CheckoutException(CheckoutErrorCode.DATASET_NOT_FOR_SALE, `Version ${order.version} of dataset ${order.datasetId} is gone`);
    return trainingContentEntry(facts, { id: order.id, paidAt: order.paidAt, slice: slice !== null }, new URL(this.config.publicUrl).origin);
  }

  /**
   * The certificate issued when the order was paid (the same bytes every time), or the one reissued without files
   * withdrawn under a licence revocable on withdrawal, with those it superseded; the buyer's or any admin's to read.
   */
  async certificate(user: AuthUser, orderId: string): Promise<Plain<CertificateResponse>> {
    const order = await this.orders.visible(user, orderId);
    const { current, superseded } = await this.withdrawals.certificate(order, await this.entitlement(order));
    return { ...current, superseded };
  }

  /**
   * Seats (licence maxSeats) for an organisation's licence: the first members to download take the seats; a seat
   * held by someone who has left the organisation is free again. A user's own licence is one seat by nature.
   */
  private async takeSeat(user: AuthUser, order: Order, entitlement: Entitlement): Promise<void> {
    const maxSeats = order.licence.terms.maxSeats;
    const organisationId = entitlement.organisationId;
    if (maxSeats === null || organisationId === null) return;
    await this.dataSource.transaction(async (manager) => {
      await this.entitlements.lockForSeats(manager, entitlement.id);
      const holders = await this.entitlements.seatHolders(manager, entitlement.id);
      if (holders.includes(user.id)) return;
      const members = new Set(await this.organisations.memberIds(manager, organisationId));
      const taken = holders.filter((id) => members.has(id)).length;
      if (taken >= maxSeats) {
        throw new CheckoutException(
          CheckoutErrorCode.SEATS_TAKEN,
          `The licence of order ${order.id} allows ${maxSeats} seat(s), all taken by other members of the organisation; a seat frees up when its holder leaves`,
        );
      }
      await this.entitlements.takeSeat(manager, entitlement.id, user.id);
    });
  }

  private async entitlement(order: Order): Promise<Entitlement> {
    if (order.status === 'refunded') {
      throw new CheckoutException(
        CheckoutErrorCode.ENTITLEMENT_REVOKED,
        `Order ${order.id} was refunded (${order.statusReason ?? 'no reason given'}); its licence is revoked`,
      );
    }
    if (order.status !== 'paid' && order.status !== 'fulfilled') {
      const why = order.status === 'pending' ? 'pay it first' : (order.statusReason ?? 'it was never paid');
      throw new CheckoutException(CheckoutErrorCode.ORDER_NOT_PAID, `Order ${order.id} is ${order.status}, not paid: ${why}`);
    }
    const entitlement = await this.entitlements.findForOrder(order.id);
    if (!entitlement) throw new CheckoutException(CheckoutErrorCode.ORDER_NOT_PAID, `Order ${order.id} has no licence yet`);
    if (entitlement.revokedAt) {
      throw new CheckoutException(
        CheckoutErrorCode.ENTITLEMENT_REVOKED,
        `The licence of order ${order.id} was revoked: ${entitlement.revokeReason ?? 'no reason given'}`,
      );
    }
    return entitlement;
  }
}
