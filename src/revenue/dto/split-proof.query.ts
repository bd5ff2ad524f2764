import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class SplitProofQuery {
  @ApiPropertyOptional({ description: "The contributor's user id or payee (wallet); defaults to the caller" })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'contributor must be a user id or a wallet address' })
  contributor?: string;
}
