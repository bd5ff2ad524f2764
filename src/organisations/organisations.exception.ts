import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum OrganisationErrorCode {
  NOT_FOUND = 'ORGANISATION_NOT_FOUND',
  FORBIDDEN = 'ORGANISATION_FORBIDDEN',
  USER_NOT_FOUND = 'ORGANISATION_USER_NOT_FOUND',
  MEMBER_NOT_FOUND = 'ORGANISATION_MEMBER_NOT_FOUND',
  ALREADY_MEMBER = 'ORGANISATION_ALREADY_MEMBER',
  LAST_OWNER = 'ORGANISATION_LAST_OWNER',
}

const STATUS: Record<OrganisationErrorCode, HttpStatus> = {
  [OrganisationErrorCode.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [OrganisationErrorCode.FORBIDDEN]: HttpStatus.FORBIDDEN,
  [OrganisationErrorCode.USER_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [OrganisationErrorCode.MEMBER_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [OrganisationErrorCode.ALREADY_MEMBER]: HttpStatus.CONFLICT,
  [OrganisationErrorCode.LAST_OWNER]: HttpStatus.CONFLICT,
};

export class OrganisationException extends DomainException<OrganisationErrorCode> {
  constructor(code: OrganisationErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
