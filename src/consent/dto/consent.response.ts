import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ConsentGrantFieldsDto, ConsentScopeDto } from './grant-consent.dto.js';

export class ConsentRequestResponse {
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) datasetId: string;
  @ApiProperty({ example: 'Munich dashcam drives, winter 2026' }) title: string;
  @ApiProperty({ example: 'editing', description: "The draft's state: editing, in_review, changes_requested or rejected" }) draftState: string;
  @ApiProperty({ example: 'commercial-ai-training' }) licence: string;
  @ApiProperty({ example: 'Commercial AI training' }) licenceName: string;
  @ApiProperty({
    example: [
      'Buyers may use it for: AI training, evaluation, commercial use',
      'Territory: WORLD',
      'Licence without end date',
      'Sold to any number of buyers',
      'No credit required',
    ],
    type: [String],
    description: 'What buyers may do, in plain words',
  })
  plainTerms: string[];
  @ApiProperty({ example: 49900 }) priceUsdCents: number;
  @ApiProperty({ example: 3750, description: "Your share of the contributors' pool, basis points" }) shareBps: number;
  @ApiProperty({ example: ['3b1f7c52-9e0d-4a8b-b6f3-2d7e5a9c1f04', '52209f96-02f8-4c32-811b-d4fab64fcceb'], type: [String] }) captureIds: string[];
  @ApiProperty({ enum: ['waiting', 'granted', 'declined'] }) status: 'waiting' | 'granted' | 'declined';
  @ApiPropertyOptional({
    example: 'Your captures are in the draft and no grant is recorded yet',
    type: String,
    nullable: true,
    description: 'Why the draft still waits for you',
  })
  waitingReason: string | null;
  @ApiPropertyOptional({
    example: null,
    type: String,
    nullable: true,
    description: 'Hash of your advance grant that covers this draft: it counts as your grant when the draft is submitted',
  })
  advanceGrantHash: string | null;
  @ApiProperty({ type: ConsentGrantFieldsDto, description: 'The fields to grant: sign walletMessage, or send them with method session' })
  grant: ConsentGrantFieldsDto;
  @ApiPropertyOptional({
    example:
      "Physical-AI data marketplace: consent to use my captures\n\nI let the captures below be sold in dataset 067e188a-4264-41b0-97a8-ecc3623f344f under the licence and scope below, at the price and share shown, until the expiration time. I can withdraw this consent later.\n\nSigner: 26PCYsdr1QN6jp54AvRaytMfNJujgn3PGLNz7xGYCuow\nDataset: 067e188a-4264-41b0-97a8-ecc3623f344f\nContributor: ddf8cd96-491c-43df-b3f5-999d0230acf8\nCaptures: 3b1f7c52-9e0d-4a8b-b6f3-2d7e5a9c1f04, 52209f96-02f8-4c32-811b-d4fab64fcceb\nLicence: commercial-ai-training\nUses: AI training, evaluation, commercial use\nTerritory: WORLD\nPrice: USD 499.00\nShare: 37.50% of the contributors' pool\nIssued At: 2026-12-02T09:00:00.000Z\nExpiration Time: 2027-12-02T09:00:00.000Z\nNonce: k3Jd9sQw0pLx7Vb2Rt5Ymn0a",
    type: String,
    nullable: true,
    description: 'The text your linked wallet signs; null without a linked wallet',
  })
  walletMessage: string | null;
  @ApiProperty({
    example:
      "Physical-AI data marketplace: consent to use my captures\n\nI let the captures below be sold in dataset 067e188a-4264-41b0-97a8-ecc3623f344f under the licence and scope below, at the price and share shown, until the expiration time. I can withdraw this consent later.\n\nSigner: ddf8cd96-491c-43df-b3f5-999d0230acf8\nDataset: 067e188a-4264-41b0-97a8-ecc3623f344f\nContributor: ddf8cd96-491c-43df-b3f5-999d0230acf8\nCaptures: 3b1f7c52-9e0d-4a8b-b6f3-2d7e5a9c1f04, 52209f96-02f8-4c32-811b-d4fab64fcceb\nLicence: commercial-ai-training\nUses: AI training, evaluation, commercial use\nTerritory: WORLD\nPrice: USD 499.00\nShare: 37.50% of the contributors' pool\nIssued At: 2026-12-02T09:00:00.000Z\nExpiration Time: 2027-12-02T09:00:00.000Z\nNonce: k3Jd9sQw0pLx7Vb2Rt5Ymn0a",
    description: 'The text a session grant records',
  })
  sessionMessage: string;
}

export class ConsentRecordResponse {
  @ApiProperty({ example: 'cf528884-b6c9-4a74-ade5-6456d910d86d', format: 'uuid' }) id: string;
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) datasetId: string;
  @ApiProperty({ example: 'Munich dashcam drives, winter 2026', description: "The dataset's title as its owner last set it" })
  datasetTitle: string;
  @ApiProperty({ enum: ['grant', 'decline', 'withdrawal', 'takedown'] }) kind: 'grant' | 'decline' | 'withdrawal' | 'takedown';
  @ApiProperty({ example: ['3b1f7c52-9e0d-4a8b-b6f3-2d7e5a9c1f04', '52209f96-02f8-4c32-811b-d4fab64fcceb'], type: [String] }) captureIds: string[];
  @ApiPropertyOptional({
    enum: ['wallet', 'session', 'advance'],
    nullable: true,
    description: 'advance: derived from your advance grant when the draft was submitted',
  })
  method: 'wallet' | 'session' | 'advance' | null;
  @ApiProperty({
    example: 'ef2d127de37b942baad06145e54b0c619a1f22327b2ebbcfbec78f5564afe39d',
    description: 'Grant hash (consent-grant.ts), also in the custody log',
  })
  hash: string;
  @ApiProperty({ example: 4, description: "Seq of the dataset's custody entry that carries it" }) custodySeq: number;
  @ApiPropertyOptional({ example: '2027-12-02T09:00:00.000Z', type: String, nullable: true }) expiresAt: string | null;
  @ApiPropertyOptional({ example: null, type: String, nullable: true }) reason: string | null;
  @ApiProperty({ example: '2026-12-02T09:00:12.331Z' }) createdAt: string;
  @ApiPropertyOptional({ example: [], type: [String], description: 'Captures a decline or withdrawal took out of the dataset' })
  removedCaptureIds?: string[];
}

/** A grant in the public record: no names, no e-mail, no user id. */
export class PublicGrantView {
  @ApiProperty({ example: 'ef2d127de37b942baad06145e54b0c619a1f22327b2ebbcfbec78f5564afe39d' }) hash: string;
  @ApiProperty({ enum: ['wallet', 'session', 'advance'], description: 'advance: derived at submission from an advance grant' })
  method: 'wallet' | 'session' | 'advance';
  @ApiPropertyOptional({
    example: '26PCYsdr1QN6jp54AvRaytMfNJujgn3PGLNz7xGYCuow',
    type: String,
    nullable: true,
    description: 'The signing wallet (base58; of the advance grant for method advance); null for a session grant',
  })
  signer: string | null;
  @ApiPropertyOptional({
    example: null,
    type: String,
    nullable: true,
    description: 'For method advance: hash of the advance grant that covered the dataset (signer, signature and message are its own)',
  })
  advanceGrantHash: string | null;
  @ApiPropertyOptional({
    example: '22dLXbfLJ5KYUc77zhqtEzNR2SYdEroKTAjriNb8nfkwnXp6NdWFA4MTgDRWYZXjAMswGB425Wy9K9xYFCQthxjt',
    type: String,
    nullable: true,
    description: 'base58 Ed25519 signature over message; null for a session grant',
  })
  signature: string | null;
  @ApiProperty({
    example:
      "Physical-AI data marketplace: consent to use my captures\n\nI let the captures below be sold in dataset 067e188a-4264-41b0-97a8-ecc3623f344f under the licence and scope below, at the price and share shown, until the expiration time. I can withdraw this consent later.\n\nSigner: 26PCYsdr1QN6jp54AvRaytMfNJujgn3PGLNz7xGYCuow\nDataset: 067e188a-4264-41b0-97a8-ecc3623f344f\nContributor: ddf8cd96-491c-43df-b3f5-999d0230acf8\nCaptures: 3b1f7c52-9e0d-4a8b-b6f3-2d7e5a9c1f04, 52209f96-02f8-4c32-811b-d4fab64fcceb\nLicence: commercial-ai-training\nUses: AI training, evaluation, commercial use\nTerritory: WORLD\nPrice: USD 499.00\nShare: 37.50% of the contributors' pool\nIssued At: 2026-12-02T09:00:00.000Z\nExpiration Time: 2027-12-02T09:00:00.000Z\nNonce: k3Jd9sQw0pLx7Vb2Rt5Ymn0a",
    description: 'The signed text; with signer and signature anyone can check it',
  })
  message: string;
  @ApiProperty({ example: 'commercial-ai-training' }) licence: string;
  @ApiProperty({ type: ConsentScopeDto }) scope: ConsentScopeDto;
  @ApiProperty({ example: 2 }) captureCount: number;
  @ApiProperty({ example: '2026-12-02T09:00:00.000Z' }) issuedAt: string;
  @ApiProperty({ example: '2027-12-02T09:00:00.000Z' }) expiresAt: string;
  @ApiProperty({ example: '2026-12-02T09:00:12.331Z' }) recordedAt: string;
  @ApiProperty({ example: 4 }) custodySeq: number;
  @ApiProperty({ description: 'The hash recomputes from the signed fields and the signature verifies (wallet grants)' }) verified: boolean;
}

export class VersionConsentView {
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({
    example: ['ef2d127de37b942baad06145e54b0c619a1f22327b2ebbcfbec78f5564afe39d'],
    type: [String],
    description: 'Hashes of the grants that stood when this version was published, sorted',
  })
  grantHashes: string[];
  @ApiProperty({
    example: '4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce',
    description: "SHA-256 hex of 'cgs1|' + the sorted grant hashes joined by ','",
  })
  grantSetHash: string;
}

/** A withdrawal (or an admin's takedown) in the public record: when, how many captures, its hash; no reason, no contributor. */
export class PublicWithdrawalView {
  @ApiProperty({ enum: ['withdrawal', 'takedown'], description: "A contributor's withdrawal, or an admin's takedown" }) kind:
    'withdrawal' | 'takedown';
  @ApiProperty({ example: 'd4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35' }) hash: string;
  @ApiProperty({ example: 1 }) captureCount: number;
  @ApiProperty({ example: '2026-12-05T11:20:00.000Z' }) recordedAt: string;
  @ApiProperty({ example: 9 }) custodySeq: number;
}

export class DatasetConsentResponse {
  @ApiProperty({ example: '067e188a-4264-41b0-97a8-ecc3623f344f', format: 'uuid' }) datasetId: string;
  @ApiProperty({ type: [VersionConsentView] }) versions: VersionConsentView[];
  @ApiProperty({ type: [PublicGrantView] }) grants: PublicGrantView[];
  @ApiProperty({ example: 1, description: 'Declines recorded (their reasons stay private)' }) declines: number;
  @ApiProperty({ type: [PublicWithdrawalView], description: 'Captures withdrawn or taken down after publication, oldest first' })
  withdrawals: PublicWithdrawalView[];
  @ApiProperty({ description: 'Every grant verifies, each is carried by its custody entry, and the custody chain is intact' }) verified: boolean;
  @ApiPropertyOptional({ example: null, type: String, nullable: true }) problem: string | null;
}
