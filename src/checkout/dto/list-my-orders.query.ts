import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { PageCursor, PageLimit } from '../../common/page-query.js';

export class ListMyOrdersQuery {
  @PageLimit(100, 50, 'At most this many, newest first')
  limit: number = 50;
}

/** GET /v1/orders: the caller's orders (and their organisations'), a page at a time. */
export class ListOrdersQuery {
  @ApiPropertyOptional({
    description: "Only orders you hold: yours and your organisations' (always so for non-admins; an admin sends false for every order)",
    default: true,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  mine: boolean = true;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only the orders of this organisation (you must be a member)',
    example: '0b7a8f52-3c1e-4d6f-9a21-5e8c7d4b2f10',
  })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only the orders of this dataset (any version)',
    example: '5f2c9a1b-8d3e-4f60-9b7a-2c1d0e4f8a93',
  })
  @IsOptional()
  @IsUUID()
  datasetId?: string;

  @PageLimit(100, 20, 'At most this many, newest first')
  limit: number = 20;

  @PageCursor()
  cursor?: string;
}
