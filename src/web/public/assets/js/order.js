// Order page: status, payment, downloads and the signed licence certificate (checked in the browser with WebCrypto).
import { base58 } from '@scure/base';
import { api, ApiError, sameOriginUrl, session } from './api.js';
import { licenceTerms } from './licence-words.js';
import {
  PRICE_UNIT_WORDS,
  actionButton,
  errorBox,
  formatBytes,
  formatDate,
  formatDuration,
  formatMoney,
  formatUsd,
  h,
  mount,
  signInPanel,
  sliceSummary,
  startPage,
  statusLine,
  dataTable,
  tableRow,
} from './ui.js';
/** @import { Checkout, Downloads, LicenceCertificate, Order, OrderCertificate, OrderStatus, PlatformKeys, SignedCertificate } from '../../types/api' */

const { app, heading } = startPage();
const orderId = location.pathname.split('/').filter(Boolean)[1];
/** @type {ReadonlySet<OrderStatus>} */
const PAID = new Set(['paid', 'fulfilled']);
/** @type {Record<OrderStatus, string>} */
const BADGE = { paid: 'ok', fulfilled: 'ok', pending: 'warn', expired: 'bad', cancelled: 'bad', refunded: 'bad' };
/** @type {ReturnType<typeof setTimeout> | undefined} */
let pollTimer;
const DOWNLOAD_COLUMNS = ['File', 'Size', 'SHA-256', 'Link expires'];

/** @param {Order} order */
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
        h('span', { className: `badge ${BADGE[order.status]}` }, order.status),
        order.statusReason ? ` ${order.statusReason}` : '',
      ),
      h('dt', {}, 'Dataset'),
      h('dd', {}, h('a', { href: `/datasets/${order.datasetId}` }, order.datasetTitle), ` (version ${order.version})`),
      order.slice ? sliceFacts(order.slice) : null,
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
    refundFacts(order),
    PAID.has(order.status) ? h('p', { className: 'receipt-link' }, h('a', { href: `/orders/${order.id}/receipt` }, 'Receipt')) : null,
  );
}

const LINE_COLUMNS = ['Dataset', 'Version', 'Licence', 'What', 'Amount', 'Status'];

/**
 * The lines paid together with this order (a cart checkout): each its own order, this one marked.
 * @param {Order} order
 * @param {Checkout | Error | null} checkout
 */
function checkoutLinesSection(order, checkout) {
  if (checkout === null) return null;
  const body =
    checkout instanceof Error
      ? errorBox(checkout)
      : [
          dataTable(
            'The orders paid together',
            LINE_COLUMNS,
            checkout.orders.map((line) =>
              tableRow(
                LINE_COLUMNS,
                [
                  line.id === order.id ? [line.datasetTitle, ' (this order)'] : h('a', { href: `/orders/${line.id}` }, line.datasetTitle),
                  `v${line.version}`,
                  line.licence.name,
                  line.slice ? `Slice: ${sliceSummary(line.slice)}` : 'Whole dataset',
                  formatMoney(line.amount.minor, line.amount.currency),
                  h('span', { className: `badge ${BADGE[line.status]}` }, line.status),
                ],
                line.id === order.id ? { 'aria-current': 'true' } : {},
              ),
            ),
          ),
          h('p', {}, `One payment of ${formatMoney(checkout.amount.minor, checkout.amount.currency)} for ${checkout.orders.length} orders.`),
        ];
  return h(
    'section',
    { className: 'card checkout-lines', 'aria-labelledby': 'lines-heading' },
    h('h2', { id: 'lines-heading' }, 'Paid together'),
    body,
  );
}

/**
 * Withdrawals of captures in what the order bought (issue 16): which files, when and why.
 * @param {Order} order
 */
function noticesSection(order) {
  if (order.notices.length === 0) return null;
  return h(
    'section',
    { className: 'card order-notices', 'aria-labelledby': 'notices-heading' },
    h('h2', { id: 'notices-heading' }, 'Notices'),
    h(
      'ul',
      {},
      order.notices.map((notice) =>
        h(
          'li',
          { className: 'order-notice' },
          h('span', { className: 'badge warn' }, notice.kind === 'takedown' ? 'taken down' : 'withdrawn'),
          ` ${formatDate(notice.at)}: ${notice.reason} `,
          `${notice.paths.length} file${notice.paths.length === 1 ? '' : 's'}: `,
          notice.paths.map((path, i) => [i > 0 ? ', ' : '', h('code', {}, path)]),
          h('p', { className: `notice-effect ${notice.effect}` }, notice.effectWords),
        ),
      ),
    ),
  );
}

/**
 * What a slice order bought: its area, window and sensors, and what its captures measure.
 * @param {import('../../types/api').OrderSlice} slice
 */
function sliceFacts(slice) {
  const area = slice.area?.bbox
    ? `box ${slice.area.bbox.map((v) => v.toFixed(4)).join(', ')}`
    : slice.area?.cells
      ? `${slice.area.cells.length} H3 cell${slice.area.cells.length === 1 ? '' : 's'}`
      : slice.area?.polygon
        ? 'a drawn polygon'
        : 'anywhere';
  const window = slice.windowFrom || slice.windowTo ? `${formatDate(slice.windowFrom)} – ${formatDate(slice.windowTo)}` : 'any time';
  return [
    h('dt', {}, 'Slice'),
    h(
      'dd',
      { className: 'order-slice' },
      `${slice.captures} capture${slice.captures === 1 ? '' : 's'} in ${area}, ${window}${slice.modalities ? `, ${slice.modalities.join(', ')}` : ''}: `,
      `${(slice.lengthM / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 })} km, ${formatDuration(Math.round(slice.durationMs / 1000))}, ${formatBytes(slice.sizeBytes)}; priced ${PRICE_UNIT_WORDS[slice.unit]}`,
    ),
  ];
}

const REFUND_STATE = { pending: 'being sent', sent: 'sent', held: 'held for review by an admin' };

/**
 * What went back and how: each refund's amount, where the money goes (the card, or the wallet that paid), its state,
 * when, why, and the provider's reference once sent. Null when nothing was refunded.
 * @param {Order} order
 */
function refundFacts(order) {
  if (order.refunds.length === 0) return null;
  const route = order.paymentMethod === 'card' ? 'to the card that paid (Stripe)' : 'to the wallet that paid (Solana)';
  return h(
    'div',
    { className: 'refunds', role: 'region', 'aria-label': 'Refunds' },
    h('h3', {}, order.status === 'refunded' ? 'Refunded' : 'Refunds'),
    h(
      'ul',
      {},
      order.refunds.map((refund) => {
        const sent = order.payments.find((p) => p.id === refund.paymentId);
        return h(
          'li',
          {},
          h('strong', {}, formatMoney(refund.amount.minor, refund.amount.currency)),
          ` ${route}: ${REFUND_STATE[refund.status]}`,
          sent ? ` on ${formatDate(sent.createdAt)}` : ` (decided ${formatDate(refund.createdAt)})`,
          `. Reason: ${refund.reason}.`,
          refund.heldReason ? ` ${refund.heldReason}.` : '',
          sent ? [' Reference: ', h('code', {}, sent.reference)] : null,
        );
      }),
    ),
  );
}

/**
 * @param {Order} order
 * @param {Downloads | Error | null} downloads
 */
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
  if (downloads === null || downloads instanceof Error) {
    section.append(errorBox(downloads ?? 'The downloads could not be loaded.'));
    return section;
  }
  section.append(h('p', { className: 'status' }, 'Links expire; reload this page for fresh ones.'));
  if (downloads.withdrawn.length > 0)
    section.append(
      h(
        'div',
        { className: 'withdrawn-files', role: 'region', 'aria-label': 'Withdrawn files' },
        h('h3', {}, 'Withdrawn: no longer licensed'),
        h(
          'ul',
          {},
          downloads.withdrawn.map((f) =>
            h(
              'li',
              {},
              h('span', { className: 'badge bad' }, 'withdrawn'),
              ' ',
              h('code', {}, f.path),
              ` (${formatDate(f.withdrawnAt)}): ${f.reason}`,
            ),
          ),
        ),
      ),
    );
  section.append(
    dataTable(
      'Files to download',
      DOWNLOAD_COLUMNS,
      downloads.files.map((f) =>
        tableRow(DOWNLOAD_COLUMNS, [
          h('a', { href: sameOriginUrl(f.url), download: f.path.split('/').pop() }, f.path),
          formatBytes(f.sizeBytes),
          h('code', { className: 'sha256' }, f.sha256),
          formatDate(f.expiresAt),
        ]),
      ),
    ),
  );
  return section;
}

/**
 * Base58 text as bytes WebCrypto takes (a copy on a plain ArrayBuffer).
 * @param {string} text
 */
const base58Bytes = (text) => new Uint8Array(base58.decode(text));

/**
 * Ed25519 check of the payload's UTF-8 bytes against the platform's published key.
 * @param {SignedCertificate} certificate
 */
async function verifyCertificate(certificate) {
  /** @type {PlatformKeys} */
  const keys = await api('/v1/platform/keys');
  if (keys.publicKey !== certificate.publicKey) return { ok: false, why: 'the certificate names a key the platform does not publish' };
  const key = await crypto.subtle.importKey('raw', base58Bytes(keys.publicKey), { name: 'Ed25519' }, false, ['verify']);
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, base58Bytes(certificate.signature), new TextEncoder().encode(certificate.payload));
  return { ok, why: ok ? 'signed by the platform key' : 'the signature does not match the certificate' };
}

/**
 * @param {Order} order
 * @param {OrderCertificate | Error | null} certificate
 */
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
  if (certificate === null || certificate instanceof Error) {
    section.append(errorBox(certificate ?? 'The certificate could not be loaded.'));
    return section;
  }
  // The payload is what the platform signed; the button below checks that signature.
  /** @type {unknown} */
  const payload = JSON.parse(certificate.payload);
  const c = /** @type {LicenceCertificate} */ (payload);
  const result = statusLine();
  result.classList.add('verification');
  const verify = actionButton('Verify signature', async () => {
    result.textContent = 'Checking…';
    const { ok, why } = await verifyCertificate(certificate);
    mount(
      result,
      h('span', { className: `badge ${ok ? 'ok' : 'bad'}` }, ok ? 'valid' : 'invalid'),
      ` Signature ${ok ? 'is valid' : 'is NOT valid'}: ${why}.`,
    );
  });
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
      c.consent
        ? [
            h('dt', {}, 'Consent'),
            h(
              'dd',
              { className: 'certificate-consent' },
              `Cleared by ${c.consent.grants} contributor${c.consent.grants === 1 ? "'s" : "s'"} signed grant${c.consent.grants === 1 ? '' : 's'}; grant set `,
              h('code', {}, c.consent.grantSetHash),
            ),
          ]
        : null,
      c.withdrawn
        ? [
            h('dt', {}, 'Withdrawn'),
            h(
              'dd',
              { className: 'certificate-withdrawn' },
              `Reissued without ${c.withdrawn.paths.length} withdrawn file${c.withdrawn.paths.length === 1 ? '' : 's'}: `,
              c.withdrawn.paths.map((path, i) => [i > 0 ? ', ' : '', h('code', {}, path)]),
              `; it replaces ${certificate.superseded.length} earlier certificate${certificate.superseded.length === 1 ? '' : 's'}, which still verif${certificate.superseded.length === 1 ? 'ies' : 'y'}`,
            ),
          ]
        : null,
      c.slice
        ? [
            h('dt', {}, 'Slice'),
            h(
              'dd',
              { className: 'certificate-slice' },
              `${c.slice.leaves.length} file${c.slice.leaves.length === 1 ? '' : 's'} (leaves ${c.slice.leaves.join(', ')}); files SHA-256 `,
              h('code', {}, c.slice.filesSha256),
            ),
          ]
        : null,
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

/**
 * A request that may fail without failing the page: its answer, or the error to show in its place.
 * @template T
 * @param {Promise<T>} request
 * @returns {Promise<T | Error>}
 */
const settled = (request) => request.catch((/** @type {unknown} */ error) => (error instanceof Error ? error : new Error(String(error))));

async function render() {
  clearTimeout(pollTimer);
  if (!session.user) {
    mount(app, h('p', {}, 'Sign in to see this order.'), signInPanel({ roles: ['buyer'], title: 'Sign in' }));
    return;
  }
  /** @type {Order} */
  const order = await api(`/v1/orders/${orderId}`);
  heading.textContent = `Order for ${order.datasetTitle}`;
  const paid = PAID.has(order.status);
  const [downloads, certificate] = paid
    ? await Promise.all([
        settled(/** @type {Promise<Downloads>} */ (api(`/v1/orders/${orderId}/downloads`))),
        settled(/** @type {Promise<OrderCertificate>} */ (api(`/v1/orders/${orderId}/certificate`))),
      ])
    : [null, null];
  const lines = order.checkoutId ? await settled(/** @type {Promise<Checkout>} */ (api(`/v1/checkouts/${order.checkoutId}`))) : null;
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
      h('div', {}, orderFacts(order), checkoutLinesSection(order, lines), noticesSection(order), downloadsSection(order, downloads)),
      h('aside', { 'aria-label': 'Licence' }, certificateSection(order, certificate)),
    ),
  );
  // (Signing in redraws through the session-changed listener below.)
  // A pending order turns paid when the webhook or the Solana payment lands: look again.
  if (order.status === 'pending') watch(order.status);
}

/**
 * Polls the order and redraws only when its status moved, so the page (and a screen reader) is not redrawn for nothing.
 * @param {OrderStatus} status
 */
function watch(status) {
  pollTimer = setTimeout(() => {
    /** @type {Promise<Order>} */ (api(`/v1/orders/${orderId}`))
      .then((order) => {
        if (order.status === status) watch(status);
        else return render();
      })
      .catch(showError);
  }, 2000);
}

/** @param {unknown} error */
const showError = (error) => {
  mount(app, errorBox(error instanceof ApiError && error.status === 404 ? 'No such order (or it is not yours).' : error));
};
window.addEventListener('session-changed', () => {
  render().catch(showError);
});
render().catch(showError);
