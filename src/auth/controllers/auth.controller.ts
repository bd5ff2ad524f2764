import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { CommonErrorCode, CommonException } from '../../common/errors/common.exception.js';
import { SignInRateLimited } from '../../rate-limit/rate-limited.decorator.js';
import type { AuthUser } from '../auth-user.js';
import { AuthErrorCode, AuthException } from '../auth.exception.js';
import { Auth, CurrentUser } from '../decorators/auth.decorator.js';
import { LoginDto, RegisterDto } from '../dto/register.dto.js';
import { AuthTokenResponse, UserResponse } from '../dto/user.response.js';
import { WalletChallengeDto, WalletChallengeResponse, WalletVerifyDto } from '../dto/wallet.dto.js';
import { AuthService } from '../services/auth.service.js';
import { WalletAuthService } from '../services/wallet-auth.service.js';

const invalidInput = (message: string) => new CommonException(CommonErrorCode.VALIDATION_FAILED, message);
const invalidAddress = new AuthException(AuthErrorCode.INVALID_WALLET_ADDRESS, 'address must be a base58 Solana public key (32 bytes)');

@ApiTags('auth')
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
  @ApiErrorResponse('Invalid input', invalidInput('email must be an email'))
  @ApiErrorResponse('Email already registered', new AuthException(AuthErrorCode.EMAIL_TAKEN, 'An account with this email already exists'))
  register(@Body() dto: RegisterDto): Promise<AuthTokenResponse> {
    return this.auth.register(dto);
  }

  @Post('login')
  @ApiOperation({ summary: 'Signs in with email and password' })
  @SignInRateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AuthTokenResponse })
  @ApiErrorResponse('Invalid input', invalidInput('password must be a string'))
  @ApiErrorResponse('Wrong email or password', new AuthException(AuthErrorCode.INVALID_CREDENTIALS, 'Wrong email or password'))
  login(@Body() dto: LoginDto): Promise<AuthTokenResponse> {
    return this.auth.login(dto);
  }

  @Post('wallet/challenge')
  @ApiOperation({ summary: 'A one-time message for a Solana wallet to sign' })
  @SignInRateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: WalletChallengeResponse })
  @ApiErrorResponse('Not a Solana address', invalidAddress, invalidInput('address must be longer than or equal to 32 characters'))
  walletChallenge(@Body() dto: WalletChallengeDto): Promise<WalletChallengeResponse> {
    return this.wallet.challenge(dto.address);
  }

  @Post('wallet/verify')
  @ApiOperation({ summary: "Signs in with a wallet's signature of the challenge (creates the account on first use)" })
  @SignInRateLimited()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: AuthTokenResponse })
  @ApiErrorResponse('Not a Solana address, or invalid input', invalidAddress, invalidInput('signature must be a string'))
  @ApiErrorResponse(
    'Wrong signature, or an unknown, used or expired challenge',
    new AuthException(AuthErrorCode.INVALID_WALLET_SIGNATURE, 'The signature does not match this address and message'),
    new AuthException(AuthErrorCode.CHALLENGE_INVALID, 'This message is not a challenge issued to this address; request a new one'),
    new AuthException(AuthErrorCode.CHALLENGE_USED, 'This challenge was already used; request a new one'),
    new AuthException(AuthErrorCode.CHALLENGE_EXPIRED, 'This challenge has expired; request a new one'),
  )
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
