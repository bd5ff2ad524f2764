import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CartCheckoutEntity, type CartCheckout } from '../entities/cart-checkout.entity.js';

@Injectable()
export class CartCheckoutRepository {
  constructor(@InjectRepository(CartCheckoutEntity) private readonly checkouts: Repository<CartCheckoutEntity>) {}

  /** With its orders, in their transaction; a provider reference another checkout holds fails with a unique violation. */
  async insert(manager: EntityManager, checkout: CartCheckout): Promise<void> {
    await manager.getRepository(CartCheckoutEntity).insert(checkout);
  }

  findById(id: string): Promise<CartCheckout | null> {
    return this.checkouts.findOne({ where: { id } });
  }

  /** The checkout, row-locked until the transaction ends: its payments are settled one at a time. */
  lockForUpdate(manager: EntityManager, id: string): Promise<CartCheckout | null> {
    return manager.getRepository(CartCheckoutEntity).createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id', { id }).getOne();
  }
}
