import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainException } from '../common/errors/domain.exception.js';
import { AppConfig } from '../config/app-config.js';
import { RateLimitRepository } from './rate-limit.repository.js';

export class RateLimitException extends DomainException<'RATE_LIMITED'> {
  constructor(retryAfterSeconds: number) {
    super('RATE_LIMITED', `Too many attempts from your address; retry in ${retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Limits the sign-in routes per client address: AUTH_RATE_LIMIT requests per AUTH_RATE_WINDOW_SECONDS,
 * counted in PostgreSQL so the limit holds across every app instance.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(
    private readonly counters: RateLimitRepository,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const limit = this.config.AUTH_RATE_LIMIT;
    const { hits, resetInSeconds } = await this.counters.hit(`auth:${request.ip ?? 'unknown'}`, this.config.AUTH_RATE_WINDOW_SECONDS);
    response.setHeader('RateLimit-Limit', limit);
    response.setHeader('RateLimit-Remaining', Math.max(0, limit - hits));
    response.setHeader('RateLimit-Reset', resetInSeconds);
    // Old windows are swept now and then by whichever request comes along; no instance is special.
    if (Math.random() < 0.01) await this.counters.deleteWindowsBefore(this.config.AUTH_RATE_WINDOW_SECONDS * 2);
    if (hits > limit) {
      response.setHeader('Retry-After', resetInSeconds);
      throw new RateLimitException(resetInSeconds);
    }
    return true;
  }
}
