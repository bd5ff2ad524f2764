// Order page: status, payment, downloads and the signed licence certificate (checked in the browser with WebCrypto).
import { api, session } from './api.js';
import { base58Decode } from './base58.js';
import { licenceTerms } from './licence-words.js';
import { busy, errorBox, formatBytes, formatDate, formatMoney, formatUsd, h, mount, signInPanel, startPage, statusLine } from './ui.js';

startPage();

const app = document.getElementById('app');
const heading = document.querySelector('main h1');
const orderId = location.pathname.split('/').filter(Boolean)[1];
const PAID = new Set(['paid', 'fulfilled']);
const BADGE = { paid: 'ok', fulfilled: 'ok', pending: 'warn', expired: 'bad', cancelled: 'bad', refunded: 'bad' };
let pollTimer = null;

function orderFacts(order) {
  const payment = order.payments.find((p) => p.kind === 'charge');
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'order-heading' },
    h('h2', { id: 'order-heading' }, 'Order'),
    h(
      'dl',
      { className: 'facts' },
      h('dt', {}, 'Status'),
      h(
        'dd',
        { className: 'order-status' },
        h('span', { className: `badge ${BADGE[order.status] ?? ''}` }, order.status),
        order.statusReason ? ` ${order.statusReason}` : '',
      ),
      h('dt', {}, 'Dataset'),
      h('dd', {}, h('a', { href: `/datasets/${order.datasetId}` }, order.datasetTitle), ` (version ${order.version})`),
      h('dt', {}, 'Price'),
      h(
        'dd',
        {},
        formatMoney(order.amount.minor, order.amount.currency),
        order.amount.currency === 'USDC' ? ` (${formatUsd(order.priceUsdCents)})` : '',
      ),
      h('dt', {}, 'Paid by'),
      h('dd', {}, order.paymentMethod === 'card' ? 'Card (Stripe)' : 'USDC (Solana Pay)'),
      h('dt', {}, 'Payment reference'),
      h('dd', {}, payment ? h('code', {}, payment.reference) : 'Not paid yet'),
      h('dt', {}, 'Ordered'),
      h('dd', {}, formatDate(order.createdAt)),
      h('dt', {}, 'Paid'),
      h('dd', {}, formatDate(order.paidAt)),
      order.organisationName ? [h('dt', {}, 'Licensee'), h('dd', {}, order.organisationName)] : null,
    ),
    order.lastPaymentError ? h('p', { className: 'error', role: 'alert' }, `Last payment problem: ${order.lastPaymentError}`) : null,
  );
}

function downloadsSection(order, downloads) {
  const section = h('section', { className: 'card', 'aria-labelledby': 'downloads-heading' }, h('h2', { id: 'downloads-heading' }, 'Downloads'));
  if (!PAID.has(order.status)) {
    const why =
      order.status === 'pending'
        ? 'Downloads open once the payment is confirmed; this page updates by itself.'
        : `This order is ${order.status}, so there is nothing to download.`;
    section.append(h('p', { className: 'status downloads-unavailable', role: 'status' }, why));
    return section;
  }
  if (downloads instanceof Error) {
    section.append(errorBox(downloads));
    return section;
  }
  section.append(
    h('p', { className: 'status' }, 'Links expire; reload this page for fresh ones.'),
    h(
      'table',
      {},
      h('caption', { className: 'sr-only' }, 'Files to download'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['File', 'Size', 'SHA-256', 'Link expires'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        downloads.files.map((f) =>
          h(
            'tr',
            {},
            h('td', {}, h('a', { href: f.url, download: f.path.split('/').pop() }, f.path)),
            h('td', {}, formatBytes(f.sizeBytes)),
            h('td', {}, h('code', { className: 'sha256' }, f.sha256)),
            h('td', {}, formatDate(f.expiresAt)),
          ),
        ),
      ),
    ),
  );
  return section;
}

/** Ed25519 check of the payload's UTF-8 bytes against the platform's published key. */
async function verifyCertificate(certificate) {
  const keys = await api('/v1/platform/keys');
  if (keys.publicKey !== certificate.publicKey) return { ok: false, why: 'the certificate names a key the platform does not publish' };
  const key = await crypto.subtle.importKey('raw', base58Decode(keys.publicKey), { name: 'Ed25519' }, false, ['verify']);
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, base58Decode(certificate.signature), new TextEncoder().encode(certificate.payload));
  return { ok, why: ok ? 'signed by the platform key' : 'the signature does not match the certificate' };
}

function certificateSection(order, certificate) {
  const section = h(
    'section',
    { className: 'card', 'aria-labelledby': 'certificate-heading' },
    h('h2', { id: 'certificate-heading' }, 'Licence certificate'),
  );
  if (!PAID.has(order.status)) {
    section.append(h('p', { className: 'status' }, 'The certificate is issued when the order is paid.'), licenceTerms(order.licence.terms));
    return section;
  }
  if (certificate instanceof Error) {
    section.append(errorBox(certificate));
    return section;
  }
  const c = JSON.parse(certificate.payload);
  const result = statusLine();
  result.classList.add('verification');
  const verify = h('button', { type: 'button' }, 'Verify signature');
  verify.addEventListener('click', () =>
    busy(verify, async () => {
      result.textContent = 'Checking…';
      const { ok, why } = await verifyCertificate(certificate);
      mount(
        result,
        h('span', { className: `badge ${ok ? 'ok' : 'bad'}` }, ok ? 'valid' : 'invalid'),
        ` Signature ${ok ? 'is valid' : 'is NOT valid'}: ${why}.`,
      );
    }),
  );
  const blob = new Blob([JSON.stringify(certificate, null, 2)], { type: 'application/json' });
  section.append(
    h(
      'dl',
      { className: 'facts' },
      h('dt', {}, 'Licensee'),
      h(
        'dd',
        {},
        c.organisation
          ? `${c.organisation.name} (bought by ${c.buyer.email ?? c.buyer.walletAddress ?? c.buyer.id})`
          : (c.buyer.email ?? c.buyer.walletAddress ?? c.buyer.id),
      ),
      h('dt', {}, 'Dataset'),
      h('dd', {}, `${c.dataset.title}, version ${c.dataset.version}`),
      h('dt', {}, 'Merkle root'),
      h('dd', {}, h('code', {}, c.dataset.merkleRoot)),
      h('dt', {}, 'Licence'),
      h('dd', {}, c.licence.name),
      h('dt', {}, 'Valid until'),
      h('dd', {}, c.licence.validUntil ? formatDate(c.licence.validUntil) : 'No end date'),
      h('dt', {}, 'Issued'),
      h('dd', {}, formatDate(c.issuedAt)),
      h('dt', {}, 'Payment'),
      h('dd', {}, `${c.payment.method === 'card' ? 'Card' : 'USDC'} · `, h('code', {}, c.payment.reference)),
      h('dt', {}, 'Signature'),
      h('dd', {}, h('code', {}, certificate.signature)),
      h('dt', {}, 'Platform key'),
      h('dd', {}, h('code', {}, certificate.publicKey)),
    ),
    h('h3', {}, 'What the licence allows'),
    licenceTerms(c.licence.terms),
    h(
      'div',
      { className: 'actions' },
      verify,
      h(
        'a',
        { className: 'button secondary', href: URL.createObjectURL(blob), download: `licence-certificate-${order.id}.json` },
        'Download certificate (JSON)',
      ),
    ),
    result,
  );
  return section;
}

async function render() {
  clearTimeout(pollTimer);
  if (!session.user) {
    mount(app, h('p', {}, 'Sign in to see this order.'), signInPanel({ roles: ['buyer'], title: 'Sign in' }));
    return;
  }
  const order = await api(`/v1/orders/${orderId}`);
  heading.textContent = `Order for ${order.datasetTitle}`;
  const paid = PAID.has(order.status);
  const [downloads, certificate] = paid
    ? await Promise.all([api(`/v1/orders/${orderId}/downloads`).catch((e) => e), api(`/v1/orders/${orderId}/certificate`).catch((e) => e)])
    : [null, null];
  const checkout = new URLSearchParams(location.search).get('checkout');
  const notice =
    checkout === 'cancelled' && !paid
      ? h('p', { className: 'error', role: 'alert' }, 'Card checkout was cancelled; nothing was charged.')
      : checkout === 'success' && !paid
        ? h('p', { className: 'status', role: 'status' }, 'Thanks: Stripe is confirming the payment…')
        : null;
  mount(
    app,
    notice,
    h(
      'div',
      { className: 'columns' },
      h('div', {}, orderFacts(order), downloadsSection(order, downloads)),
      h('aside', { 'aria-label': 'Licence' }, certificateSection(order, certificate)),
    ),
  );
  // (Signing in redraws through the session-changed listener below.)
  // A pending order turns paid when the webhook or the Solana payment lands: look again.
  if (order.status === 'pending') watch(order.status);
}

/** Polls the order and redraws only when its status moved, so the page (and a screen reader) is not redrawn for nothing. */
function watch(status) {
  pollTimer = setTimeout(async () => {
    try {
      const order = await api(`/v1/orders/${orderId}`);
      if (order.status !== status) await render();
      else watch(status);
    } catch (error) {
      showError(error);
    }
  }, 2000);
}

const showError = (error) => mount(app, errorBox(error.status === 404 ? 'No such order (or it is not yours).' : error));
window.addEventListener('session-changed', () => render().catch(showError));
render().catch(showError);
