import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum QuoteErrorCode {
  QUOTE_NOT_FOUND = 'QUOTE_NOT_FOUND',
  DATASET_NOT_LISTED = 'QUOTE_DATASET_NOT_LISTED',
  INVALID_WINDOW = 'QUOTE_INVALID_WINDOW',
  EMPTY_SLICE = 'QUOTE_EMPTY_SLICE',
  NOT_SLICEABLE = 'QUOTE_NOT_SLICEABLE',
  EXCLUSIVE_WHOLE_ONLY = 'QUOTE_EXCLUSIVE_WHOLE_ONLY',
  UNIT_NOT_PRICED = 'QUOTE_UNIT_NOT_PRICED',
  EXPIRED = 'QUOTE_EXPIRED',
  STALE = 'QUOTE_STALE',
}

const STATUS: Record<QuoteErrorCode, HttpStatus> = {
  [QuoteErrorCode.QUOTE_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [QuoteErrorCode.DATASET_NOT_LISTED]: HttpStatus.NOT_FOUND,
  [QuoteErrorCode.INVALID_WINDOW]: HttpStatus.BAD_REQUEST,
  [QuoteErrorCode.EMPTY_SLICE]: HttpStatus.UNPROCESSABLE_ENTITY,
  [QuoteErrorCode.NOT_SLICEABLE]: HttpStatus.UNPROCESSABLE_ENTITY,
  [QuoteErrorCode.EXCLUSIVE_WHOLE_ONLY]: HttpStatus.UNPROCESSABLE_ENTITY,
  [QuoteErrorCode.UNIT_NOT_PRICED]: HttpStatus.UNPROCESSABLE_ENTITY,
  [QuoteErrorCode.EXPIRED]: HttpStatus.GONE,
  [QuoteErrorCode.STALE]: HttpStatus.CONFLICT,
};

export class QuoteException extends DomainException<QuoteErrorCode> {
  constructor(code: QuoteErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
