// @ts-check
// The account page's "Area subscriptions" section (issue 13, part 7): a buyer's subscriptions to the new captures of an
// area, each with its monthly invoices (pay an open one on its checkout page, follow a paid line to its order) and a
// cancel button. Subscribing happens on a dataset page, after a slice quote.
import { api } from './api.js';
import { confirmButton, dataTable, errorBox, formatDate, formatUsd, h, mount, tableRow } from './ui.js';
/** @import { Subscription, SubscriptionInvoice } from '../../types/api' */

const INVOICE_COLUMNS = ['Month', 'Outcome', 'New captures', 'Amount', 'Payment', 'Lines'];
const OUTCOME_WORDS = { invoiced: 'Invoiced', empty: 'Nothing new', over_cap: 'Over your cap: not billed', failed: 'Not placed' };
const PAYMENT_BADGE = { pending: 'warn', paid: 'ok', expired: 'bad' };
const METHOD_WORDS = { card: 'card', solana: 'USDC' };

/**
 * The area in words: a box's corners, a polygon's vertex count, or the number of H3 cells.
 * @param {Subscription['area']} area
 */
function areaWords(area) {
  if (area.bbox) return `Box ${area.bbox.map((v) => v.toFixed(4)).join(', ')} (west, south, east, north)`;
  if (area.cells) return `${area.cells.length} H3 cell${area.cells.length === 1 ? '' : 's'}`;
  return 'A drawn polygon';
}

/**
 * One month's invoice as a table row.
 * @param {SubscriptionInvoice} invoice
 */
function invoiceRow(invoice) {
  const payment =
    invoice.paymentStatus === null
      ? (invoice.reason ?? '')
      : [
          h('span', { className: `badge ${PAYMENT_BADGE[invoice.paymentStatus]}` }, invoice.paymentStatus),
          invoice.paymentStatus === 'pending' && invoice.checkoutId
            ? [
                ' ',
                h('a', { href: `/cart?checkoutId=${invoice.checkoutId}` }, 'Pay'),
                invoice.expiresAt ? ` by ${formatDate(invoice.expiresAt)}` : '',
              ]
            : null,
        ];
  return tableRow(
    INVOICE_COLUMNS,
    [
      invoice.period,
      [OUTCOME_WORDS[invoice.outcome], ...invoice.skipped.map((skip) => h('div', { className: 'status' }, skip.reason))],
      String(invoice.captures),
      invoice.outcome === 'empty' ? '' : formatUsd(invoice.priceUsdCents),
      payment,
      invoice.lines.map((line) =>
        h(
          'div',
          {},
          line.orderId ? h('a', { href: `/orders/${line.orderId}` }, line.datasetTitle ?? 'Order') : null,
          ` v${line.version}`,
          ` · ${line.captures} capture${line.captures === 1 ? '' : 's'} · ${formatUsd(line.priceUsdCents)}`,
        ),
      ),
    ],
    { 'data-period': invoice.period },
  );
}

/**
 * One subscription: what it watches, its invoices, and Cancel while it is active.
 * @param {Subscription} subscription
 * @param {() => Promise<void>} redraw
 */
function subscriptionCard(subscription, redraw) {
  const what = [
    subscription.modalities ? subscription.modalities.join(', ') : 'any sensor',
    subscription.datasetId ? 'of one dataset' : 'of any listed dataset',
    `paid by ${METHOD_WORDS[subscription.paymentMethod]}`,
    `at most ${formatUsd(subscription.monthlyCapUsdCents)} a month`,
  ].join(' · ');
  return h(
    'article',
    { className: 'subscription', 'data-subscription-id': subscription.id, 'aria-label': `Subscription ${subscription.id}` },
    h(
      'h3',
      {},
      areaWords(subscription.area),
      ' ',
      h('span', { className: `badge ${subscription.status === 'active' ? 'ok' : 'bad'}` }, subscription.status),
    ),
    h('p', {}, what),
    subscription.datasetId ? h('p', {}, h('a', { href: `/datasets/${subscription.datasetId}` }, 'The dataset')) : null,
    h(
      'p',
      { className: 'status' },
      `Since ${formatDate(subscription.createdAt)}; ${subscription.baselineCaptures} capture${subscription.baselineCaptures === 1 ? ' was' : 's were'} already for sale there and are not billed.`,
      subscription.cancelledAt ? ` Cancelled ${formatDate(subscription.cancelledAt)}.` : '',
    ),
    subscription.invoices.length === 0
      ? h('p', { className: 'status' }, 'No month billed yet: the 1st of each month (UTC) bills the month before.')
      : dataTable('Monthly invoices', INVOICE_COLUMNS, subscription.invoices.map(invoiceRow), 'invoices'),
    subscription.status === 'active'
      ? confirmButton(
          'Cancel subscription',
          'Cancel this subscription? No further month is billed; an open invoice stays payable.',
          'Yes, cancel it',
          async () => {
            await api(`/v1/me/subscriptions/${subscription.id}/cancel`, { method: 'POST' });
            await redraw();
          },
          { className: 'secondary' },
        )
      : null,
  );
}

/** The Area subscriptions section of the account page. */
export function subscriptionsSection() {
  const slot = h('div', {});
  const draw = async () => {
    /** @type {Subscription[]} */
    const subscriptions = await api('/v1/me/subscriptions');
    mount(
      slot,
      subscriptions.length === 0
        ? h('p', { className: 'status' }, 'No subscriptions yet: quote a slice on a dataset page, then "Subscribe to this area".')
        : subscriptions.map((subscription) => subscriptionCard(subscription, draw)),
    );
  };
  void draw().catch((/** @type {unknown} */ error) => {
    slot.replaceChildren(errorBox(error));
  });
  return h(
    'section',
    { className: 'card', id: 'subscriptions', 'aria-labelledby': 'subscriptions-heading' },
    h('h2', { id: 'subscriptions-heading' }, 'Area subscriptions'),
    h(
      'p',
      { className: 'hint' },
      'The new captures of an area, invoiced on the 1st of each month (UTC) at the slice prices, one line per dataset, up to your monthly cap. ',
      'You are told of each invoice by e-mail and by the subscription.invoice webhook; an invoice not paid within a day expires, and its captures come back the month after.',
    ),
    slot,
  );
}
