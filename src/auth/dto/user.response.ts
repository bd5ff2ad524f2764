import { ApiProperty } from '@nestjs/swagger';
import type { UserEntity } from '../entities/user.entity.js';
import { Role } from '../role.js';

export class UserResponse {
  @ApiProperty({ example: 'ddf8cd96-491c-43df-b3f5-999d0230acf8', format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, nullable: true, example: 'ada@example.com' })
  email: string | null;

  @ApiProperty({ enum: Role })
  role: Role;

  @ApiProperty({
    example: '26PCYsdr1QN6jp54AvRaytMfNJujgn3PGLNz7xGYCuow',
    type: String,
    nullable: true,
    description: 'Solana address (base58) for wallet accounts',
  })
  walletAddress: string | null;

  @ApiProperty({ example: '2026-12-01T10:02:13.418Z' })
  createdAt: Date;

  static from(user: UserEntity): UserResponse {
    const { id, email, role, walletAddress, createdAt } = user;
    return Object.assign(new UserResponse(), { id, email, role, walletAddress, createdAt });
  }
}

export class AuthTokenResponse {
  @ApiProperty({
    example:
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJkZGY4Y2Q5Ni00OTFjLTQzZGYtYjNmNS05OTlkMDIzMGFjZjgiLCJyb2xlIjoiYnV5ZXIiLCJpYXQiOjE3NjQ2NjcyNjcsImV4cCI6MTc2NDY3MDg2N30.k3M8Zt0mW9sY2p1xq4QvV7nJr6Hc5LdT0eBfGaUiKoE',
    description: 'JWT; send as Authorization: Bearer <token>',
  })
  accessToken: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ example: 3600, description: 'Lifetime of the token in seconds' })
  expiresIn: number;

  @ApiProperty({ type: UserResponse })
  user: UserResponse;
}

export class UserPageResponse {
  @ApiProperty({ type: [UserResponse] })
  items: UserResponse[];

  @ApiProperty({
    example: 'MjAyNi0xMi0wMlQwOToxNDoyNy41MTIzODRafDA2N2UxODhhLTQyNjQtNDFiMC05N2E4LWVjYzM2MjNmMzQ0Zg',
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
  })
  nextCursor: string | null;
}
