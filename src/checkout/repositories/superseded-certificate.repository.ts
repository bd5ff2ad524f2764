import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { SupersededCertificateEntity } from '../entities/superseded-certificate.entity.js';

@Injectable()
export class SupersededCertificateRepository {
  constructor(@InjectRepository(SupersededCertificateEntity) private readonly rows: Repository<SupersededCertificateEntity>) {}

  async insert(manager: EntityManager, row: SupersededCertificateEntity): Promise<void> {
    await manager.getRepository(SupersededCertificateEntity).insert(row);
  }

  /** The order's superseded certificates, oldest first. */
  listForOrder(orderId: string): Promise<SupersededCertificateEntity[]> {
    return this.rows.find({ where: { orderId }, order: { supersededAt: 'ASC', id: 'ASC' } });
  }
}
