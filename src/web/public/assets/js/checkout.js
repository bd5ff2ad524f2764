// Checkout: card → Stripe's hosted page; USDC → Solana Pay QR and URL, watched until the payment lands or the order expires.
import { api, ApiError } from './api.js';
import { actionButton, busy, errorBox, formatDate, formatUsdc, h, mount, navigate, on, statusLine } from './ui.js';
/** @import { Cart, Checkout, DevPayment, Order, OrderStatus, SolanaPay } from '../../types/api' */

/**
 * Where a payment stands, as the Solana Pay panel reads it: an order's, or a cart checkout's (its orders together).
 * @typedef {{ status: OrderStatus, statusReason: string | null, lastPaymentError: string | null }} PayState
 */

/**
 * What the Solana Pay panel waits on: one order, or a cart checkout's orders paid by one transfer.
 * @typedef {object} Payable
 * @property {string} what how the page names it ("order", "checkout")
 * @property {number} amountMinor
 * @property {string} expiresAt
 * @property {string} page where the buyer goes once it is paid (and the panel links to)
 * @property {() => Promise<PayState>} look the current state
 * @property {(signature: string) => Promise<PayState>} confirm asks the server to look for this transaction now
 */

const PAID = new Set(['paid', 'fulfilled']);
const FINAL = new Set(['paid', 'fulfilled', 'cancelled', 'refunded']);
const POLL_MS = 1500;

/**
 * Orders the dataset and takes the buyer to the payment: Stripe's page, or the Solana Pay panel in `out`. `allowRepeat`:
 * the buyer confirmed buying a version they already hold an order of (the API refuses it otherwise). `quoteId`: buy
 * exactly what that quote priced (a slice), at its price.
 * @param {{ button: HTMLButtonElement, out: HTMLElement, datasetId: string, version: number, method: 'card' | 'solana', allowRepeat?: boolean, quoteId?: string }} options
 */
export async function startCheckout({ button, out, datasetId, version, method, allowRepeat = false, quoteId }) {
  await busy(button, async () => {
    /** @type {Order} */
    const order = await api('/v1/orders', {
      method: 'POST',
      body: { datasetId, version, paymentMethod: method, ...(allowRepeat ? { allowRepeat } : {}), ...(quoteId ? { quoteId } : {}) },
    });
    if (order.stripe) {
      mount(out, statusLine('Opening Stripe Checkout…'));
      navigate(order.stripe.checkoutUrl);
      return;
    }
    if (!order.solanaPay) throw new Error(`order ${order.id} came without payment instructions`);
    button.closest('form')?.setAttribute('hidden', '');
    solanaPanel(out, orderPayable(order), order.solanaPay);
  });
}

/** @param {Order} order @returns {Payable} */
function orderPayable(order) {
  return {
    what: 'order',
    amountMinor: order.amount.minor,
    expiresAt: order.expiresAt,
    page: `/orders/${order.id}`,
    look: () => api(`/v1/orders/${order.id}`),
    confirm: (signature) => api(`/v1/orders/${order.id}/confirm-solana`, { method: 'POST', body: { signature } }),
  };
}

/**
 * A cart checkout's state: paid once any order of it is (a line no longer available is refunded, the others paid),
 * expired when every order is; its first order's page lists every line.
 * @param {Checkout} checkout
 * @returns {PayState}
 */
export function checkoutState(checkout) {
  const paid = checkout.orders.some((order) => PAID.has(order.status));
  const status = paid ? 'paid' : checkout.orders.every((order) => order.status === 'expired') ? 'expired' : 'pending';
  return { status, statusReason: null, lastPaymentError: checkout.orders.find((order) => order.lastPaymentError)?.lastPaymentError ?? null };
}

/**
 * Checks the cart out: one order per line and one payment for the sum; card goes to Stripe's page, USDC shows the
 * Solana Pay panel for the checkout in `out`.
 * `onPlaced` sees the checkout once its orders exist (the cart is empty from then on).
 * @param {{ button: HTMLButtonElement, out: HTMLElement, method: 'card' | 'solana', onPlaced: (checkout: Checkout) => void }} options
 */
export async function startCartCheckout({ button, out, method, onPlaced }) {
  await busy(button, async () => {
    /** @type {Checkout} */
    const checkout = await api('/v1/cart/checkout', { method: 'POST', body: { paymentMethod: method } });
    cartChanged();
    onPlaced(checkout);
    if (checkout.stripe) {
      mount(out, statusLine('Opening Stripe Checkout…'));
      navigate(checkout.stripe.checkoutUrl);
      return;
    }
    if (!checkout.solanaPay) throw new Error(`checkout ${checkout.id} came without payment instructions`);
    button.closest('form')?.setAttribute('hidden', '');
    /** @param {Checkout} current */
    const state = (current) => checkoutState(current);
    solanaPanel(
      out,
      {
        what: 'checkout',
        amountMinor: checkout.amount.minor,
        expiresAt: checkout.expiresAt,
        page: `/orders/${checkout.orders[0].id}`,
        look: async () => state(await api(`/v1/checkouts/${checkout.id}`)),
        confirm: async (signature) => state(await api(`/v1/checkouts/${checkout.id}/confirm-solana`, { method: 'POST', body: { signature } })),
      },
      checkout.solanaPay,
    );
  });
}

/** Tells the header (and any open cart view) that the cart changed. */
export function cartChanged() {
  window.dispatchEvent(new Event('cart-changed'));
}

/**
 * Puts the dataset version (or the slice a quote priced) in the cart and says so in `out`, with a link to the cart. A
 * version the buyer already holds an order of is refused (CHECKOUT_ALREADY_ORDERED) unless `allowRepeat`: then `out`
 * asks first, as buying it on its own does, and adds it again only on "Yes".
 * @param {{ button: HTMLButtonElement, out: HTMLElement, datasetId: string, version: number, quoteId?: string, allowRepeat?: boolean }} options
 */
export async function addToCart(options) {
  const { button, out, datasetId, version, quoteId, allowRepeat = false } = options;
  await busy(button, async () => {
    /** @type {Cart} */
    let cart;
    try {
      cart = await api('/v1/cart/lines', {
        method: 'POST',
        body: { datasetId, version, ...(quoteId ? { quoteId } : {}), ...(allowRepeat ? { allowRepeat } : {}) },
      });
    } catch (error) {
      if (allowRepeat || !(error instanceof ApiError) || error.code !== 'CHECKOUT_ALREADY_ORDERED') throw error;
      mount(out, repeatQuestion(error, options));
      return;
    }
    cartChanged();
    const lines = cart.lines.length;
    mount(
      out,
      h(
        'p',
        { className: 'status', role: 'status' },
        `Added to your cart (${lines} line${lines === 1 ? '' : 's'}). `,
        h('a', { href: '/cart' }, 'View cart'),
      ),
    );
  });
}

/**
 * "You already own this version. Buy it again?" (or "... an order waiting for payment"), naming the order the API found;
 * "Yes" adds the line again with allowRepeat, "Cancel" leaves the cart as it is.
 * @param {ApiError} refusal
 * @param {Parameters<typeof addToCart>[0]} options
 */
function repeatQuestion(refusal, options) {
  const details = /** @type {{ details?: { orderId?: string, status?: string } }} */ (refusal.body).details ?? {};
  const owned = details.status !== 'pending';
  const yes = h('button', { type: 'button' }, 'Yes, add it to the cart again');
  return h(
    'div',
    { className: 'confirm-repeat', role: 'group', 'aria-label': 'Confirm adding to the cart again' },
    h(
      'p',
      {},
      owned ? 'You already own this version' : 'You already have an order of this version waiting for payment',
      details.orderId ? [' (', h('a', { href: `/orders/${details.orderId}` }, 'see the order'), ')'] : null,
      '. Buy it again, as a separate licence?',
    ),
    h(
      'div',
      { className: 'actions' },
      on(yes, 'click', () => void addToCart({ ...options, button: yes, allowRepeat: true })),
      on(h('button', { type: 'button', className: 'secondary' }, 'Cancel'), 'click', () => {
        mount(options.out);
        options.button.focus();
      }),
    ),
  );
}

/**
 * The Solana Pay request and a live status line; confirm-solana asks the API to look for the payment by reference.
 * @param {HTMLElement} out
 * @param {Payable} payable
 * @param {SolanaPay} pay
 */
function solanaPanel(out, payable, pay) {
  const status = statusLine(`Waiting for ${formatUsdc(payable.amountMinor)}… (${payable.what} pending)`);
  const url = h('input', { type: 'text', readonly: true, value: pay.url, className: 'mono', 'aria-label': 'Solana Pay URL' });
  const copy = h('button', { type: 'button', className: 'secondary' }, 'Copy payment URL');
  on(copy, 'click', () => {
    navigator.clipboard.writeText(pay.url).then(
      () => {
        copy.textContent = 'Copied';
      },
      () => {
        url.select();
        copy.textContent = 'Press Ctrl+C to copy';
      },
    );
  });
  let stopped = false;
  const expiresAt = Date.parse(payable.expiresAt);
  // Not a live region: a screen reader would read it every second. The status line announces what changes.
  const countdown = h('p', { className: 'countdown' });
  /** Stops waiting: the order's time is up without a payment (the server expires it at expiresAt too). */
  const expire = () => {
    stopped = true;
    countdown.textContent = '';
    demo.hidden = true;
    out.querySelector(':scope .qr')?.setAttribute('hidden', '');
    status.textContent = `This payment request expired at ${formatDate(payable.expiresAt)} without a payment. A payment sent later is still found and then honoured or refunded: see the order page. To buy now, order again.`;
    // The buy form (hidden while this request was open) comes back for that.
    out.parentElement?.querySelector(':scope > form[hidden]')?.removeAttribute('hidden');
  };
  const tick = () => {
    if (stopped || !out.isConnected) return;
    const left = expiresAt - Date.now();
    if (left <= 0) {
      expire();
      return;
    }
    countdown.textContent = `Waiting for your payment: ${clock(left)} left to pay.`;
    setTimeout(tick, 1000);
  };
  /** @param {PayState} current */
  const settle = (current) => {
    // A poll still in flight when the demo wallet's confirmation settled the order answers too: opening the order page a
    // second time would abort the first navigation.
    if (stopped) return;
    status.textContent = `${payable.what === 'order' ? 'Order' : 'Checkout'} ${current.status}${current.statusReason ? `: ${current.statusReason}` : ''}${current.lastPaymentError ? ` (${current.lastPaymentError})` : ''}`;
    if (current.status === 'pending') return;
    if (PAID.has(current.status)) {
      stopped = true;
      status.textContent = 'Paid. Opening your order…';
      navigate(payable.page);
    } else if (current.status === 'expired') expire();
    else if (FINAL.has(current.status)) {
      stopped = true;
      countdown.textContent = '';
    }
  };
  const demo = actionButton('Pay with the demo wallet', async () => {
    try {
      /** @type {DevPayment} */
      const { signature } = await api('/v1/dev/solana/pay', { method: 'POST', body: { url: pay.url } });
      status.textContent = 'Payment sent; confirming…';
      settle(await payable.confirm(signature));
    } catch (error) {
      // 404: a real cluster is configured, so there is no demo wallet.
      if (error instanceof ApiError && error.status === 404) demo.hidden = true;
      throw error;
    }
  });
  mount(
    out,
    h(
      'div',
      { className: 'solana-pay' },
      h('h3', {}, 'Pay in USDC with Solana Pay'),
      h('p', {}, 'Scan the code with a Solana wallet, or open the URL in one. This page updates by itself when the payment arrives.'),
      h('div', { className: 'qr' }, h('img', { src: pay.qrCode, alt: `Solana Pay QR code for this ${payable.what}` })),
      h('div', { className: 'field' }, url),
      h('div', { className: 'actions' }, copy, demo, h('a', { href: payable.page }, 'Order page')),
      countdown,
      status,
    ),
  );
  // Polls the order itself (200 whatever its state): the server's watcher finds the transfer by its reference. The
  // confirm-solana route answers 409 until a payment exists, which would log an error every round.
  const poll = async () => {
    if (stopped || !out.isConnected) return;
    try {
      settle(await payable.look());
      out.querySelector(':scope .poll-error')?.remove();
    } catch (error) {
      out.querySelector(':scope .poll-error')?.remove();
      out.append(h('div', { className: 'poll-error' }, errorBox(error)));
    }
    // The next round stops at once when this one settled the order.
    setTimeout(() => void poll(), POLL_MS);
  };
  setTimeout(() => void poll(), POLL_MS);
  tick();
}

/** @param {number} ms time left, as m:ss (or h:mm:ss) */
function clock(ms) {
  const seconds = Math.ceil(ms / 1000);
  const [h_, m, s] = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60];
  const pad = (/** @type {number} */ n) => n.toString().padStart(2, '0');
  return h_ > 0 ? `${h_.toString()}:${pad(m)}:${pad(s)}` : `${m.toString()}:${pad(s)}`;
}
