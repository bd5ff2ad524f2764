import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { ErrorBody } from '../../common/errors/error-body.js';
import { SignInRateLimited } from '../../rate-limit/rate-limited.decorator.js';
import type { AuthUser } from '../auth-user.js';
import { Auth, CurrentUser } from '../decorators/auth.decorator.js';
import { LoginDto, RegisterDto } from '../dto/register.dto.js';
import { AuthTokenResponse, UserResponse } from '../dto/user.response.js';
import { WalletChallengeDto, WalletChallengeResponse, WalletVerifyDto } from '../dto/wallet.dto.js';
import { AuthService } from '../services/auth.service.js';
import { WalletAuthService } from '../services/wallet-auth.service.js';

@ApiTags('auth')
@ApiBadRequestResponse({ type: ErrorBody })
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly wallet: WalletAuthService,
  ) {}

  @Post('register')
  @ApiOperation({ summary: 'Creates a buyer or contributor account and signs it in' })
  @SignInRateLimited()
  @ApiCreatedResponse({ type: AuthTokenResponse, description: 'Signed in as the new account' })
  @ApiConflictResponse({ type: ErrorBody, description: 'Email already registered' })
  register(@Body() dto: RegisterDto): Promise<AuthTokenResponse> {
    return this.auth.register(dto);
  }

  @Post('login')
  @ApiOperation({ summary: 'Signs in with email and password' })
  @SignInRateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AuthTokenResponse })
  @ApiUnauthorizedResponse({ type: ErrorBody })
  login(@Body() dto: LoginDto): Promise<AuthTokenResponse> {
    return this.auth.login(dto);
  }

  @Post('wallet/challenge')
  @ApiOperation({ summary: 'A one-time message for a Solana wallet to sign' })
  @SignInRateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: WalletChallengeResponse })
  walletChallenge(@Body() dto: WalletChallengeDto): Promise<WalletChallengeResponse> {
    return this.wallet.challenge(dto.address);
  }

  @Post('wallet/verify')
  @ApiOperation({ summary: "Signs in with a wallet's signature of the challenge (creates the account on first use)" })
  @SignInRateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AuthTokenResponse })
  @ApiUnauthorizedResponse({ type: ErrorBody, description: 'Wrong signature, or an unknown, used or expired challenge' })
  walletVerify(@Body() dto: WalletVerifyDto): Promise<AuthTokenResponse> {
    return this.wallet.verify(dto);
  }

  @Get('me')
  @ApiOperation({ summary: 'Who you are signed in as' })
  @Auth()
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentUser() user: AuthUser): Promise<UserResponse> {
    return this.auth.me(user);
  }
}
