import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../common/errors/domain.exception.js';

export enum CheckoutErrorCode {
  ORDER_NOT_FOUND = 'ORDER_NOT_FOUND',
  DATASET_NOT_FOR_SALE = 'CHECKOUT_DATASET_NOT_FOR_SALE',
  EXCLUSIVE_SOLD = 'CHECKOUT_EXCLUSIVE_SOLD',
  /** An exclusive licence cannot be granted: some of the version's files were already sold under an ordinary licence. */
  EXCLUSIVE_UNAVAILABLE = 'CHECKOUT_EXCLUSIVE_UNAVAILABLE',
  CARD_NOT_CONFIGURED = 'CHECKOUT_CARD_NOT_CONFIGURED',
  /** The marketplace does not take this payment method now (GET /v1/payment-methods lists what it takes). */
  PAYMENT_METHOD_UNAVAILABLE = 'CHECKOUT_PAYMENT_METHOD_UNAVAILABLE',
  /** The buyer (or organisation) already holds a pending or paid order of this version; allowRepeat says it is meant. */
  ALREADY_ORDERED = 'CHECKOUT_ALREADY_ORDERED',
  STRIPE_UNAVAILABLE = 'CHECKOUT_STRIPE_UNAVAILABLE',
  WRONG_PAYMENT_METHOD = 'CHECKOUT_WRONG_PAYMENT_METHOD',
  ORDER_NOT_PAYABLE = 'CHECKOUT_ORDER_NOT_PAYABLE',
  PAYMENT_NOT_FOUND = 'CHECKOUT_PAYMENT_NOT_FOUND',
  PAYMENT_INVALID = 'CHECKOUT_PAYMENT_INVALID',
  PAYMENT_ALREADY_USED = 'CHECKOUT_PAYMENT_ALREADY_USED',
  ORDER_NOT_PAID = 'CHECKOUT_ORDER_NOT_PAID',
  ENTITLEMENT_REVOKED = 'CHECKOUT_ENTITLEMENT_REVOKED',
  LICENCE_EXPIRED = 'CHECKOUT_LICENCE_EXPIRED',
  NOT_REFUNDABLE = 'CHECKOUT_NOT_REFUNDABLE',
  REFUND_FAILED = 'CHECKOUT_REFUND_FAILED',
  WEBHOOK_SIGNATURE_INVALID = 'CHECKOUT_WEBHOOK_SIGNATURE_INVALID',
  ORGANISATION_NOT_FOUND = 'CHECKOUT_ORGANISATION_NOT_FOUND',
  ORGANISATION_CANNOT_BUY = 'CHECKOUT_ORGANISATION_CANNOT_BUY',
  SEATS_TAKEN = 'CHECKOUT_SEATS_TAKEN',
  /** The quote is of another dataset or version than the order names. */
  QUOTE_MISMATCH = 'CHECKOUT_QUOTE_MISMATCH',
  /** The quote already placed an order (a quote buys once). */
  QUOTE_USED = 'CHECKOUT_QUOTE_USED',
  /** No cart checkout of that id among yours. */
  CHECKOUT_NOT_FOUND = 'CHECKOUT_NOT_FOUND',
  /** No line of that id in your cart. */
  CART_LINE_NOT_FOUND = 'CHECKOUT_CART_LINE_NOT_FOUND',
  /** The cart already holds that version (whole) or that quote. */
  CART_LINE_EXISTS = 'CHECKOUT_CART_LINE_EXISTS',
  /** Checkout of an empty cart. */
  CART_EMPTY = 'CHECKOUT_CART_EMPTY',
  /** The cart holds as many lines as one payment can carry. */
  CART_FULL = 'CHECKOUT_CART_FULL',
  /** A cart line's dataset was taken down, unlisted or replaced between checkout and payment: its share is refunded. */
  LINE_UNAVAILABLE = 'CHECKOUT_LINE_UNAVAILABLE',
  /** Every file the order bought was withdrawn by its contributor, and the licence ends the right to withdrawn files. */
  FILES_WITHDRAWN = 'CHECKOUT_FILES_WITHDRAWN',
}

const STATUS: Record<CheckoutErrorCode, HttpStatus> = {
  [CheckoutErrorCode.ORDER_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [CheckoutErrorCode.DATASET_NOT_FOR_SALE]: HttpStatus.NOT_FOUND,
  [CheckoutErrorCode.EXCLUSIVE_SOLD]: HttpStatus.CONFLICT,
  [CheckoutErrorCode.EXCLUSIVE_UNAVAILABLE]: HttpStatus.CONFLICT,
  [CheckoutErrorCode.CARD_NOT_CONFIGURED]: HttpStatus.SERVICE_UNAVAILABLE,
  [CheckoutErrorCode.PAYMENT_METHOD_UNAVAILABLE]: HttpStatus.UNPROCESSABLE_ENTITY,
  [CheckoutErrorCode.ALREADY_ORDERED]: HttpStatus.CONFLICT,
  [CheckoutErrorCode.STRIPE_UNAVAILABLE]: HttpStatus.BAD_GATEWAY,
  [CheckoutErrorCode.WRONG_PAYMENT_METHOD]: HttpStatus.CONFLICT,
  [CheckoutErrorCode.ORDER_NOT_PAYABLE]: HttpStatus.CONFLICT,
  [CheckoutErrorCode.PAYMENT_NOT_FOUND]: HttpStatus.CONFLICT,
  [CheckoutErrorCode.PAYMENT_INVALID]: HttpStatus.UNPROCESSABLE_ENTITY,
  [CheckoutErrorCode.PAYMENT_ALREADY_USED]: HttpStatus.CONFLICT,
  [CheckoutErrorCode.ORDER_NOT_PAID]: HttpStatus.CONFLICT,
  [CheckoutErrorCode.ENTITLEMENT_REVOKED]: HttpStatus.GONE,
  [CheckoutErrorCode.LICENCE_EXPIRED]: HttpStatus.GONE,
  [CheckoutErrorCode.NOT_REFUNDABLE]: HttpStatus.CONFLICT,
  [CheckoutErrorCode.REFUND_FAILED]: HttpStatus.BAD_GATEWAY,
  [CheckoutErrorCode.WEBHOOK_SIGNATURE_INVALID]: HttpStatus.BAD_REQUEST,
  [CheckoutErrorCode.QUOTE_MISMATCH]: HttpStatus.UNPROCESSABLE_ENTITY,
  [CheckoutErrorCode.QUOTE_USED]: HttpStatus.CONFLICT,
  [CheckoutErrorCode.ORGANISATION_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [CheckoutErrorCode.ORGANISATION_CANNOT_BUY]: HttpStatus.FORBIDDEN,
  [CheckoutErrorCode.SEATS_TAKEN]: HttpStatus.CONFLICT,
  [CheckoutErrorCode.CHECKOUT_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [CheckoutErrorCode.CART_LINE_NOT_FOUND]: HttpStatus.NOT_FOUND,
  [CheckoutErrorCode.CART_LINE_EXISTS]: HttpStatus.CONFLICT,
  [CheckoutErrorCode.CART_EMPTY]: HttpStatus.UNPROCESSABLE_ENTITY,
  [CheckoutErrorCode.CART_FULL]: HttpStatus.UNPROCESSABLE_ENTITY,
  [CheckoutErrorCode.LINE_UNAVAILABLE]: HttpStatus.GONE,
  [CheckoutErrorCode.FILES_WITHDRAWN]: HttpStatus.GONE,
};

export class CheckoutException extends DomainException<CheckoutErrorCode> {
  constructor(code: CheckoutErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, STATUS[code], details);
  }
}
