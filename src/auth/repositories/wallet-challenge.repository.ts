import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { WalletChallengeEntity } from '../entities/wallet-challenge.entity.js';

@Injectable()
export class WalletChallengeRepository {
  constructor(@InjectRepository(WalletChallengeEntity) private readonly challenges: Repository<WalletChallengeEntity>) {}

  async insert(challenge: WalletChallengeEntity): Promise<void> {
    await this.challenges.insert(challenge);
  }

  findByNonce(nonce: string): Promise<WalletChallengeEntity | null> {
    return this.challenges.findOne({ where: { nonce } });
  }

  /** Marks the challenge used; answers false when it was already used or has expired (one statement, so two racing sign-ins cannot both win). */
  async consume(id: string): Promise<boolean> {
    const result = await this.challenges
      .createQueryBuilder()
      .update()
      .set({ consumedAt: () => 'now()' })
      .where('id = :id AND consumed_at IS NULL AND expires_at > now()', { id })
      .execute();
    return result.affected === 1;
  }

  /** Drops an address's challenges that expired over an hour ago, so the table does not grow without bound. */
  async deleteStale(address: string): Promise<void> {
    await this.challenges.createQueryBuilder().delete().where("address = :address AND expires_at < now() - interval '1 hour'", { address }).execute();
  }
}
