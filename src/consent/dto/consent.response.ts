import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ConsentGrantFieldsDto, ConsentScopeDto } from './grant-consent.dto.js';

export class ConsentRequestResponse {
  @ApiProperty({ format: 'uuid' }) datasetId: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: "The draft's state: editing, in_review, changes_requested or rejected" }) draftState: string;
  @ApiProperty({ example: 'commercial-ai-training' }) licence: string;
  @ApiProperty() licenceName: string;
  @ApiProperty({ type: [String], description: 'What buyers may do, in plain words' }) plainTerms: string[];
  @ApiProperty() priceUsdCents: number;
  @ApiProperty({ description: "Your share of the contributors' pool, basis points" }) shareBps: number;
  @ApiProperty({ type: [String] }) captureIds: string[];
  @ApiProperty({ enum: ['waiting', 'granted', 'declined'] }) status: 'waiting' | 'granted' | 'declined';
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why the draft still waits for you' }) waitingReason: string | null;
  @ApiProperty({ type: ConsentGrantFieldsDto, description: 'The fields to grant: sign walletMessage, or send them with method session' })
  grant: ConsentGrantFieldsDto;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The text your linked wallet signs; null without a linked wallet' })
  walletMessage: string | null;
  @ApiProperty({ description: 'The text a session grant records' }) sessionMessage: string;
}

export class ConsentRecordResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) datasetId: string;
  @ApiProperty({ enum: ['grant', 'decline', 'withdrawal', 'takedown'] }) kind: 'grant' | 'decline' | 'withdrawal' | 'takedown';
  @ApiProperty({ type: [String] }) captureIds: string[];
  @ApiPropertyOptional({ enum: ['wallet', 'session'], nullable: true }) method: 'wallet' | 'session' | null;
  @ApiProperty({ description: 'Grant hash (consent-grant.ts), also in the custody log' }) hash: string;
  @ApiProperty({ description: "Seq of the dataset's custody entry that carries it" }) custodySeq: number;
  @ApiPropertyOptional({ type: String, nullable: true }) expiresAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) reason: string | null;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ type: [String], description: 'Captures a decline or withdrawal took out of the dataset' }) removedCaptureIds?: string[];
}

/** A grant in the public record: no names, no e-mail, no user id. */
export class PublicGrantView {
  @ApiProperty() hash: string;
  @ApiProperty({ enum: ['wallet', 'session'] }) method: 'wallet' | 'session';
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The signing wallet (base58); null for a session grant' }) signer: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'base58 Ed25519 signature over message; null for a session grant' })
  signature: string | null;
  @ApiProperty({ description: 'The signed text; with signer and signature anyone can check it' }) message: string;
  @ApiProperty() licence: string;
  @ApiProperty({ type: ConsentScopeDto }) scope: ConsentScopeDto;
  @ApiProperty() captureCount: number;
  @ApiProperty() issuedAt: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty() recordedAt: string;
  @ApiProperty() custodySeq: number;
  @ApiProperty({ description: 'The hash recomputes from the signed fields and the signature verifies (wallet grants)' }) verified: boolean;
}

export class VersionConsentView {
  @ApiProperty() version: number;
  @ApiProperty({ type: [String], description: 'Hashes of the grants that stood when this version was published, sorted' }) grantHashes: string[];
  @ApiProperty({ description: "SHA-256 hex of 'cgs1|' + the sorted grant hashes joined by ','" }) grantSetHash: string;
}

/** A withdrawal (or an admin's takedown) in the public record: when, how many captures, its hash; no reason, no contributor. */
export class PublicWithdrawalView {
  @ApiProperty({ enum: ['withdrawal', 'takedown'], description: "A contributor's withdrawal, or an admin's takedown" }) kind:
    'withdrawal' | 'takedown';
  @ApiProperty() hash: string;
  @ApiProperty() captureCount: number;
  @ApiProperty() recordedAt: string;
  @ApiProperty() custodySeq: number;
}

export class DatasetConsentResponse {
  @ApiProperty({ format: 'uuid' }) datasetId: string;
  @ApiProperty({ type: [VersionConsentView] }) versions: VersionConsentView[];
  @ApiProperty({ type: [PublicGrantView] }) grants: PublicGrantView[];
  @ApiProperty({ description: 'Declines recorded (their reasons stay private)' }) declines: number;
  @ApiProperty({ type: [PublicWithdrawalView], description: 'Captures withdrawn or taken down after publication, oldest first' })
  withdrawals: PublicWithdrawalView[];
  @ApiProperty({ description: 'Every grant verifies, each is carried by its custody entry, and the custody chain is intact' }) verified: boolean;
  @ApiPropertyOptional({ type: String, nullable: true }) problem: string | null;
}
