import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AnchorInfo {
  @ApiProperty({ enum: ['pending', 'confirmed'] }) status: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'litesvm' }) cluster: string | null;
  @ApiProperty({ example: 'mkt:v1:anchor:<datasetId>:<version>:<root>' }) memo: string;
  @ApiPropertyOptional({
    example: '2GQrvhVfHhSVZ9z166MyQqwvFZ4ncGqPwmq3K5VSBhBnbkykZgca6ify4CZ33pvQz1ZJ7QuxYB6MRFkiCqRR5oFz',
    type: String,
    nullable: true,
  })
  signature: string | null;
  @ApiPropertyOptional({ example: 284113907, type: Number, nullable: true }) slot: number | null;
  @ApiPropertyOptional({ example: '2026-12-02T09:15:02.004Z', type: String, format: 'date-time', nullable: true }) confirmedAt: string | null;
}

export class VersionProvenance {
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ example: '5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9' }) merkleRoot: string;
  @ApiProperty({ example: 42 }) fileCount: number;
  @ApiProperty({ example: '2026-12-02T09:14:27.512Z' }) publishedAt: Date;
  @ApiPropertyOptional({ type: AnchorInfo, nullable: true, description: 'null until the anchor is requested' }) anchor: AnchorInfo | null;
}

export class CustodyEntryView {
  @ApiProperty({ example: 7 }) seq: number;
  @ApiProperty({ example: 'published' }) kind: string;
  @ApiProperty({ example: 'ddf8cd96-491c-43df-b3f5-999d0230acf8' }) actorId: string;
  @ApiProperty({ example: '2026-12-02T09:14:27.512Z' }) at: string;
  @ApiProperty({
    example: { version: 2, merkleRoot: '5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9', fileCount: 42, totalBytes: 12884901888 },
  })
  details: Record<string, unknown>;
  @ApiProperty({ example: '4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce' }) prevHash: string;
  @ApiProperty({ example: '4b227777d4dd1fc61c6f884f48641d02b4d121d3fd328cb08b5531fcacdabf8a' }) hash: string;
}

export class CustodyVerificationView {
  @ApiProperty() ok: boolean;
  @ApiProperty({ example: 7 }) entries: number;
  @ApiPropertyOptional({
    example: '4b227777d4dd1fc61c6f884f48641d02b4d121d3fd328cb08b5531fcacdabf8a',
    type: String,
    nullable: true,
    description: 'Hash of the last entry',
  })
  head: string | null;
  @ApiPropertyOptional({ example: 5, description: 'The first entry that does not follow from its predecessor' }) brokenAt?: number;
  @ApiPropertyOptional({ example: 'hash_mismatch' }) reason?: string;
  @ApiPropertyOptional({ example: 'entry 5 does not hash to the value recorded for it' }) message?: string;
}

export class CustodyView {
  @ApiProperty({ type: [CustodyEntryView] }) entries: CustodyEntryView[];
  @ApiProperty({ type: CustodyVerificationView }) verification: CustodyVerificationView;
}

export class ProvenanceResponse {
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) datasetId: string;
  @ApiProperty({ type: [VersionProvenance] }) versions: VersionProvenance[];
  @ApiProperty({ type: CustodyView }) custody: CustodyView;
}
