import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { NetworkEntity } from '../entities/network.entity.js';

@Injectable()
export class NetworkRepository {
  constructor(@InjectRepository(NetworkEntity) private readonly networks: Repository<NetworkEntity>) {}

  async insert(network: NetworkEntity): Promise<void> {
    await this.networks.insert(network);
  }

  findBySlug(slug: string): Promise<NetworkEntity | null> {
    return this.networks.findOne({ where: { slug } });
  }

  list(): Promise<NetworkEntity[]> {
    return this.networks.find({ order: { slug: 'ASC' } });
  }

  async update(slug: string, changes: Partial<Pick<NetworkEntity, 'name' | 'publicKey' | 'active' | 'stagingPrefix'>>): Promise<void> {
    await this.networks.update({ slug }, { ...changes, updatedAt: new Date() });
  }
}
