// Checkout: card → Stripe's hosted page; USDC → Solana Pay QR and URL, watched until the payment lands.
import { api, ApiError } from './api.js';
import { busy, errorBox, formatUsdc, h, mount, statusLine } from './ui.js';

const PAID = new Set(['paid', 'fulfilled']);
const FINAL = new Set(['paid', 'fulfilled', 'cancelled', 'refunded']);
const POLL_MS = 1500;

export async function startCheckout({ button, out, datasetId, version, method }) {
  await busy(button, async () => {
    const order = await api('/v1/orders', { method: 'POST', body: { datasetId, version, paymentMethod: method } });
    if (method === 'card') {
      mount(out, statusLine('Opening Stripe Checkout…'));
      location.assign(order.stripe.checkoutUrl);
      return;
    }
    button.closest('form')?.setAttribute('hidden', '');
    solanaPanel(out, order);
  });
}

/** The Solana Pay request and a live status line; confirm-solana asks the API to look for the payment by reference. */
function solanaPanel(out, order) {
  const pay = order.solanaPay;
  const status = statusLine(`Waiting for ${formatUsdc(order.amount.minor)}… (order ${order.status})`);
  const url = h('input', { type: 'text', readonly: true, value: pay.url, className: 'mono', 'aria-label': 'Solana Pay URL' });
  const copy = h('button', { type: 'button', className: 'secondary' }, 'Copy payment URL');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(pay.url);
      copy.textContent = 'Copied';
    } catch {
      url.select();
      copy.textContent = 'Press Ctrl+C to copy';
    }
  });
  const demo = h('button', { type: 'button' }, 'Pay with the demo wallet');
  let stopped = false;
  const settle = (current) => {
    status.textContent = `Order ${current.status}${current.statusReason ? `: ${current.statusReason}` : ''}${current.lastPaymentError ? ` (${current.lastPaymentError})` : ''}`;
    if (PAID.has(current.status)) {
      stopped = true;
      status.textContent = 'Paid. Opening your order…';
      location.assign(`/orders/${current.id}`);
    } else if (FINAL.has(current.status)) stopped = true;
  };
  demo.addEventListener('click', () =>
    busy(demo, async () => {
      try {
        const { signature } = await api('/v1/dev/solana/pay', { method: 'POST', body: { url: pay.url } });
        status.textContent = 'Payment sent; confirming…';
        settle(await api(`/v1/orders/${order.id}/confirm-solana`, { method: 'POST', body: { signature } }));
      } catch (error) {
        // 404: a real cluster is configured, so there is no demo wallet.
        if (error instanceof ApiError && error.status === 404) demo.hidden = true;
        throw error;
      }
    }),
  );
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
      out.append(h('div', { className: 'poll-error' }, errorBox(error)));
    }
    if (!stopped) setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}
