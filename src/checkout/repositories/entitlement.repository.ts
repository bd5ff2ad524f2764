import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { EntitlementSeatEntity } from '../entities/entitlement-seat.entity.js';
import { EntitlementEntity, type Entitlement } from '../entities/entitlement.entity.js';

@Injectable()
export class EntitlementRepository {
  constructor(@InjectRepository(EntitlementEntity) private readonly entitlements: Repository<EntitlementEntity>) {}

  async insert(manager: EntityManager, entitlement: Entitlement): Promise<void> {
    await manager.getRepository(EntitlementEntity).insert(entitlement);
  }

  findById(id: string): Promise<Entitlement | null> {
    return this.entitlements.findOne({ where: { id } });
  }

  findForOrder(orderId: string): Promise<Entitlement | null> {
    return this.entitlements.findOne({ where: { orderId } });
  }

  /** Row-locks the entitlement until the transaction ends: seats are counted and taken under this lock. */
  async lockForSeats(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(EntitlementEntity).createQueryBuilder('e').setLock('pessimistic_write').where('e.id = :id', { id }).getOne();
  }

  /** Row-locks and re-reads the entitlement: a reissued certificate replaces the one read under this lock, once. */
  lockForCertificate(manager: EntityManager, id: string): Promise<Entitlement | null> {
    return manager.getRepository(EntitlementEntity).createQueryBuilder('e').setLock('pessimistic_write').where('e.id = :id', { id }).getOne();
  }

  async replaceCertificate(manager: EntityManager, id: string, signed: { payload: string; signature: string; publicKey: string }): Promise<void> {
    await manager
      .getRepository(EntitlementEntity)
      .update({ id }, { certificate: signed.payload, certificateSignature: signed.signature, certificatePublicKey: signed.publicKey });
  }

  async seatHolders(manager: EntityManager, entitlementId: string): Promise<string[]> {
    const seats = await manager.getRepository(EntitlementSeatEntity).find({ select: { userId: true }, where: { entitlementId } });
    return seats.map((seat) => seat.userId);
  }

  async takeSeat(manager: EntityManager, entitlementId: string, userId: string): Promise<void> {
    await manager.getRepository(EntitlementSeatEntity).insert({ entitlementId, userId, takenAt: new Date() });
  }

  async revokeForOrder(manager: EntityManager, orderId: string, reason: string): Promise<void> {
    await manager.getRepository(EntitlementEntity).update({ orderId, revokedAt: IsNull() }, { revokedAt: () => 'now()', revokeReason: reason });
  }
}
