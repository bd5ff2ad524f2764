import { QuoteErrorCode, QuoteException } from '../../quotes/quote.exception.js';
import { CheckoutErrorCode, CheckoutException } from '../checkout.exception.js';

/** The errors /docs shows for both ways to buy (POST /v1/orders and the cart), worded as the checkout services word them. */
export const EXAMPLE_IDS = {
  dataset: '067e188a-4264-41b0-97a8-ecc3623f344f',
  order: '847b3022-058b-4ffa-8af2-845aacb2f649',
  organisation: '5c9e9f1f-061b-4dd1-b044-98b316cbfa00',
  quote: 'e97843fd-b2c6-4928-af8c-cb10f97868ff',
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
  stripeUnavailable: new CheckoutException(
    CheckoutErrorCode.STRIPE_UNAVAILABLE,
    'Stripe could not open a Checkout Session: An error occurred with our connection to Stripe. Request was retried 2 times.',
  ),
  methodUnavailable: new CheckoutException(
    CheckoutErrorCode.PAYMENT_METHOD_UNAVAILABLE,
    'Card (Stripe Checkout) is not available on this marketplace; pay with solana (USDC (Solana Pay)) instead',
  ),
};
