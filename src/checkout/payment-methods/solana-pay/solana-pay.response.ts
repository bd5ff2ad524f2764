import { ApiProperty } from '@nestjs/swagger';

export class SolanaPayResponse {
  @ApiProperty({ example: 'solana:7xKX...?amount=19.99&spl-token=EPjF...&reference=9aB...&label=...&memo=order%3A...' })
  url: string;

  @ApiProperty({ description: 'The order reference key the transfer must carry' })
  reference: string;

  @ApiProperty({ description: "The marketplace treasury's wallet" })
  recipient: string;

  @ApiProperty({ description: 'USDC, exact decimal', example: '19.99' })
  amount: string;

  @ApiProperty({ description: 'The USDC mint' })
  splToken: string;

  @ApiProperty({ description: 'The URL as a QR code, an SVG data URL' })
  qrCode: string;
}
