// Checkout: card → Stripe's hosted page; USDC → Solana Pay QR and URL, watched until the payment lands.
import { api, ApiError } from './api.js';
import { actionButton, busy, errorBox, formatUsdc, h, mount, navigate, on, statusLine } from './ui.js';
/** @import { DevPayment, Order, SolanaPay } from '../../types/api' */

const PAID = new Set(['paid', 'fulfilled']);
const FINAL = new Set(['paid', 'fulfilled', 'cancelled', 'refunded']);
const POLL_MS = 1500;

/**
 * Orders the dataset and takes the buyer to the payment: Stripe's page, or the Solana Pay panel in `out`.
 * @param {{ button: HTMLButtonElement, out: HTMLElement, datasetId: string, version: number, method: 'card' | 'solana' }} options
 */
export async function startCheckout({ button, out, datasetId, version, method }) {
  await busy(button, async () => {
    /** @type {Order} */
    const order = await api('/v1/orders', { method: 'POST', body: { datasetId, version, paymentMethod: method } });
    if (order.stripe) {
      mount(out, statusLine('Opening Stripe Checkout…'));
      navigate(order.stripe.checkoutUrl);
      return;
    }
    if (!order.solanaPay) throw new Error(`order ${order.id} came without payment instructions`);
    button.closest('form')?.setAttribute('hidden', '');
    solanaPanel(out, order, order.solanaPay);
  });
}

/**
 * The Solana Pay request and a live status line; confirm-solana asks the API to look for the payment by reference.
 * @param {HTMLElement} out
 * @param {Order} order
 * @param {SolanaPay} pay
 */
function solanaPanel(out, order, pay) {
  const status = statusLine(`Waiting for ${formatUsdc(order.amount.minor)}… (order ${order.status})`);
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
  /** @param {Order} current */
  const settle = (current) => {
    // A poll still in flight when the demo wallet's confirmation settled the order answers too: opening the order page a
    // second time would abort the first navigation.
    if (stopped) return;
    status.textContent = `Order ${current.status}${current.statusReason ? `: ${current.statusReason}` : ''}${current.lastPaymentError ? ` (${current.lastPaymentError})` : ''}`;
    if (PAID.has(current.status)) {
      stopped = true;
      status.textContent = 'Paid. Opening your order…';
      navigate(`/orders/${current.id}`);
    } else if (FINAL.has(current.status)) stopped = true;
  };
  const demo = actionButton('Pay with the demo wallet', async () => {
    try {
      /** @type {DevPayment} */
      const { signature } = await api('/v1/dev/solana/pay', { method: 'POST', body: { url: pay.url } });
      status.textContent = 'Payment sent; confirming…';
      settle(await api(`/v1/orders/${order.id}/confirm-solana`, { method: 'POST', body: { signature } }));
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
      h('div', { className: 'qr' }, h('img', { src: pay.qrCode, alt: 'Solana Pay QR code for this order' })),
      h('div', { className: 'field' }, url),
      h('div', { className: 'actions' }, copy, demo, h('a', { href: `/orders/${order.id}` }, 'Order page')),
      status,
    ),
  );
  const poll = async () => {
    if (stopped || !out.isConnected) return;
    try {
      settle(await api(`/v1/orders/${order.id}/confirm-solana`, { method: 'POST', body: {} }));
    } catch (error) {
      out.querySelector(':scope .poll-error')?.remove();
      // "No payment yet" is the normal answer while the buyer pays: only other failures are shown.
      if (!(error instanceof ApiError && error.code === 'CHECKOUT_PAYMENT_NOT_FOUND'))
        out.append(h('div', { className: 'poll-error' }, errorBox(error)));
    }
    // The next round stops at once when this one settled the order.
    setTimeout(() => void poll(), POLL_MS);
  };
  setTimeout(() => void poll(), POLL_MS);
}
