import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageLimit, PageCursor } from '../../common/page-query.js';

export class ListCapturesQuery {
  @ApiPropertyOptional({ description: "Only the caller's captures (always so for non-admins)", default: true })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  mine: boolean = true;

  @PageLimit(100, 50)
  limit: number = 50;

  @PageCursor()
  cursor?: string;
}
