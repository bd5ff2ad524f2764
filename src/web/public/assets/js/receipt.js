// @ts-check
// A printable receipt of a paid order: who bought what, the amounts in the order's currency (USD cents or USDC base
// units, shown exactly), the method and the transaction that paid, the tax note, and every refund with its transaction.
import { ApiError, api, session } from './api.js';
import {
  ORDER_STATUS_BADGE,
  dataTable,
  errorBox,
  formatDate,
  formatMoney,
  formatUsd,
  h,
  mount,
  on,
  signInPanel,
  sliceSummary,
  startPage,
  tableRow,
} from './ui.js';
/** @import { Checkout, Order, Receipt } from '../../types/api' */

const { app, heading } = startPage();
const orderId = location.pathname.split('/').filter(Boolean)[1];
const LINE_COLUMNS = ['Item', 'Licence', 'Amount'];
const REFUND_COLUMNS = ['Date', 'Amount', 'State', 'Reason', 'Transaction'];

/** @param {Receipt} receipt */
function receiptView(receipt) {
  const money = (/** @type {{ minor: number, currency: string }} */ m) => formatMoney(m.minor, m.currency);
  const usdNote = receipt.total.currency === 'USDC' ? ` (list price ${formatUsd(receipt.priceUsdCents)})` : '';
  const lines = dataTable(
    'Items',
    LINE_COLUMNS,
    receipt.lines.map((line) =>
      tableRow(LINE_COLUMNS, [
        [
          h('a', { href: `/datasets/${line.datasetId}` }, line.description),
          line.slice ? h('div', { className: 'hint' }, `Slice: ${sliceSummary(line.slice)}`) : null,
        ],
        `${line.licenceName}${line.exclusive ? ' (exclusive)' : ''}`,
        money(line.amount),
      ]),
    ),
    'receipt-lines',
  );
  return h(
    'article',
    { className: 'card receipt', 'aria-labelledby': 'receipt-heading' },
    h(
      'header',
      { className: 'receipt-head' },
      h('h2', { id: 'receipt-heading' }, `Receipt ${receipt.number}`),
      h('p', {}, h('span', { className: `badge ${ORDER_STATUS_BADGE[receipt.status]}` }, receipt.status)),
    ),
    h(
      'dl',
      { className: 'facts' },
      h('dt', {}, 'Order'),
      h('dd', {}, h('a', { href: `/orders/${receipt.orderId}` }, receipt.orderId)),
      h('dt', {}, 'Ordered'),
      h('dd', {}, formatDate(receipt.orderedAt)),
      h('dt', {}, 'Paid'),
      h('dd', {}, formatDate(receipt.paidAt)),
      h('dt', {}, 'Billed to'),
      h('dd', {}, receipt.buyer.email ?? receipt.buyer.wallet ?? '—'),
      receipt.buyer.organisationName ? [h('dt', {}, 'Licensee'), h('dd', {}, receipt.buyer.organisationName)] : null,
    ),
    lines,
    h(
      'dl',
      { className: 'facts totals' },
      h('dt', {}, 'Tax'),
      h('dd', {}, money(receipt.tax)),
      h('dt', {}, 'Total'),
      h('dd', { className: 'total' }, h('strong', {}, money(receipt.total)), usdNote),
    ),
    h('p', { className: 'tax-note' }, receipt.taxNote),
    h(
      'dl',
      { className: 'facts' },
      h('dt', {}, 'Paid by'),
      h('dd', {}, receipt.paymentMethodLabel),
      h('dt', {}, receipt.paymentMethod === 'card' ? 'Card payment' : 'Transaction'),
      h('dd', {}, h('code', { className: 'reference' }, receipt.paymentReference)),
    ),
    receipt.refunds.length === 0
      ? null
      : h(
          'section',
          { 'aria-labelledby': 'refunds-heading' },
          h('h3', { id: 'refunds-heading' }, 'Refunds'),
          dataTable(
            'Refunds',
            REFUND_COLUMNS,
            receipt.refunds.map((refund) =>
              tableRow(REFUND_COLUMNS, [
                formatDate(refund.at),
                money(refund.amount),
                refund.status,
                refund.reason,
                refund.reference ? h('code', { className: 'reference' }, refund.reference) : 'not sent yet',
              ]),
            ),
            'receipt-refunds',
          ),
          h(
            'dl',
            { className: 'facts totals' },
            h('dt', {}, 'Refunded'),
            h('dd', {}, money(receipt.refunded)),
            h('dt', {}, 'Net paid'),
            h('dd', { className: 'net' }, h('strong', {}, money(receipt.netPaid))),
          ),
        ),
    h('p', { className: 'hint' }, 'Amounts are exact: USD to the cent, USDC to the base unit (0.000001 USDC).'),
  );
}

const TOGETHER_COLUMNS = ['Item', 'Licence', 'Amount', 'Receipt'];

/**
 * Every line of the payment this order was part of (a cart checkout), each with its own receipt; null for an order
 * paid on its own.
 * @param {string} orderId
 */
async function paidTogether(orderId) {
  /** @type {Order} */
  const order = await api(`/v1/orders/${orderId}`);
  if (!order.checkoutId) return null;
  /** @type {Checkout} */
  const checkout = await api(`/v1/checkouts/${order.checkoutId}`);
  return h(
    'section',
    { className: 'receipt-together', 'aria-labelledby': 'together-heading' },
    h('h2', { id: 'together-heading' }, `Paid in one payment of ${formatMoney(checkout.amount.minor, checkout.amount.currency)}`),
    dataTable(
      'Every line of the payment',
      TOGETHER_COLUMNS,
      checkout.orders.map((line) =>
        tableRow(TOGETHER_COLUMNS, [
          `${line.datasetTitle} (version ${line.version})${line.slice ? `, slice: ${sliceSummary(line.slice)}` : ''}`,
          line.licence.name,
          [formatMoney(line.amount.minor, line.amount.currency), line.status === 'refunded' ? ' (refunded)' : ''],
          line.id === orderId ? 'This receipt' : h('a', { href: `/orders/${line.id}/receipt` }, 'Receipt'),
        ]),
      ),
      'receipt-lines',
    ),
  );
}

async function show() {
  if (!session.user) {
    mount(app, signInPanel({ roles: ['buyer'], title: 'Sign in to see this receipt', onSignedIn: () => void show() }));
    return;
  }
  try {
    /** @type {Receipt} */
    const receipt = await api(`/v1/orders/${orderId}/receipt`);
    heading.textContent = `Receipt for ${receipt.lines[0]?.description ?? 'your order'}`;
    document.title = `Receipt ${receipt.number}`;
    const print = on(h('button', { type: 'button', className: 'no-print' }, 'Print or save as PDF'), 'click', () => {
      window.print();
    });
    mount(
      app,
      h('p', { className: 'no-print' }, print, ' ', h('a', { href: '/account' }, 'Back to your account')),
      receiptView(receipt),
      await paidTogether(orderId).catch((/** @type {unknown} */ error) => errorBox(error)),
    );
  } catch (error) {
    mount(
      app,
      error instanceof ApiError && error.status === 404 ? errorBox('No such order among yours.') : errorBox(error),
      h('p', {}, h('a', { href: '/account' }, 'Your orders')),
    );
  }
}

window.addEventListener('session-changed', () => void show());
void show();
