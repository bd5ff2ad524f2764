import { ApiProperty } from '@nestjs/swagger';

/** A file of the order, as the version manifest lists it. */
export class OrderFileResponse {
  @ApiProperty({ example: 'drives/2026-05-01/front.mp4' })
  path: string;

  @ApiProperty()
  sizeBytes: number;

  @ApiProperty({ description: 'Hex SHA-256 of the file, as in the version manifest' })
  sha256: string;
}

export class DownloadFileResponse extends OrderFileResponse {
  @ApiProperty({ description: 'Signed, expiring GET URL' })
  url: string;

  @ApiProperty()
  expiresAt: Date;
}

/** A file the order bought that its licence no longer covers: the contributor withdrew it (issue 16). */
export class WithdrawnFileResponse extends OrderFileResponse {
  @ApiProperty({ example: 'CHECKOUT_FILE_WITHDRAWN' })
  code: 'CHECKOUT_FILE_WITHDRAWN';

  @ApiProperty({ description: 'Why it is not delivered, in words' })
  reason: string;

  @ApiProperty()
  withdrawnAt: Date;
}

export class DownloadsResponse {
  @ApiProperty({ type: [DownloadFileResponse], description: 'The files the licence covers, each with its URL' })
  files: DownloadFileResponse[];

  @ApiProperty({
    type: [WithdrawnFileResponse],
    description:
      'Files withdrawn by their contributors under a licence revocable on withdrawal: no longer delivered (their earlier URLs answer 403). Empty when the licence lets the buyer keep them.',
  })
  withdrawn: WithdrawnFileResponse[];
}

export class SignedCertificateResponse {
  @ApiProperty({ description: 'The certificate as canonical JSON; the signature covers its UTF-8 bytes' })
  payload: string;

  @ApiProperty({ description: 'Ed25519 signature, base58' })
  signature: string;

  @ApiProperty({ description: "The platform's Ed25519 public key, base58" })
  publicKey: string;
}

/** A certificate a reissued one replaced; it still verifies, and says what it covered when it was issued. */
export class SupersededCertificateResponse extends SignedCertificateResponse {
  @ApiProperty({ description: 'Why it was replaced' })
  reason: string;

  @ApiProperty()
  supersededAt: Date;
}

export class CertificateResponse extends SignedCertificateResponse {
  @ApiProperty({
    type: [SupersededCertificateResponse],
    description:
      'Earlier certificates of the order, oldest first: reissued after withdrawals under a licence revocable on withdrawal (empty otherwise)',
  })
  superseded: SupersededCertificateResponse[];
}

export class PlatformKeysResponse {
  @ApiProperty({ description: 'Ed25519 public key that signs licence certificates, base58' })
  publicKey: string;

  @ApiProperty({ example: 'Ed25519' })
  algorithm: 'Ed25519';

  @ApiProperty({ example: 'base58' })
  encoding: 'base58';
}
