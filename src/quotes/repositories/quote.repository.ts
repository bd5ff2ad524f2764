import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { QuoteEntity } from '../entities/quote.entity.js';

@Injectable()
export class QuoteRepository {
  constructor(@InjectRepository(QuoteEntity) private readonly quotes: Repository<QuoteEntity>) {}

  async insert(quote: QuoteEntity): Promise<void> {
    await this.quotes.insert(quote);
  }

  findById(id: string, manager?: EntityManager): Promise<QuoteEntity | null> {
    return (manager?.getRepository(QuoteEntity) ?? this.quotes).findOne({ where: { id } });
  }
}
