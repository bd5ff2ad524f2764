import { ApiProperty } from '@nestjs/swagger';

export class DownloadFileResponse {
  @ApiProperty({ example: 'drives/2026-05-01/front.mp4' })
  path: string;

  @ApiProperty()
  sizeBytes: number;

  @ApiProperty({ description: 'Hex SHA-256 of the file, as in the version manifest' })
  sha256: string;

  @ApiProperty({ description: 'Signed, expiring GET URL' })
  url: string;

  @ApiProperty()
  expiresAt: Date;
}

export class DownloadsResponse {
  @ApiProperty({ type: [DownloadFileResponse] })
  files: DownloadFileResponse[];
}

export class CertificateResponse {
  @ApiProperty({ description: 'The certificate as canonical JSON; the signature covers its UTF-8 bytes' })
  payload: string;

  @ApiProperty({ description: 'Ed25519 signature, base58' })
  signature: string;

  @ApiProperty({ description: "The platform's Ed25519 public key, base58" })
  publicKey: string;
}

export class PlatformKeysResponse {
  @ApiProperty({ description: 'Ed25519 public key that signs licence certificates, base58' })
  publicKey: string;

  @ApiProperty({ example: 'Ed25519' })
  algorithm: 'Ed25519';

  @ApiProperty({ example: 'base58' })
  encoding: 'base58';
}
