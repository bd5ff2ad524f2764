import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum ConsentErrorCode {
  REQUEST_NOT_FOUND = 'CONSENT_REQUEST_NOT_FOUND',
  DATASET_NOT_FOUND = 'CONSENT_DATASET_NOT_FOUND',
  REPLAYED_FOR_OTHER_DATASET = 'CONSENT_REPLAYED_FOR_OTHER_DATASET',
  OTHER_CONTRIBUTOR = 'CONSENT_OTHER_CONTRIBUTOR',
  NO_WALLET = 'CONSENT_NO_WALLET',
  OTHER_WALLET = 'CONSENT_OTHER_WALLET',
  BAD_SIGNATURE = 'CONSENT_BAD_SIGNATURE',
  CAPTURE_NOT_OWNED = 'CONSENT_CAPTURE_NOT_OWNED',
  CAPTURES_INCOMPLETE = 'CONSENT_CAPTURES_INCOMPLETE',
  EXPIRED = 'CONSENT_EXPIRED',
  INVALID_GRANT = 'CONSENT_INVALID_GRANT',
  SCOPE_WIDER_THAN_LICENCE = 'CONSENT_SCOPE_WIDER_THAN_LICENCE',
  SCOPE_NARROWER_THAN_LICENCE = 'CONSENT_SCOPE_NARROWER_THAN_LICENCE',
  TERMS_CHANGED = 'CONSENT_TERMS_CHANGED',
  ALREADY_RECORDED = 'CONSENT_ALREADY_RECORDED',
  MISSING = 'CONSENT_MISSING',
  NOTHING_TO_WITHDRAW = 'CONSENT_NOTHING_TO_WITHDRAW',
  /** A takedown names captures the published version does not hold (only an open draft does, or none). */
  CAPTURE_NOT_PUBLISHED = 'CONSENT_CAPTURE_NOT_PUBLISHED',
  ADVANCE_GRANT_NOT_FOUND = 'CONSENT_ADVANCE_GRANT_NOT_FOUND',
  ADVANCE_GRANT_REVOKED = 'CONSENT_ADVANCE_GRANT_REVOKED',
  /** A licence slug no active template has. */
  UNKNOWN_LICENCE = 'CONSENT_UNKNOWN_LICENCE',
  /** An advance grant for a network or curator that does not exist. */
  UNKNOWN_TARGET = 'CONSENT_UNKNOWN_TARGET',
  /** A member grant in a network's batch for another network, or for a curator. */
  OTHER_NETWORK = 'CONSENT_OTHER_NETWORK',
  /** A member grant in a network's batch signed by a wallet that no item of the batch credits and no account has. */
  UNKNOWN_MEMBER = 'CONSENT_UNKNOWN_MEMBER',
  TOO_MANY_ADVANCE_GRANTS = 'CONSENT_TOO_MANY_ADVANCE_GRANTS',
}

const STATUS: Record<ConsentErrorCode, HttpStatus> = {
  [ConsentErrorCode.REQUEST_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ConsentErrorCode.DATASET_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ConsentErrorCode.REPLAYED_FOR_OTHER_DATASET]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.OTHER_CONTRIBUTOR]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.NO_WALLET]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.OTHER_WALLET]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.BAD_SIGNATURE]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.CAPTURE_NOT_OWNED]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.CAPTURES_INCOMPLETE]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.EXPIRED]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.INVALID_GRANT]: HttpStatus.BAD_REQUEST,
  [ConsentErrorCode.SCOPE_WIDER_THAN_LICENCE]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.SCOPE_NARROWER_THAN_LICENCE]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.TERMS_CHANGED]: HttpStatus.CONFLICT,
  [ConsentErrorCode.ALREADY_RECORDED]: HttpStatus.CONFLICT,
  [ConsentErrorCode.MISSING]: HttpStatus.CONFLICT,
  [ConsentErrorCode.NOTHING_TO_WITHDRAW]: HttpStatus.NOT_FOUND,
  [ConsentErrorCode.CAPTURE_NOT_PUBLISHED]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.ADVANCE_GRANT_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ConsentErrorCode.ADVANCE_GRANT_REVOKED]: HttpStatus.CONFLICT,
  [ConsentErrorCode.UNKNOWN_LICENCE]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.UNKNOWN_TARGET]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.OTHER_NETWORK]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.UNKNOWN_MEMBER]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ConsentErrorCode.TOO_MANY_ADVANCE_GRANTS]: HttpStatus.UNPROCESSABLE_ENTITY,
};

export class ConsentException extends DomainException<ConsentErrorCode> {
  constructor(code: ConsentErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, STATUS[code], details);
  }
}
