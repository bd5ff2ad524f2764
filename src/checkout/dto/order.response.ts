import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { LicenceTemplateResponse } from '../../licensing/dto/licence.dto.js';
import { ORDER_STATUSES, type OrderStatus } from '../order-state-machine.js';

export class MoneyResponse {
  @ApiProperty({ description: 'Integer minor units: USD cents, or USDC base units (10^-6 USDC)', example: 1999 })
  minor: number;

  @ApiProperty({ enum: ['USD', 'USDC'] })
  currency: 'USD' | 'USDC';
}

/** The licence as sold: the template's slug and name with the (possibly narrowed) terms. */
export class OrderLicenceResponse extends PickType(LicenceTemplateResponse, ['slug', 'name', 'terms'] as const) {}

export class StripeCheckoutResponse {
  @ApiProperty({ description: 'Send the buyer here to pay by card' })
  checkoutUrl: string;

  @ApiProperty()
  sessionId: string;
}

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

export class PaymentResponse {
  @ApiProperty({ enum: ['charge', 'refund'] })
  kind: 'charge' | 'refund';

  @ApiProperty({ type: MoneyResponse })
  amount: MoneyResponse;

  @ApiProperty({ description: 'Stripe payment intent / refund id, or Solana transaction signature' })
  reference: string;

  @ApiProperty()
  createdAt: Date;
}

export class OrderResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ORDER_STATUSES })
  status: OrderStatus;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why the order expired, was cancelled or refunded' })
  statusReason: string | null;

  @ApiProperty({ format: 'uuid', description: 'The user who placed the order' })
  buyerId: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The organisation that holds the order and its licence' })
  organisationId: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: "The organisation's name when the order was placed" })
  organisationName: string | null;

  @ApiProperty({ format: 'uuid' })
  datasetId: string;

  @ApiProperty()
  version: number;

  @ApiProperty()
  datasetTitle: string;

  @ApiProperty({ enum: ['card', 'solana'] })
  paymentMethod: 'card' | 'solana';

  @ApiProperty()
  priceUsdCents: number;

  @ApiProperty({ type: MoneyResponse, description: 'What the buyer pays' })
  amount: MoneyResponse;

  @ApiProperty({ type: OrderLicenceResponse })
  licence: OrderLicenceResponse;

  @ApiProperty()
  exclusive: boolean;

  @ApiProperty({ description: 'An unpaid order expires then' })
  expiresAt: Date;

  @ApiProperty()
  createdAt: Date;

  @ApiPropertyOptional({ type: Date, nullable: true })
  paidAt: Date | null;

  @ApiPropertyOptional({ type: Date, nullable: true })
  fulfilledAt: Date | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why the last payment found did not pay the order' })
  lastPaymentError: string | null;

  @ApiProperty({ type: [PaymentResponse], description: 'Money received and returned for this order' })
  payments: PaymentResponse[];

  @ApiPropertyOptional({ type: StripeCheckoutResponse })
  stripe?: StripeCheckoutResponse;

  @ApiPropertyOptional({
    type: SolanaPayResponse,
    description: 'How to pay a USDC order, while it is pending (or expired: a late payment is honoured)',
  })
  solanaPay?: SolanaPayResponse;
}
