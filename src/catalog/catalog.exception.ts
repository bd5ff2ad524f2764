import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum CatalogErrorCode {
  DATASET_NOT_FOUND = 'DATASET_NOT_FOUND',
  VERSION_NOT_FOUND = 'DATASET_VERSION_NOT_FOUND',
  FILE_NOT_FOUND = 'DATASET_FILE_NOT_FOUND',
  CAPTURES_UNUSABLE = 'DATASET_CAPTURES_UNUSABLE',
  INVALID_DATASET = 'DATASET_INVALID',
  DECLARATIONS_INCOMPLETE = 'DATASET_DECLARATIONS_INCOMPLETE',
  INVALID_STATE = 'DATASET_INVALID_STATE',
  INVALID_SEARCH = 'DATASET_INVALID_SEARCH',
  INVALID_AREA = 'DATASET_INVALID_AREA',
  UNIT_PRICES_EXCLUSIVE = 'DATASET_UNIT_PRICES_EXCLUSIVE',
}

const STATUS: Record<CatalogErrorCode, HttpStatus> = {
  [CatalogErrorCode.DATASET_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [CatalogErrorCode.VERSION_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [CatalogErrorCode.FILE_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [CatalogErrorCode.CAPTURES_UNUSABLE]: HttpStatus.UNPROCESSABLE_ENTITY,
  [CatalogErrorCode.INVALID_DATASET]: HttpStatus.BAD_REQUEST,
  [CatalogErrorCode.DECLARATIONS_INCOMPLETE]: HttpStatus.UNPROCESSABLE_ENTITY,
  [CatalogErrorCode.INVALID_STATE]: HttpStatus.CONFLICT,
  [CatalogErrorCode.INVALID_SEARCH]: HttpStatus.BAD_REQUEST,
  [CatalogErrorCode.INVALID_AREA]: HttpStatus.BAD_REQUEST,
  [CatalogErrorCode.UNIT_PRICES_EXCLUSIVE]: HttpStatus.BAD_REQUEST,
};

export class CatalogException extends DomainException<CatalogErrorCode> {
  constructor(code: CatalogErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
