import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TrainingContentLicensor {
  @ApiProperty({ example: 'DePAI data marketplace' }) name: string;
  @ApiProperty({
    example: '3 contributors holding the rights in the files, as they declared',
    description: 'The marketplace licenses on behalf of the rightholders: the contributors of the files bought',
  })
  onBehalfOf: string;
  @ApiProperty({ example: 3 }) contributorCount: number;
}

export class TrainingContentModality {
  @ApiProperty({ enum: ['text', 'image', 'video', 'audio', 'other'], description: "The template's modality" }) modality: string;
  @ApiProperty({ example: ['video'], type: [String], description: 'The capture modalities it covers (e.g. gnss, telemetry, pointcloud)' })
  sources: string[];
  @ApiProperty({ example: 'Less than 1,000 hours', description: 'The size range the template asks for' }) sizeRange: string;
  @ApiProperty({ example: '2.5 hours of video in 3 files, 1.2 GB', description: 'The exact amount behind the range' }) amount: string;
}

export class TrainingContentPeriod {
  @ApiProperty({ example: '2026-11-27T08:15:00.000Z' }) start: string;
  @ApiProperty({ example: '2026-11-30T17:05:00.000Z' }) end: string;
}

/**
 * One "licensed private dataset" entry for a model provider's public summary of training content (EU AI Act,
 * Article 53(1)(d) and the Commission's template): who licensed it, what modalities and how much, and when it was
 * collected.
 */
export class TrainingContentEntryResponse {
  @ApiProperty({ example: '847b3022-058b-4ffa-8af2-845aacb2f649', format: 'uuid' }) orderId: string;
  @ApiProperty({ example: 'licensed_private_dataset' }) category: string;
  @ApiProperty({ example: 'Munich dashcam drives, winter 2026' }) datasetTitle: string;
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) datasetId: string;
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ example: 'version 2 (all 42 files)', description: 'Whole version or a slice of it' }) scope: string;
  @ApiProperty({ example: 'https://marketplace.example.com/datasets/067e188a-4264-41b0-97a8-ecc3623f344f' }) datasetUrl: string;
  @ApiProperty({ example: 'https://marketplace.example.com/v1/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/croissant?version=2' })
  croissantUrl: string;
  @ApiProperty({ example: '5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9' }) merkleRoot: string;
  @ApiProperty({ type: TrainingContentLicensor }) licensor: TrainingContentLicensor;
  @ApiProperty({ example: 'Commercial AI training' }) licence: string;
  @ApiPropertyOptional({ example: '2026-12-02T14:31:40.877Z', type: String, nullable: true }) licensedAt: string | null;
  @ApiProperty({ type: [TrainingContentModality] }) modalities: TrainingContentModality[];
  @ApiProperty({ example: 42 }) files: number;
  @ApiProperty({ example: 12884901888 }) sizeBytes: number;
  @ApiPropertyOptional({ type: TrainingContentPeriod, nullable: true, description: 'When the data was recorded; null when no file has times' })
  collectionPeriod: TrainingContentPeriod | null;
  @ApiProperty({
    example:
      '"Munich dashcam drives, winter 2026", version 2 (all 42 files), licensed from the DePAI data marketplace on behalf of 3 contributors holding the rights in the files, as they declared, under the licence "Commercial AI training" on 2026-12-02. Modalities: video: Less than 1,000 hours. Collected between 2026-11-27 and 2026-11-30.',
    description: 'The entry in one paragraph, ready to paste into the summary',
  })
  text: string;
}
