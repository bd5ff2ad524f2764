import { ApiProperty } from '@nestjs/swagger';

export class SolanaPayResponse {
  @ApiProperty({ example: 'solana:7xKX...?amount=19.99&spl-token=EPjF...&reference=9aB...&label=...&memo=order%3A...' })
  url: string;

  @ApiProperty({ example: '3FxZdMLyVLM91Vrgmj2h5T5bvLCXZiJv3z3NWKgPBnHu', description: 'The order reference key the transfer must carry' })
  reference: string;

  @ApiProperty({ example: '9pkkCH2oCYahZg3G85NzLMNBtLS2B1G3oBDVD1XegFxc', description: "The marketplace treasury's wallet" })
  recipient: string;

  @ApiProperty({ description: 'USDC, exact decimal', example: '19.99' })
  amount: string;

  @ApiProperty({ example: 'EPjFWdd5AufqSSqeM5qvRdR2f3YE3Zp3GczK3oZLZx3E', description: 'The USDC mint' })
  splToken: string;

  @ApiProperty({
    example: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCA0MSA0MSI+PC9zdmc+',
    description: 'The URL as a QR code, an SVG data URL',
  })
  qrCode: string;
}
