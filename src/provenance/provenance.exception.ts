import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';
import { ProvenanceError, ProvenanceErrorCode } from './provenance-error.js';

/** Codes of the provenance services; the pure code's ProvenanceErrorCode values pass through as they are. */
export enum ProvenanceServiceErrorCode {
  ANCHOR_CONFLICT = 'PROVENANCE_ANCHOR_CONFLICT',
  ANCHOR_NOT_FOUND = 'PROVENANCE_ANCHOR_NOT_FOUND',
  ANCHOR_PENDING = 'PROVENANCE_ANCHOR_PENDING',
  CUSTODY_CONFLICT = 'PROVENANCE_CUSTODY_CONFLICT',
}

export type ProvenanceExceptionCode = ProvenanceErrorCode | ProvenanceServiceErrorCode;

const STATUS: Record<ProvenanceExceptionCode, HttpStatus> = {
  [ProvenanceErrorCode.EMPTY_TREE]: HttpStatus.BAD_REQUEST,
  [ProvenanceErrorCode.LEAF_INDEX_OUT_OF_RANGE]: HttpStatus.BAD_REQUEST,
  [ProvenanceErrorCode.INVALID_HEX]: HttpStatus.BAD_REQUEST,
  [ProvenanceErrorCode.INVALID_MANIFEST_ENTRY]: HttpStatus.BAD_REQUEST,
  [ProvenanceErrorCode.INVALID_SPLIT_ROW]: HttpStatus.BAD_REQUEST,
  [ProvenanceErrorCode.INVALID_CUSTODY_ENTRY]: HttpStatus.BAD_REQUEST,
  [ProvenanceErrorCode.NOT_CANONICAL_JSON]: HttpStatus.BAD_REQUEST,
  [ProvenanceErrorCode.INVALID_MEMO]: HttpStatus.BAD_REQUEST,
  [ProvenanceServiceErrorCode.ANCHOR_CONFLICT]: HttpStatus.CONFLICT,
  [ProvenanceServiceErrorCode.ANCHOR_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [ProvenanceServiceErrorCode.ANCHOR_PENDING]: HttpStatus.CONFLICT,
  [ProvenanceServiceErrorCode.CUSTODY_CONFLICT]: HttpStatus.CONFLICT,
};

export class ProvenanceException extends DomainException<ProvenanceExceptionCode> {
  constructor(code: ProvenanceExceptionCode, message: string) {
    super(code, message, STATUS[code]);
  }

  /** Runs pure provenance code, turning its ProvenanceError into this exception (same code, HTTP status). */
  static wrap<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof ProvenanceError) throw new ProvenanceException(error.code, error.message);
      throw error;
    }
  }
}
