import { Inject, Injectable } from '@nestjs/common';
import type { PaymentMethod, PaymentMethodHandler } from './payment-method.js';

/** Injection token of every method's handler (payment-methods.ts builds the list). */
export const PAYMENT_METHOD_HANDLERS = 'PAYMENT_METHOD_HANDLERS';

/** The handler of each payment method: what order services talk to instead of branching on the method. */
@Injectable()
export class PaymentMethodRegistry {
  private readonly handlers: ReadonlyMap<PaymentMethod, PaymentMethodHandler>;

  constructor(@Inject(PAYMENT_METHOD_HANDLERS) handlers: PaymentMethodHandler[]) {
    this.handlers = new Map(handlers.map((handler) => [handler.method, handler]));
  }

  /** Every method, in PAYMENT_METHODS order. */
  all(): PaymentMethodHandler[] {
    return [...this.handlers.values()];
  }

  for(method: PaymentMethod): PaymentMethodHandler {
    const handler = this.handlers.get(method);
    if (!handler) throw new Error(`no handler is registered for payment method ${method}`);
    return handler;
  }
}
