import { ApiProperty } from '@nestjs/swagger';
import type { UserEntity } from '../entities/user.entity.js';
import { Role } from '../role.js';

export class UserResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' })
  email: string | null;

  @ApiProperty({ enum: Role })
  role: Role;

  @ApiProperty({ type: String, nullable: true, description: 'Solana address (base58) for wallet accounts' })
  walletAddress: string | null;

  @ApiProperty()
  createdAt: Date;

  static from(user: UserEntity): UserResponse {
    const { id, email, role, walletAddress, createdAt } = user;
    return Object.assign(new UserResponse(), { id, email, role, walletAddress, createdAt });
  }
}

export class AuthTokenResponse {
  @ApiProperty({ description: 'JWT; send as Authorization: Bearer <token>' })
  accessToken: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Lifetime of the token in seconds' })
  expiresIn: number;

  @ApiProperty({ type: UserResponse })
  user: UserResponse;
}

export class UserPageResponse {
  @ApiProperty({ type: [UserResponse] })
  items: UserResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}
