import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum IngestionErrorCode {
  CAPTURE_NOT_FOUND = 'CAPTURE_NOT_FOUND',
  CAPTURE_NOT_UPLOADING = 'CAPTURE_NOT_UPLOADING',
  PREVIEW_NOT_FOUND = 'CAPTURE_PREVIEW_NOT_FOUND',
  UPLOAD_INCOMPLETE = 'CAPTURE_UPLOAD_INCOMPLETE',
  DEVICE_SIGNATURE_INVALID = 'CAPTURE_DEVICE_SIGNATURE_INVALID',
  NETWORK_NOT_FOUND = 'NETWORK_NOT_FOUND',
  NETWORK_EXISTS = 'NETWORK_EXISTS',
  NETWORK_SIGNATURE_INVALID = 'NETWORK_SIGNATURE_INVALID',
  INVALID_PUBLIC_KEY = 'NETWORK_INVALID_PUBLIC_KEY',
  STAGING_PREFIX_RESERVED = 'NETWORK_STAGING_PREFIX_RESERVED',
}

const STATUS: Record<IngestionErrorCode, HttpStatus> = {
  [IngestionErrorCode.CAPTURE_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [IngestionErrorCode.CAPTURE_NOT_UPLOADING]: HttpStatus.CONFLICT,
  [IngestionErrorCode.PREVIEW_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [IngestionErrorCode.UPLOAD_INCOMPLETE]: HttpStatus.BAD_REQUEST,
  [IngestionErrorCode.DEVICE_SIGNATURE_INVALID]: HttpStatus.BAD_REQUEST,
  [IngestionErrorCode.NETWORK_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [IngestionErrorCode.NETWORK_EXISTS]: HttpStatus.CONFLICT,
  [IngestionErrorCode.NETWORK_SIGNATURE_INVALID]: HttpStatus.UNAUTHORIZED,
  [IngestionErrorCode.INVALID_PUBLIC_KEY]: HttpStatus.BAD_REQUEST,
  [IngestionErrorCode.STAGING_PREFIX_RESERVED]: HttpStatus.BAD_REQUEST,
};

export class IngestionException extends DomainException<IngestionErrorCode> {
  constructor(code: IngestionErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
