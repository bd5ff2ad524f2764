import { QuoteErrorCode, QuoteException } from '../../quotes/quote.exception.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';

/** The errors /docs shows for both ways to buy (POST /v1/orders and the cart), worded as the checkout services word them. */
export const EXAMPLE_IDS = {
  dataset: '7d4e2a1c-3b5f-4e8a-9c6d-1f2e3a4b5c6d',
  order: '6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d',
  organisation: '3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f',
  quote: '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  checkout: '2e4f6a8c-1b3d-4f5a-9c7e-0d2b4f6a8c1e',
  transaction: '5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW',
};
const { dataset, order, organisation, quote } = EXAMPLE_IDS;

export const CHECKOUT_ERRORS = {
  cannotBuyForOrganisation: new CheckoutException(
    CheckoutErrorCode.ORGANISATION_CANNOT_BUY,
    'Only owners and admins of organisation Acme Robotics can order for it; you are a member',
  ),
  noOrganisation: new CheckoutException(CheckoutErrorCode.ORGANISATION_NOT_FOUND, `No organisation ${organisation} among yours`),
  notForSale: new CheckoutException(CheckoutErrorCode.DATASET_NOT_FOR_SALE, `Dataset ${dataset} (version 2) is not for sale`),
  noQuote: new QuoteException(QuoteErrorCode.QUOTE_NOT_FOUND, `No quote ${quote} among yours`),
  alreadyOrdered: new CheckoutException(
    CheckoutErrorCode.ALREADY_ORDERED,
    `You already hold order ${order} (paid) of version 2 of this dataset; send allowRepeat: true to order it again`,
    { orderId: order, status: 'paid' },
  ),
  exclusiveSold: new CheckoutException(
    CheckoutErrorCode.EXCLUSIVE_SOLD,
    `Version 2 of dataset ${dataset} holds files whose exclusive licence is already sold to another buyer`,
  ),
  quoteExpired: new QuoteException(QuoteErrorCode.EXPIRED, `Quote ${quote} expired at 2026-12-03T09:10:00.000Z: ask for a new one`),
  quoteMismatch: new CheckoutException(
    CheckoutErrorCode.QUOTE_MISMATCH,
    `Quote ${quote} is for version 1 of dataset ${dataset}, not the dataset and version this order names`,
  ),
  methodUnavailable: new CheckoutException(
    CheckoutErrorCode.PAYMENT_METHOD_UNAVAILABLE,
    'Card (Stripe Checkout) is not available on this marketplace; pay with solana (USDC (Solana Pay)) instead',
  ),
};
