import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { VersionFile } from '../../catalog/dto/saleable-version.js';
import { ConsentNoticeService } from '../../consent/services/consent-notice.service.js';
import { revocableOnWithdrawal } from '../../licensing/licence-terms.js';
import type { Entitlement } from '../entities/entitlement.entity.js';
import type { Order } from '../entities/order.entity.js';
import { PlatformSigner, reissuedCertificate, type SignedCertificate, withdrawnLeavesOf } from '../licence-certificate.js';
import { EntitlementRepository } from '../repositories/entitlement.repository.js';
import { SupersededCertificateRepository } from '../repositories/superseded-certificate.repository.js';
import { OrderFilesService } from './order-files.service.js';

/** A file of an order whose capture its contributor withdrew (or an admin took down), and when. */
export type WithdrawnFile = VersionFile & { withdrawnAt: Date; by: 'withdrawal' | 'takedown' };

/** What withdrawals did to an order's files: all of them, those withdrawn, and whether the licence ends the right to those. */
export interface OrderWithdrawals {
  files: VersionFile[];
  withdrawn: WithdrawnFile[];
  /** The order's licence snapshot is revocable on withdrawal: the withdrawn files are no longer licensed. */
  revocable: boolean;
}

export interface CurrentCertificate {
  current: SignedCertificate;
  superseded: (SignedCertificate & { reason: string; supersededAt: Date })[];
}

/**
 * What a contributor's withdrawal means for a paid order (issue 16), read from the consent records whenever it is asked
 * (so no order can miss one): under a licence revocable on withdrawal the withdrawn files stop being delivered and the
 * certificate is reissued without them; otherwise the buyer keeps them under the licence snapshot.
 */
@Injectable()
export class OrderWithdrawalsService {
  constructor(
    private readonly orderFiles: OrderFilesService,
    private readonly notices: ConsentNoticeService,
    private readonly entitlements: EntitlementRepository,
    private readonly superseded: SupersededCertificateRepository,
    private readonly signer: PlatformSigner,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async of(order: Pick<Order, 'id' | 'datasetId' | 'version' | 'licence'>): Promise<OrderWithdrawals> {
    const [{ files }, withdrawals] = await Promise.all([this.orderFiles.filesOf(order), this.notices.withdrawalsOf([order.datasetId])]);
    const since = new Map<string, { at: Date; by: 'withdrawal' | 'takedown' }>();
    for (const withdrawal of withdrawals.get(order.datasetId) ?? []) {
      for (const captureId of withdrawal.captureIds) if (!since.has(captureId)) since.set(captureId, { at: withdrawal.at, by: withdrawal.kind });
    }
    const withdrawn = files.flatMap((file) => {
      const first = since.get(file.captureId);
      return first ? [{ ...file, withdrawnAt: first.at, by: first.by }] : [];
    });
    return { files, withdrawn, revocable: revocableOnWithdrawal(order.licence.terms) };
  }

  /** Whether the capture behind a download is withdrawn under a licence that ends the right to it, and since when. */
  async revokedCapture(order: Pick<Order, 'id' | 'datasetId' | 'version' | 'licence'>, captureId: string): Promise<Date | null> {
    if (!revocableOnWithdrawal(order.licence.terms)) return null;
    const { withdrawn } = await this.of(order);
    return withdrawn.find((file) => file.captureId === captureId)?.withdrawnAt ?? null;
  }

  /**
   * The order's certificate as it stands: when the licence is revocable and files were withdrawn since the certificate
   * was signed, a new one is signed without them (once, under the entitlement's row lock) and the old one is kept as
   * superseded. Every certificate ever handed out stays verifiable.
   */
  async certificate(order: Order, entitlement: Entitlement): Promise<CurrentCertificate> {
    const state = await this.of(order);
    const gone = state.revocable ? state.withdrawn : [];
    let current: SignedCertificate = {
      payload: entitlement.certificate,
      signature: entitlement.certificateSignature,
      publicKey: entitlement.certificatePublicKey,
    };
    if (!sameLeaves(withdrawnLeavesOf(current.payload), gone)) {
      current = await this.dataSource.transaction(async (manager) => {
        const locked = await this.entitlements.lockForCertificate(manager, entitlement.id);
        const previous: SignedCertificate = locked
          ? { payload: locked.certificate, signature: locked.certificateSignature, publicKey: locked.certificatePublicKey }
          : current;
        // Another request reissued it while this one waited for the lock.
        if (sameLeaves(withdrawnLeavesOf(previous.payload), gone)) return previous;
        const now = new Date();
        const signed = this.signer.signCertificate(reissuedCertificate(previous, state.files, gone, now));
        await this.superseded.insert(manager, {
          id: randomUUID(),
          entitlementId: entitlement.id,
          orderId: order.id,
          ...previous,
          reason: `Reissued without ${gone.length} withdrawn file(s): the licence ends the right to files whose contributors withdrew consent`,
          supersededAt: now,
        });
        await this.entitlements.replaceCertificate(manager, entitlement.id, signed);
        return signed;
      });
    }
    const superseded = (await this.superseded.listForOrder(order.id)).map((row) => ({
      payload: row.payload,
      signature: row.signature,
      publicKey: row.publicKey,
      reason: row.reason,
      supersededAt: row.supersededAt,
    }));
    return { current, superseded };
  }
}

function sameLeaves(certified: readonly number[], withdrawn: readonly Pick<VersionFile, 'leafIndex'>[]): boolean {
  const wanted = new Set(withdrawn.map((file) => file.leafIndex));
  return certified.length === wanted.size && certified.every((leaf) => wanted.has(leaf));
}
