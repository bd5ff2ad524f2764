import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ManifestFileView {
  @ApiProperty({ example: 'drives/2026-11-27/front-dashcam.mp4' }) path: string;
  @ApiProperty({ example: '52209f96-02f8-4c32-811b-d4fab64fcceb', format: 'uuid' }) captureId: string;
  @ApiProperty({ example: 734003200 }) sizeBytes: number;
  @ApiProperty({ example: '6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b' }) sha256: string;
  @ApiProperty({ example: 'video' }) modality: string;
  @ApiProperty({ example: 'mp4' }) format: string;
  @ApiPropertyOptional({
    type: Boolean,
    nullable: true,
    description: 'Result of checking the device or wallet signature over the sha256; null when unsigned',
  })
  deviceSignatureValid: boolean | null;
  @ApiProperty({ example: { width: 3840, height: 2160, frameRate: 29.97, videoCodec: 'hvc1.1.6.L150' } }) metadata: Record<string, unknown>;
}

export class ManifestResponse {
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) datasetId: string;
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({
    example: '5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9',
    description: 'Merkle root over the dsv1 leaves of the files, 64 hex',
  })
  merkleRoot: string;
  @ApiProperty({ example: 'dsv1', description: 'Leaf encoding, see src/provenance/README.md' }) leafEncoding: string;
  @ApiProperty({ type: [ManifestFileView], description: 'In leaf order (UTF-8 bytes of the path)' }) files: ManifestFileView[];
}

export class FileProofResponse {
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) datasetId: string;
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ example: 'drives/2026-11-27/front-dashcam.mp4' }) path: string;
  @ApiProperty({
    example: 'dsv1|drives/2026-11-27/front-dashcam.mp4|734003200|6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b',
    description: 'The dsv1 leaf string of the file',
  })
  leaf: string;
  @ApiProperty({ example: 'd4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35', description: 'H(0x00 || H(leaf)), 64 hex' })
  leafHash: string;
  @ApiProperty({
    example: ['4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce', '4b227777d4dd1fc61c6f884f48641d02b4d121d3fd328cb08b5531fcacdabf8a'],
    type: [String],
    description: 'Sibling hashes from the leaf up',
  })
  proof: string[];
  @ApiProperty({ example: '5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9' }) merkleRoot: string;
}
