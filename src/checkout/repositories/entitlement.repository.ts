import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { EntitlementSeatEntity } from '../entities/entitlement-seat.entity.js';
import { EntitlementEntity } from '../entities/entitlement.entity.js';

@Injectable()
export class EntitlementRepository {
  constructor(@InjectRepository(EntitlementEntity) private readonly entitlements: Repository<EntitlementEntity>) {}

  async insert(entitlement: EntitlementEntity, manager: EntityManager): Promise<void> {
    await manager.getRepository(EntitlementEntity).insert(entitlement);
  }

  findForOrder(orderId: string): Promise<EntitlementEntity | null> {
    return this.entitlements.findOne({ where: { orderId } });
  }

  /** Row-locks the entitlement until the transaction ends: seats are counted and taken under this lock. */
  async lockForSeats(id: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(EntitlementEntity).createQueryBuilder('e').setLock('pessimistic_write').where('e.id = :id', { id }).getOne();
  }

  async seatHolders(entitlementId: string, manager: EntityManager): Promise<string[]> {
    const seats = await manager.getRepository(EntitlementSeatEntity).find({ select: { userId: true }, where: { entitlementId } });
    return seats.map((seat) => seat.userId);
  }

  async takeSeat(entitlementId: string, userId: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(EntitlementSeatEntity).insert({ entitlementId, userId, takenAt: new Date() });
  }

  async revokeForOrder(orderId: string, reason: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(EntitlementEntity).update({ orderId, revokedAt: IsNull() }, { revokedAt: () => 'now()', revokeReason: reason });
  }
}
