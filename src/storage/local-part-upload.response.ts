import { ApiProperty } from '@nestjs/swagger';

/** Answer to a part PUT; the same ETag is in the response's ETag header, as S3 answers it. */
export class LocalPartUploadResponse {
  @ApiProperty({ example: 1 })
  partNumber: number;

  @ApiProperty({ example: '"9e107d9d372bb6826bd81d3542a419d6"', description: 'Quoted hex MD5 of the part, to pass back on completion' })
  etag: string;

  @ApiProperty({ example: 8388608 })
  size: number;
}
