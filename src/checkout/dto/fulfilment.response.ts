import { ApiProperty } from '@nestjs/swagger';

/** A file of the order, as the version manifest lists it. */
export class OrderFileResponse {
  @ApiProperty({ example: 'drives/2026-05-01/front.mp4' })
  path: string;

  @ApiProperty({ example: 734003200 })
  sizeBytes: number;

  @ApiProperty({
    example: '6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b',
    description: 'Hex SHA-256 of the file, as in the version manifest',
  })
  sha256: string;
}

export class DownloadFileResponse extends OrderFileResponse {
  @ApiProperty({
    example:
      'https://storage.example.com/datasets/067e188a-4264-41b0-97a8-ecc3623f344f/2/drives/2026-11-27/front-dashcam.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900&X-Amz-Signature=3f1c0d',
    description: 'Signed, expiring GET URL',
  })
  url: string;

  @ApiProperty({ example: '2026-12-02T14:46:40.877Z' })
  expiresAt: Date;
}

/** A file the order bought that its licence no longer covers: the contributor withdrew it (issue 16). */
export class WithdrawnFileResponse extends OrderFileResponse {
  @ApiProperty({ example: 'CHECKOUT_FILE_WITHDRAWN' })
  code: 'CHECKOUT_FILE_WITHDRAWN';

  @ApiProperty({
    example: 'The contributor withdrew their consent to the use of this file; your licence ends the right to use withdrawn files.',
    description: 'Why it is not delivered, in words',
  })
  reason: string;

  @ApiProperty({ example: '2026-12-05T11:20:00.000Z' })
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
  @ApiProperty({
    example:
      '{"buyer":{"email":"ada@example.com","id":"ddf8cd96-491c-43df-b3f5-999d0230acf8","walletAddress":null},"consent":{"grantSetHash":"4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce","grants":3},"dataset":{"id":"067e188a-4264-41b0-97a8-ecc3623f344f","merkleRoot":"5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9","title":"Munich dashcam drives, winter 2026","version":2},"formatVersion":1,"issuedAt":"2026-12-02T14:31:40.877Z","licence":{"name":"Commercial AI training","slug":"commercial-ai-training","terms":{"attributionRequired":false,"exclusive":false,"maxSeats":null,"permittedUses":{"aiTraining":true,"commercialUse":true,"derivativeMaps":true,"evaluation":true,"redistribution":false},"termMonths":null,"territory":["WORLD"]},"validUntil":null},"orderId":"847b3022-058b-4ffa-8af2-845aacb2f649","organisation":{"id":"5c9e9f1f-061b-4dd1-b044-98b316cbfa00","name":"Acme Robotics"},"payment":{"method":"card","reference":"pi_3QHf8K2eZvKYlo2C1a7b9XyZ"},"price":{"amount":"49900","currency":"USD","priceUsdCents":49900},"type":"dataset-licence-certificate"}',
    description: 'The certificate as canonical JSON; the signature covers its UTF-8 bytes',
  })
  payload: string;

  @ApiProperty({
    example: '58WHiZSjM9GAgoiLXfjNvq7kqKEwCjE1peh364tnyNsQoYhB82KxA7WRVzQbcTkyTnrBx8LMr7cwwxaYfrbNK3AJ',
    description: 'Ed25519 signature, base58',
  })
  signature: string;

  @ApiProperty({ example: '56aQEJV5KVRgTed4FobUMs8mFjCaD582SXd9Qv2hhqis', description: "The platform's Ed25519 public key, base58" })
  publicKey: string;
}

/** A certificate a reissued one replaced; it still verifies, and says what it covered when it was issued. */
export class SupersededCertificateResponse extends SignedCertificateResponse {
  @ApiProperty({ example: 'Reissued without 1 file withdrawn by its contributor', description: 'Why it was replaced' })
  reason: string;

  @ApiProperty({ example: '2026-12-05T11:21:03.412Z' })
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
  @ApiProperty({ example: '56aQEJV5KVRgTed4FobUMs8mFjCaD582SXd9Qv2hhqis', description: 'Ed25519 public key that signs licence certificates, base58' })
  publicKey: string;

  @ApiProperty({ example: 'Ed25519' })
  algorithm: 'Ed25519';

  @ApiProperty({ example: 'base58' })
  encoding: 'base58';
}
