import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum SubscriptionErrorCode {
  NOT_FOUND = 'SUBSCRIPTION_NOT_FOUND',
  DATASET_NOT_LISTED = 'SUBSCRIPTION_DATASET_NOT_LISTED',
  NOT_SLICEABLE = 'SUBSCRIPTION_NOT_SLICEABLE',
  INVALID_PERIOD = 'SUBSCRIPTION_INVALID_PERIOD',
  /** Internal: another run billed the period first (its invoice stands, this one stores nothing). */
  PERIOD_BILLED = 'SUBSCRIPTION_PERIOD_BILLED',
}

const STATUS: Record<SubscriptionErrorCode, HttpStatus> = {
  [SubscriptionErrorCode.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [SubscriptionErrorCode.DATASET_NOT_LISTED]: HttpStatus.NOT_FOUND,
  [SubscriptionErrorCode.NOT_SLICEABLE]: HttpStatus.UNPROCESSABLE_ENTITY,
  [SubscriptionErrorCode.INVALID_PERIOD]: HttpStatus.BAD_REQUEST,
  [SubscriptionErrorCode.PERIOD_BILLED]: HttpStatus.CONFLICT,
};

export class SubscriptionException extends DomainException<SubscriptionErrorCode> {
  constructor(code: SubscriptionErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
