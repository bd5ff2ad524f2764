import type { Provider, Type } from '@nestjs/common';
import type { PaymentMethodHandler } from './payment-method.js';
import { PAYMENT_METHOD_HANDLERS, PaymentMethodRegistry } from './payment-method.registry.js';
import { solanaPayMethod } from './solana-pay/solana-pay.method.js';
import { stripeCheckoutMethod } from './stripe/stripe-checkout.method.js';

/** What one method's folder adds to the checkout module: its handler, and the routes, services and tables only it needs. */
export interface PaymentMethodFolder {
  handler: Type<PaymentMethodHandler>;
  controllers: Type[];
  providers: Provider[];
  entities: Type[];
}

/** Every payment method the marketplace takes, registered here and nowhere else. */
export const PAYMENT_METHOD_FOLDERS: readonly PaymentMethodFolder[] = [stripeCheckoutMethod, solanaPayMethod];

export const PAYMENT_METHOD_PROVIDERS: Provider[] = [
  ...PAYMENT_METHOD_FOLDERS.flatMap((folder) => [folder.handler, ...folder.providers]),
  {
    provide: PAYMENT_METHOD_HANDLERS,
    inject: PAYMENT_METHOD_FOLDERS.map((folder) => folder.handler),
    useFactory: (...handlers: PaymentMethodHandler[]) => handlers,
  },
  PaymentMethodRegistry,
];

export const PAYMENT_METHOD_CONTROLLERS: Type[] = PAYMENT_METHOD_FOLDERS.flatMap((folder) => folder.controllers);

export const PAYMENT_METHOD_ENTITIES: Type[] = PAYMENT_METHOD_FOLDERS.flatMap((folder) => folder.entities);
