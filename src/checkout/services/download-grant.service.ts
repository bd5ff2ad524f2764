import { Injectable, OnModuleInit } from '@nestjs/common';
import { OrganisationService } from '../../organisations/services/organisation.service.js';
import { DownloadGrantChecker, DownloadGrants } from '../../storage/download-grant.port.js';
import { EntitlementRepository } from '../repositories/entitlement.repository.js';
import { OrderRepository } from '../repositories/order.repository.js';
import { ENTITLED_STATUSES } from '../order-state-machine.js';
import { OrderWithdrawalsService } from './order-withdrawals.service.js';

// `<entitlement>:<user>`, and since issue 16 `:<capture>` too, so a URL of a withdrawn file can be refused alone.
const GRANT = /^([0-9a-f-]{36}):([0-9a-f-]{36})(?::([0-9a-f-]{36}))?$/;

/**
 * The right behind a download URL: `<entitlement id>:<user id>:<capture id>`, signed into the local store's URLs and checked
 * again each time one is used, so a URL handed out before a refund, the end of the licence term or the holder's
 * removal from the organisation stops working at once (S3's URLs only expire: DOWNLOAD_URL_TTL_SECONDS).
 */
@Injectable()
export class DownloadGrantService extends DownloadGrantChecker implements OnModuleInit {
  constructor(
    private readonly grants: DownloadGrants,
    private readonly entitlements: EntitlementRepository,
    private readonly orders: OrderRepository,
    private readonly organisations: OrganisationService,
    private readonly withdrawals: OrderWithdrawalsService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.grants.use(this);
  }

  grantFor(entitlementId: string, userId: string, captureId: string): string {
    return `${entitlementId}:${userId}:${captureId}`;
  }

  async whyRevoked(grant: string): Promise<string | null> {
    const match = GRANT.exec(grant);
    if (!match) return 'it names no licence';
    const [, entitlementId, userId] = match;
    // URLs handed out before issue 16 name no capture.
    const captureId = match.at(3);
    const entitlement = await this.entitlements.findById(entitlementId);
    if (!entitlement) return 'its licence does not exist';
    if (entitlement.revokedAt) return `the licence was revoked (${entitlement.revokeReason ?? 'no reason given'})`;
    if (entitlement.expiresAt && entitlement.expiresAt.getTime() <= Date.now()) return `the licence ended on ${entitlement.expiresAt.toISOString()}`;
    const order = await this.orders.findById(entitlement.orderId);
    if (!order || !ENTITLED_STATUSES.includes(order.status)) return `the order is ${order?.status ?? 'gone'}`;
    const withdrawnAt = captureId === undefined ? null : await this.withdrawals.revokedCapture(order, captureId);
    if (withdrawnAt) {
      return `this file was withdrawn on ${withdrawnAt.toISOString()}, and the licence ends the right to withdrawn files`;
    }
    if (entitlement.organisationId === null) return entitlement.buyerId === userId ? null : 'it was handed to someone else';
    const role = await this.organisations.roleOf(entitlement.organisationId, userId);
    return role === null ? 'you are no longer a member of the organisation that holds the licence' : null;
  }
}
