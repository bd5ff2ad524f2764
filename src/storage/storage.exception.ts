// From the enum's own module, as in domain.exception.ts: the storage adapters reach the worker threads.
import { HttpStatus } from '@nestjs/common/enums/http-status.enum.js';
import { DomainException } from '../common/errors/domain.exception.js';

export enum StorageErrorCode {
  INVALID_KEY = 'STORAGE_INVALID_KEY',
  INVALID_ARGUMENT = 'STORAGE_INVALID_ARGUMENT',
  KEY_CONFLICT = 'STORAGE_KEY_CONFLICT',
  OBJECT_NOT_FOUND = 'STORAGE_OBJECT_NOT_FOUND',
  OBJECT_TOO_LARGE = 'STORAGE_OBJECT_TOO_LARGE',
  UPLOAD_NOT_FOUND = 'STORAGE_UPLOAD_NOT_FOUND',
  INVALID_PART = 'STORAGE_INVALID_PART',
  PART_TOO_SMALL = 'STORAGE_PART_TOO_SMALL',
  PART_TOO_LARGE = 'STORAGE_PART_TOO_LARGE',
  RANGE_NOT_SATISFIABLE = 'STORAGE_RANGE_NOT_SATISFIABLE',
  URL_INVALID = 'STORAGE_URL_INVALID',
  URL_EXPIRED = 'STORAGE_URL_EXPIRED',
  URL_REVOKED = 'STORAGE_URL_REVOKED',
}

const STATUS: Record<StorageErrorCode, HttpStatus> = {
  [StorageErrorCode.INVALID_KEY]: HttpStatus.BAD_REQUEST,
  [StorageErrorCode.INVALID_ARGUMENT]: HttpStatus.BAD_REQUEST,
  [StorageErrorCode.KEY_CONFLICT]: HttpStatus.CONFLICT,
  [StorageErrorCode.OBJECT_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [StorageErrorCode.OBJECT_TOO_LARGE]: HttpStatus.BAD_REQUEST,
  [StorageErrorCode.UPLOAD_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [StorageErrorCode.INVALID_PART]: HttpStatus.BAD_REQUEST,
  [StorageErrorCode.PART_TOO_SMALL]: HttpStatus.BAD_REQUEST,
  [StorageErrorCode.PART_TOO_LARGE]: HttpStatus.PAYLOAD_TOO_LARGE,
  [StorageErrorCode.RANGE_NOT_SATISFIABLE]: HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
  [StorageErrorCode.URL_INVALID]: HttpStatus.FORBIDDEN,
  [StorageErrorCode.URL_EXPIRED]: HttpStatus.FORBIDDEN,
  [StorageErrorCode.URL_REVOKED]: HttpStatus.FORBIDDEN,
};

export class StorageException extends DomainException<StorageErrorCode> {
  constructor(code: StorageErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
