import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
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
  @SignInRateLimited()
  @ApiConflictResponse({ type: ErrorBody, description: 'Email already registered' })
  register(@Body() dto: RegisterDto): Promise<AuthTokenResponse> {
    return this.auth.register(dto);
  }

  @Post('login')
  @SignInRateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AuthTokenResponse })
  @ApiUnauthorizedResponse({ type: ErrorBody })
  login(@Body() dto: LoginDto): Promise<AuthTokenResponse> {
    return this.auth.login(dto);
  }

  @Post('wallet/challenge')
  @SignInRateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: WalletChallengeResponse })
  walletChallenge(@Body() dto: WalletChallengeDto): Promise<WalletChallengeResponse> {
    return this.wallet.challenge(dto.address);
  }

  @Post('wallet/verify')
  @SignInRateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AuthTokenResponse })
  @ApiUnauthorizedResponse({ type: ErrorBody, description: 'Wrong signature, or an unknown, used or expired challenge' })
  walletVerify(@Body() dto: WalletVerifyDto): Promise<AuthTokenResponse> {
    return this.wallet.verify(dto);
  }

  @Get('me')
  @Auth()
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentUser() user: AuthUser): Promise<UserResponse> {
    return this.auth.me(user);
  }
}
