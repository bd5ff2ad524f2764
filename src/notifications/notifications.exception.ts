import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum NotificationsErrorCode {
  WEBHOOK_NOT_FOUND = 'NOTIFICATIONS_WEBHOOK_NOT_FOUND',
  WEBHOOK_URL_REFUSED = 'NOTIFICATIONS_WEBHOOK_URL_REFUSED',
  WEBHOOK_LIMIT_REACHED = 'NOTIFICATIONS_WEBHOOK_LIMIT_REACHED',
  ORGANISATION_NOT_MANAGED = 'NOTIFICATIONS_ORGANISATION_NOT_MANAGED',
}

const STATUS: Record<NotificationsErrorCode, HttpStatus> = {
  [NotificationsErrorCode.WEBHOOK_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [NotificationsErrorCode.WEBHOOK_URL_REFUSED]: HttpStatus.UNPROCESSABLE_ENTITY,
  [NotificationsErrorCode.WEBHOOK_LIMIT_REACHED]: HttpStatus.CONFLICT,
  [NotificationsErrorCode.ORGANISATION_NOT_MANAGED]: HttpStatus.NOT_FOUND,
};

export class NotificationsException extends DomainException<NotificationsErrorCode> {
  constructor(code: NotificationsErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
