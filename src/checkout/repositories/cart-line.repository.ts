import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { CartLineEntity, type CartLine } from '../entities/cart-line.entity.js';

@Injectable()
export class CartLineRepository {
  constructor(@InjectRepository(CartLineEntity) private readonly lines: Repository<CartLineEntity>) {}

  /** A version already in the cart whole, or a quote already in it, fails with a unique violation. */
  async insert(line: CartLine): Promise<void> {
    await this.lines.insert(line);
  }

  /** The buyer's cart, in the order the lines were added. */
  listOf(buyerId: string): Promise<CartLine[]> {
    return this.lines.find({ where: { buyerId }, order: { addedAt: 'ASC', id: 'ASC' } });
  }

  countOf(buyerId: string): Promise<number> {
    return this.lines.count({ where: { buyerId } });
  }

  /** Removes the buyer's line; false when the buyer has no such line (another buyer's is as unknown). */
  async removeOwn(buyerId: string, id: string): Promise<boolean> {
    const result = await this.lines.delete({ id, buyerId });
    return (result.affected ?? 0) > 0;
  }

  /** The lines a checkout placed orders for, in its transaction; answers how many were still there. */
  async removeCheckedOut(manager: EntityManager, buyerId: string, ids: readonly string[]): Promise<number> {
    const result = await manager.getRepository(CartLineEntity).delete({ buyerId, id: In([...ids]) });
    return result.affected ?? 0;
  }
}
