import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
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

  async revokeForOrder(orderId: string, reason: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(EntitlementEntity).update({ orderId, revokedAt: IsNull() }, { revokedAt: () => 'now()', revokeReason: reason });
  }
}
