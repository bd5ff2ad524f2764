import { Module } from '@nestjs/common';
import { AuthRateLimitGuard } from './rate-limit.guard.js';
import { RateLimitRepository } from './rate-limit.repository.js';

@Module({ providers: [RateLimitRepository, AuthRateLimitGuard], exports: [AuthRateLimitGuard, RateLimitRepository] })
export class RateLimitModule {}
