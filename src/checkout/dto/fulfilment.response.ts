import { ApiProperty } from '@nestjs/swagger';

export class DownloadFileResponse {
  @ApiProperty({ example: 'drives/2026-05-01/front.mp4' })
  path: string;

  @ApiProperty({ example: 734003200 })
  sizeBytes: number;

  @ApiProperty({
    example: '6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b',
    description: 'Hex SHA-256 of the file, as in the version manifest',
  })
  sha256: string;

  @ApiProperty({
    example:
      'https://storage.example.com/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/2/drives/2026-11-27/front-dashcam.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900&X-Amz-Signature=3f1c0d',
    description: 'Signed, expiring GET URL',
  })
  url: string;

  @ApiProperty({ example: '2026-12-02T14:46:40.877Z' })
  expiresAt: Date;
}

export class DownloadsResponse {
  @ApiProperty({ type: [DownloadFileResponse] })
  files: DownloadFileResponse[];
}

export class CertificateResponse {
  @ApiProperty({
    example:
      '{"buyerId":"ddf8cd96-491c-43df-b3f5-999d0230acf8","datasetId":"067e188a-4264-41b0-97a8-ecc3623f344f","issuedAt":"2026-12-02T14:31:40.877Z","licence":"commercial-ai-training","merkleRoot":"5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9","orderId":"847b3022-058b-4ffa-8af2-845aacb2f649","version":2}',
    description: 'The certificate as canonical JSON; the signature covers its UTF-8 bytes',
  })
  payload: string;

  @ApiProperty({
    example: 'xPR6rv6fYUfEWy8JzuXpgHYJWJmBhXzFzSigymXKxqXQe9MuseQ1sAc5yFog7scPmAjUUDdGnvqEMSYCsXvkB7d',
    description: 'Ed25519 signature, base58',
  })
  signature: string;

  @ApiProperty({ example: 'EvMQkp1VQWqZ9JKtpgzPN3ZRexjtMuxNMQ9Fb4WwehAZ', description: "The platform's Ed25519 public key, base58" })
  publicKey: string;
}

export class PlatformKeysResponse {
  @ApiProperty({ example: 'EvMQkp1VQWqZ9JKtpgzPN3ZRexjtMuxNMQ9Fb4WwehAZ', description: 'Ed25519 public key that signs licence certificates, base58' })
  publicKey: string;

  @ApiProperty({ example: 'Ed25519' })
  algorithm: 'Ed25519';

  @ApiProperty({ example: 'base58' })
  encoding: 'base58';
}
