import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

/**
 * What can go wrong talking to Stripe, whoever asked (checkout for sessions, refunds and webhooks; revenue for
 * Connect payouts). Callers that answer HTTP map these to their own codes where their API promises one.
 */
export enum StripeErrorCode {
  /** STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET are unset. */
  NOT_CONFIGURED = 'STRIPE_NOT_CONFIGURED',
  /** Stripe did not answer, or refused the request. */
  UNAVAILABLE = 'STRIPE_UNAVAILABLE',
  /** A webhook's Stripe-Signature header does not match its body (or either is missing). */
  SIGNATURE_INVALID = 'STRIPE_SIGNATURE_INVALID',
}

const STATUS: Record<StripeErrorCode, HttpStatus> = {
  [StripeErrorCode.NOT_CONFIGURED]: HttpStatus.SERVICE_UNAVAILABLE,
  [StripeErrorCode.UNAVAILABLE]: HttpStatus.BAD_GATEWAY,
  [StripeErrorCode.SIGNATURE_INVALID]: HttpStatus.BAD_REQUEST,
};

export class StripeException extends DomainException<StripeErrorCode> {
  constructor(code: StripeErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
