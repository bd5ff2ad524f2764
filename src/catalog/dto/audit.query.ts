import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageLimit, PageCursor } from '../../common/page-query.js';

export class AuditQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this dataset' })
  @IsOptional()
  @IsUUID()
  datasetId?: string;

  @PageLimit(200, 50)
  limit: number = 50;

  @PageCursor()
  cursor?: string;
}

export class ReviewQueueQuery {
  @PageLimit(100, 50)
  limit: number = 50;
}
