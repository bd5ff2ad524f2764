import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AnchorInfo {
  @ApiProperty({ enum: ['pending', 'confirmed'] }) status: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'litesvm' }) cluster: string | null;
  @ApiProperty({ example: 'mkt:v1:anchor:<datasetId>:<version>:<root>' }) memo: string;
  @ApiPropertyOptional({ type: String, nullable: true }) signature: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) slot: number | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) confirmedAt: string | null;
}

export class VersionProvenance {
  @ApiProperty() version: number;
  @ApiProperty() merkleRoot: string;
  @ApiProperty() fileCount: number;
  @ApiProperty() publishedAt: Date;
  @ApiPropertyOptional({ type: AnchorInfo, nullable: true, description: 'null until the anchor is requested' }) anchor: AnchorInfo | null;
}

export class CustodyEntryView {
  @ApiProperty() seq: number;
  @ApiProperty() kind: string;
  @ApiProperty() actorId: string;
  @ApiProperty() at: string;
  @ApiProperty() details: Record<string, unknown>;
  @ApiProperty() prevHash: string;
  @ApiProperty() hash: string;
}

export class CustodyVerificationView {
  @ApiProperty() ok: boolean;
  @ApiProperty() entries: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Hash of the last entry' }) head: string | null;
  @ApiPropertyOptional({ description: 'The first entry that does not follow from its predecessor' }) brokenAt?: number;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() message?: string;
}

export class CustodyView {
  @ApiProperty({ type: [CustodyEntryView] }) entries: CustodyEntryView[];
  @ApiProperty({ type: CustodyVerificationView }) verification: CustodyVerificationView;
}

export class ProvenanceResponse {
  @ApiProperty({ format: 'uuid' }) datasetId: string;
  @ApiProperty({ type: [VersionProvenance] }) versions: VersionProvenance[];
  @ApiProperty({ type: CustodyView }) custody: CustodyView;
}
