// The cart: whole datasets and quoted slices from any sellers, each line as it would be bought now, paid once by card
// or USDC (one order per line). After Stripe's page the buyer comes back here with the checkout's id.
import { api, session } from './api.js';
import { cartChanged, checkoutState, startCartCheckout } from './checkout.js';
import {
  ORDER_STATUS_BADGE,
  actionButton,
  dataTable,
  errorBox,
  formatDate,
  formatMoney,
  formatUsd,
  h,
  mount,
  signInPanel,
  sliceSummary,
  startPage,
  tableRow,
} from './ui.js';
/** @import { Cart, CartLine, Checkout, PaymentMethodInfo } from '../../types/api' */

const { app } = startPage();
const COLUMNS = ['Dataset', 'Version', 'Licence', 'What', 'Price', ''];
const CHECKOUT_COLUMNS = ['Dataset', 'Version', 'Licence', 'What', 'Amount', 'Status'];

/**
 * One line: what it buys, its price, why it cannot be bought now (if so), and Remove.
 * @param {CartLine} line
 * @param {() => Promise<void>} redraw
 */
function lineRow(line, redraw) {
  const what = line.quote
    ? [
        h('span', {}, `Slice: ${sliceSummary(line.quote)}`),
        h('br', {}),
        h('span', { className: 'hint' }, line.quote.expired ? 'Quote expired' : `Quote valid until ${formatDate(line.quote.expiresAt)}`),
      ]
    : 'Whole dataset';
  return tableRow(
    COLUMNS,
    [
      [
        h('a', { href: `/datasets/${line.datasetId}` }, line.datasetTitle || 'Dataset no longer listed'),
        line.allowRepeat ? h('p', { className: 'hint' }, 'Bought again: you already held an order of this version') : null,
        line.problem ? h('p', { className: 'error' }, line.problem) : null,
      ],
      `v${line.version}`,
      line.licence ? [line.licence.name, line.exclusive ? h('span', { className: 'badge warn' }, 'exclusive') : null] : '',
      what,
      formatUsd(line.priceUsdCents),
      actionButton(
        'Remove',
        async () => {
          await api(`/v1/cart/lines/${line.id}`, { method: 'DELETE' });
          cartChanged();
          await redraw();
        },
        { className: 'secondary', 'aria-label': `Remove ${line.datasetTitle} from the cart` },
      ),
    ],
    { className: line.problem ? 'problem' : '' },
  );
}

/**
 * What a checkout bought, line by line (the page a card buyer comes back to from Stripe).
 * @param {Checkout} checkout
 */
function checkoutSection(checkout) {
  const state = checkoutState(checkout);
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'checkout-heading' },
    h('h2', { id: 'checkout-heading' }, `Checkout of ${checkout.orders.length} line${checkout.orders.length === 1 ? '' : 's'}`),
    h('p', { className: 'status', role: 'status' }, state.status === 'paid' ? 'Paid.' : 'Waiting for the payment to be confirmed…'),
    dataTable(
      'The orders of this checkout',
      CHECKOUT_COLUMNS,
      checkout.orders.map((order) =>
        tableRow(CHECKOUT_COLUMNS, [
          h('a', { href: `/orders/${order.id}` }, order.datasetTitle),
          `v${order.version}`,
          order.licence.name,
          order.slice ? `Slice: ${sliceSummary(order.slice)}` : 'Whole dataset',
          formatMoney(order.amount.minor, order.amount.currency),
          h('span', { className: `badge ${ORDER_STATUS_BADGE[order.status]}` }, order.status),
        ]),
      ),
    ),
    h('p', {}, `Total ${formatMoney(checkout.amount.minor, checkout.amount.currency)}`),
  );
}

async function render() {
  if (!session.user) {
    mount(app, h('p', {}, 'Sign in as a buyer to see your cart.'), signInPanel({ roles: ['buyer'], title: 'Sign in' }));
    return;
  }
  const params = new URLSearchParams(location.search);
  const checkoutId = params.get('checkoutId');
  const back =
    checkoutId === null
      ? null
      : params.get('checkout') === 'cancelled'
        ? h('p', { className: 'error', role: 'alert' }, 'Card checkout was cancelled; nothing was charged.')
        : checkoutSection(await api(`/v1/checkouts/${checkoutId}`));
  const [cart, methods] = await Promise.all([
    /** @type {Promise<Cart>} */ (api('/v1/cart')),
    /** @type {Promise<PaymentMethodInfo[]>} */ (api('/v1/payment-methods')),
  ]);
  if (cart.lines.length === 0) {
    mount(app, back, h('section', { className: 'card' }, h('p', {}, 'Your cart is empty. '), h('p', {}, h('a', { href: '/' }, 'Find datasets'))));
    return;
  }
  const offered = methods.filter((m) => m.available);
  const radios = offered.map((m, i) => h('input', { type: 'radio', name: 'cart-method', value: m.method, checked: i === 0 }));
  const out = h('div', { className: 'checkout-progress' });
  const pay = h('button', { type: 'submit', disabled: !cart.payable }, `Pay ${formatUsd(cart.totalUsdCents)}`);
  const form = h(
    'form',
    { 'aria-label': 'Pay for the cart' },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Pay with'),
      offered.map((m, i) => h('label', { className: 'checkbox' }, radios[i], m.label)),
    ),
    cart.payable ? null : h('p', { className: 'status' }, 'Remove or re-quote the lines marked above before paying.'),
    h('div', { className: 'actions' }, offered.length > 0 ? pay : h('p', { className: 'status' }, 'No payment method is available right now.')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const method = /** @type {'card' | 'solana'} */ (radios.find((r) => r.checked)?.value ?? offered[0].method);
    // The lines are orders now: the cart's table gives way to the checkout's, each order with its status.
    void startCartCheckout({
      button: pay,
      out,
      method,
      onPlaced: (checkout) => {
        linesSection.replaceWith(checkoutSection(checkout));
      },
    });
  });
  const lines = cart.lines.length;
  const linesSection = h(
    'section',
    { className: 'card', 'aria-labelledby': 'lines-heading' },
    h('h2', { id: 'lines-heading' }, `${lines} line${lines === 1 ? '' : 's'}`),
    dataTable(
      'The lines of your cart',
      COLUMNS,
      cart.lines.map((line) => lineRow(line, render)),
    ),
    h('p', { className: 'price big' }, `Total ${formatUsd(cart.totalUsdCents)}`),
    h('p', { className: 'hint' }, 'One payment for every line; each line becomes its own order, with its own licence, files and certificate.'),
  );
  mount(
    app,
    back,
    linesSection,
    h('section', { className: 'card', 'aria-labelledby': 'pay-heading' }, h('h2', { id: 'pay-heading' }, 'Pay'), form, out),
  );
}

/** @param {unknown} error */
const showError = (error) => {
  mount(app, errorBox(error));
};
window.addEventListener('session-changed', () => {
  render().catch(showError);
});
render().catch(showError);
