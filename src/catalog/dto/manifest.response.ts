import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ManifestFileView {
  @ApiProperty() path: string;
  @ApiProperty({ format: 'uuid' }) captureId: string;
  @ApiProperty() sizeBytes: number;
  @ApiProperty() sha256: string;
  @ApiProperty() modality: string;
  @ApiProperty() format: string;
  @ApiPropertyOptional({
    type: Boolean,
    nullable: true,
    description: 'Result of checking the device or wallet signature over the sha256; null when unsigned',
  })
  deviceSignatureValid: boolean | null;
  @ApiProperty() metadata: Record<string, unknown>;
}

export class ManifestResponse {
  @ApiProperty({ format: 'uuid' }) datasetId: string;
  @ApiProperty() version: number;
  @ApiProperty({ description: 'Merkle root over the dsv1 leaves of the files, 64 hex' }) merkleRoot: string;
  @ApiProperty({ example: 'dsv1', description: 'Leaf encoding, see src/provenance/README.md' }) leafEncoding: string;
  @ApiProperty({ type: [ManifestFileView], description: 'In leaf order (UTF-8 bytes of the path)' }) files: ManifestFileView[];
}

export class FileProofResponse {
  @ApiProperty({ format: 'uuid' }) datasetId: string;
  @ApiProperty() version: number;
  @ApiProperty() path: string;
  @ApiProperty({ description: 'The dsv1 leaf string of the file' }) leaf: string;
  @ApiProperty({ description: 'H(0x00 || H(leaf)), 64 hex' }) leafHash: string;
  @ApiProperty({ type: [String], description: 'Sibling hashes from the leaf up' }) proof: string[];
  @ApiProperty() merkleRoot: string;
}
