import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum ChainErrorCode {
  INVALID_ARGUMENT = 'CHAIN_INVALID_ARGUMENT',
  TRANSACTION_FAILED = 'CHAIN_TRANSACTION_FAILED',
  INVALID_PAYMENT_REQUEST = 'CHAIN_INVALID_PAYMENT_REQUEST',
  LEDGER_STATE_INVALID = 'CHAIN_LEDGER_STATE_INVALID',
  LEDGER_UNAVAILABLE = 'CHAIN_LEDGER_UNAVAILABLE',
  MEMO_NOT_FOUND = 'CHAIN_MEMO_NOT_FOUND',
  DEV_WALLET_UNAVAILABLE = 'CHAIN_DEV_WALLET_UNAVAILABLE',
}

const STATUS: Record<ChainErrorCode, HttpStatus> = {
  [ChainErrorCode.INVALID_ARGUMENT]: HttpStatus.BAD_REQUEST,
  [ChainErrorCode.TRANSACTION_FAILED]: HttpStatus.BAD_GATEWAY,
  [ChainErrorCode.INVALID_PAYMENT_REQUEST]: HttpStatus.BAD_REQUEST,
  [ChainErrorCode.LEDGER_STATE_INVALID]: HttpStatus.INTERNAL_SERVER_ERROR,
  [ChainErrorCode.LEDGER_UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [ChainErrorCode.MEMO_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ChainErrorCode.DEV_WALLET_UNAVAILABLE]: HttpStatus.NOT_FOUND,
};

/** How long a client is told to wait (Retry-After) before asking again while the ledger does not answer. */
export const LEDGER_RETRY_AFTER_SECONDS = 5;

export class ChainException extends DomainException<ChainErrorCode> {
  constructor(code: ChainErrorCode, message: string) {
    super(code, message, STATUS[code], undefined, code === ChainErrorCode.LEDGER_UNAVAILABLE ? LEDGER_RETRY_AFTER_SECONDS : undefined);
  }
}
