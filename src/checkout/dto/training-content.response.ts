import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TrainingContentLicensor {
  @ApiProperty({ example: 'DePAI data marketplace' }) name: string;
  @ApiProperty({ description: 'The marketplace licenses on behalf of the rightholders: the contributors of the files bought' })
  onBehalfOf: string;
  @ApiProperty() contributorCount: number;
}

export class TrainingContentModality {
  @ApiProperty({ enum: ['text', 'image', 'video', 'audio', 'other'], description: "The template's modality" }) modality: string;
  @ApiProperty({ type: [String], description: 'The capture modalities it covers (e.g. gnss, telemetry, pointcloud)' }) sources: string[];
  @ApiProperty({ example: 'Less than 1,000 hours', description: 'The size range the template asks for' }) sizeRange: string;
  @ApiProperty({ example: '2.5 hours of video in 3 files, 1.2 GB', description: 'The exact amount behind the range' }) amount: string;
}

export class TrainingContentPeriod {
  @ApiProperty() start: string;
  @ApiProperty() end: string;
}

/**
 * One "licensed private dataset" entry for a model provider's public summary of training content (EU AI Act,
 * Article 53(1)(d) and the Commission's template): who licensed it, what modalities and how much, and when it was
 * collected.
 */
export class TrainingContentEntryResponse {
  @ApiProperty({ format: 'uuid' }) orderId: string;
  @ApiProperty({ example: 'licensed_private_dataset' }) category: string;
  @ApiProperty() datasetTitle: string;
  @ApiProperty({ format: 'uuid' }) datasetId: string;
  @ApiProperty() version: number;
  @ApiProperty({ description: 'Whole version or a slice of it' }) scope: string;
  @ApiProperty() datasetUrl: string;
  @ApiProperty() croissantUrl: string;
  @ApiProperty() merkleRoot: string;
  @ApiProperty({ type: TrainingContentLicensor }) licensor: TrainingContentLicensor;
  @ApiProperty() licence: string;
  @ApiPropertyOptional({ type: String, nullable: true }) licensedAt: string | null;
  @ApiProperty({ type: [TrainingContentModality] }) modalities: TrainingContentModality[];
  @ApiProperty() files: number;
  @ApiProperty() sizeBytes: number;
  @ApiPropertyOptional({ type: TrainingContentPeriod, nullable: true, description: 'When the data was recorded; null when no file has times' })
  collectionPeriod: TrainingContentPeriod | null;
  @ApiProperty({ description: 'The entry in one paragraph, ready to paste into the summary' }) text: string;
}
