import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class DevPaymentDto {
  @ApiProperty({
    description: 'A Solana Pay transfer-request URL with an amount, as POST /v1/orders hands out',
    example: 'solana:7xKX...?amount=12.5&spl-token=EPjF...&reference=9a8B...&memo=order:1',
  })
  @IsString()
  @MinLength(1)
  // Solana Pay's own limit for a request URL.
  @MaxLength(2048)
  url: string;
}

export class DevPaymentResponse {
  @ApiProperty({
    example: '5YxfPgPkXycMV36efQAfpqQPwExNgM2Q5EE6uNWb6f1gMWTbsjWELkcJUipUKFSMVM6pmJ8x9pmTK9m3Sh5seLWv',
    description: 'Signature (base58) of the payment transaction on the embedded ledger',
  })
  signature: string;
}
