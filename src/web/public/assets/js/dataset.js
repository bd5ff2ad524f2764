// Dataset page: what is for sale (description, coverage, sample preview, licence, provenance, price) and the checkout.
import { api, ApiError, query, session } from './api.js';
import { addToCart, startCheckout } from './checkout.js';
import { citeBox, declarationsSection, filesSection, licenceSection, markdown, probeFacts, versionsSection } from './dataset-card.js';
import { PALETTE, areaDrawer, coverageMap } from './map.js';
import { capturePreview } from './previews.js';
import {
  PRICE_UNIT_WORDS,
  busy,
  errorBox,
  field,
  formatBytes,
  formatDate,
  formatDuration,
  formatUsd,
  unitPricesText,
  h,
  mount,
  on,
  shorten,
  signInPanel,
  startPage,
  dataTable,
  tableRow,
} from './ui.js';
/** @import { Anchor, Coverage, Dataset, DatasetConsent, DatasetCoverage, DatasetVersion, Manifest, Order, PageOf, PaymentMethodInfo, Provenance, Quote, SampleFile, Subscription } from '../../types/api' */
/** @import { GeoJsonObject } from 'geojson' */

const { app, heading } = startPage();
const datasetId = location.pathname.split('/').filter(Boolean)[1];

/** @param {SampleFile} file */
function sampleFile(file) {
  return h(
    'li',
    { className: 'card sample' },
    h('h3', { className: 'file-name' }, h('code', {}, file.path)),
    h('p', { className: 'file-kind' }, h('span', { className: 'badge' }, file.modality), ' ', file.format, ' · ', formatBytes(file.sizeBytes)),
    probeFacts(file.metadata, formatDuration),
  );
}

const CAPTURE_COLUMNS = ['', 'File', 'Kind', 'When', 'Length', 'Cells'];

/**
 * Where the captures are: totals from their footprints, and one row per capture in its map colour.
 * @param {DatasetCoverage} coverage
 */
function footprintFacts(coverage) {
  const t = coverage.totals;
  /** @type {[string, string][]} */
  const rows = [
    ['On the map', `${t.withFootprint} of ${t.captures} capture${t.captures === 1 ? '' : 's'}`],
    ['Track length', `${t.km.toLocaleString('en-US', { maximumFractionDigits: 1 })} km`],
    ['Time on track', formatDuration(Math.round(t.hours * 3600))],
    ['Area covered', `${t.km2.toLocaleString('en-US', { maximumFractionDigits: 1 })} km² in ${t.cells.toLocaleString('en-US')} H3 cells`],
  ];
  return h(
    'div',
    {},
    h(
      'dl',
      { className: 'facts' },
      rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
    coverage.features.length
      ? dataTable(
          'Captures on the map',
          CAPTURE_COLUMNS,
          coverage.features.map((f, i) =>
            tableRow(CAPTURE_COLUMNS, [
              h('span', { className: `swatch c${i % PALETTE.length}`, 'aria-hidden': 'true' }),
              h('code', {}, f.properties.path),
              f.properties.kind,
              f.properties.start ? `${formatDate(f.properties.start)} – ${formatDate(f.properties.end)}` : 'no time',
              f.properties.kind === 'track' ? `${f.properties.lengthKm.toFixed(2)} km` : `${f.properties.areaKm2.toFixed(2)} km²`,
              String(f.properties.cells),
            ]),
          ),
          'captures',
        )
      : null,
    coverage.withoutFootprint.length
      ? h('p', { className: 'status' }, `Not on the map: ${coverage.withoutFootprint.map((c) => `${c.path} (${c.reason})`).join('; ')}.`)
      : null,
  );
}

/** @param {Coverage} c */
function coverageFacts(c) {
  /** @type {[string, string][]} */
  const rows = [
    ['Modalities', c.modalities.join(', ') || '—'],
    ['Networks', c.networks.join(', ') || 'Direct uploads'],
    ['Time range', c.timeStart ? `${formatDate(c.timeStart)} – ${formatDate(c.timeEnd)}` : '—'],
    ['Files', `${c.fileCount} (${formatBytes(c.totalBytes)})`],
  ];
  if (c.totalDurationSeconds) rows.push(['Recorded time', formatDuration(c.totalDurationSeconds)]);
  if (c.totalPoints) rows.push(['Points', c.totalPoints.toLocaleString('en-US')]);
  if (c.totalMessages) rows.push(['Messages', c.totalMessages.toLocaleString('en-US')]);
  return h(
    'dl',
    { className: 'facts' },
    rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

/** @param {Anchor | null} anchor */
function anchorFacts(anchor) {
  if (!anchor) return h('p', { className: 'status' }, 'Not anchored yet.');
  const ok = anchor.status === 'confirmed';
  return h(
    'dl',
    { className: 'facts' },
    h('dt', {}, 'Anchor'),
    h('dd', {}, h('span', { className: `badge ${ok ? 'ok' : 'warn'}` }, anchor.status)),
    h('dt', {}, 'Cluster'),
    h('dd', {}, anchor.cluster ?? '—'),
    h('dt', {}, 'Signature'),
    h('dd', {}, anchor.signature ? h('code', { title: anchor.signature }, anchor.signature) : '—'),
    h('dt', {}, 'Slot'),
    h('dd', {}, anchor.slot ?? '—'),
    h('dt', {}, 'Confirmed'),
    h('dd', {}, formatDate(anchor.confirmedAt)),
  );
}

const CUSTODY_COLUMNS = ['#', 'Event', 'When', 'Hash'];

/**
 * "Cleared by N contributors' signed grants" for the version on sale, from the public consent record (issue 16).
 * @param {DatasetConsent} consent
 * @param {number} version
 */
function clearedLine(consent, version) {
  const grants = consent.versions.find((v) => v.version === version)?.grantHashes.length ?? 0;
  return h(
    'p',
    { className: 'consent-cleared' },
    h('span', { className: `badge ${consent.verified ? 'ok' : 'bad'}` }, consent.verified ? 'consent verified' : 'consent record broken'),
    ' ',
    grants === 0
      ? "Every capture is its publisher's own: no other contributor's consent was needed."
      : `Cleared by ${grants} contributor${grants === 1 ? "'s" : "s'"} signed grant${grants === 1 ? '' : 's'}`,
    grants === 0 ? null : [' (', h('a', { href: '#consent-heading' }, 'see the consent record'), ').'],
  );
}

const CONSENT_COLUMNS = ['Grant', 'Signed by', 'Captures', 'Recorded', 'Verified'];

/**
 * The public consent record: per version the grant set that cleared it, each grant (no personal data), and the
 * withdrawals and takedowns since.
 * @param {DatasetConsent} consent
 */
function consentRecord(consent) {
  return [
    h('h3', { id: 'consent-heading' }, 'Consent record'),
    h(
      'p',
      { className: 'consent-verification' },
      consent.verified ? h('span', { className: 'badge ok' }, 'verified') : h('span', { className: 'badge bad' }, 'not verified'),
      ' ',
      consent.verified
        ? 'Every grant re-hashes, every wallet signature checks out, and each is carried by its custody entry.'
        : (consent.problem ?? 'The record does not verify.'),
    ),
    h(
      'ul',
      { className: 'plain' },
      consent.versions.map((v) =>
        h(
          'li',
          {},
          `Version ${v.version}: cleared by ${v.grantHashes.length} signed grant${v.grantHashes.length === 1 ? '' : 's'} · grant set `,
          h('code', { title: v.grantSetHash }, shorten(v.grantSetHash, 8)),
        ),
      ),
      consent.withdrawals.map((w) =>
        h(
          'li',
          {},
          h('span', { className: 'badge warn' }, w.kind === 'takedown' ? 'taken down' : 'withdrawn'),
          ` ${formatDate(w.recordedAt)}: ${w.captureCount} capture${w.captureCount === 1 ? '' : 's'} `,
          w.kind === 'takedown' ? 'taken down by the platform' : 'withdrawn by their contributor',
        ),
      ),
    ),
    consent.grants.length === 0
      ? null
      : dataTable(
          'Signed consent grants',
          CONSENT_COLUMNS,
          consent.grants.map((g) =>
            tableRow(CONSENT_COLUMNS, [
              h('code', { title: g.hash }, shorten(g.hash, 8)),
              [
                g.signer ? ['wallet ', h('code', { title: g.signer }, shorten(g.signer, 6))] : 'session',
                g.advanceGrantHash ? [' (in advance, ', h('code', { title: g.advanceGrantHash }, shorten(g.advanceGrantHash, 6)), ')'] : null,
              ],
              String(g.captureCount),
              formatDate(g.recordedAt),
              g.verified ? 'yes' : 'no',
            ]),
          ),
        ),
  ];
}

/**
 * @param {Provenance} provenance
 * @param {DatasetConsent | null} consent
 */
function provenanceSection(provenance, consent) {
  const v = provenance.custody.verification;
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'provenance-heading' },
    h('h2', { id: 'provenance-heading' }, 'Provenance'),
    provenance.versions.map((version) =>
      h(
        'div',
        { className: 'version-provenance' },
        h('h3', {}, `Version ${version.version}`),
        h(
          'dl',
          { className: 'facts' },
          h('dt', {}, 'Merkle root'),
          h('dd', {}, h('code', {}, version.merkleRoot)),
          h('dt', {}, 'Files'),
          h('dd', {}, version.fileCount),
          h('dt', {}, 'Published'),
          h('dd', {}, formatDate(version.publishedAt)),
        ),
        anchorFacts(version.anchor),
      ),
    ),
    h('h3', {}, 'Custody log'),
    h(
      'p',
      { className: 'custody-verification' },
      v.ok ? h('span', { className: 'badge ok' }, 'verified') : h('span', { className: 'badge bad' }, 'broken'),
      ' ',
      v.ok ? `Hash chain of ${v.entries} entries checks out.` : `Chain broken at entry ${v.brokenAt ?? '?'}: ${v.message ?? v.reason ?? ''}`,
    ),
    dataTable(
      'Custody log entries',
      CUSTODY_COLUMNS,
      provenance.custody.entries.map((e) =>
        tableRow(CUSTODY_COLUMNS, [e.seq, e.kind.replaceAll('_', ' '), formatDate(e.at), h('code', { title: e.hash }, shorten(e.hash, 8))]),
      ),
    ),
    consent ? consentRecord(consent) : null,
  );
}

const LIVE = new Set(['pending', 'paid', 'fulfilled']);
const OWNED = new Set(['paid', 'fulfilled']);

/**
 * The signed-in buyer's (and their organisations') orders of this version that still count: paid, or pending and not
 * yet expired. Newest first, as GET /v1/orders answers (the newest 100 orders of this dataset).
 * @param {string} datasetId
 * @param {number} version
 * @returns {Promise<Order[]>}
 */
async function liveOrdersOf(datasetId, version) {
  /** @type {PageOf<Order>} */
  const { items: orders } = await api(`/v1/orders${query({ datasetId, limit: 100 })}`);
  const now = Date.now();
  return orders.filter(
    (o) => o.datasetId === datasetId && o.version === version && LIVE.has(o.status) && (o.status !== 'pending' || Date.parse(o.expiresAt) > now),
  );
}

/**
 * "You own this" (or "you have a payment open"), with a link to each such order.
 * @param {Order[]} held
 */
function heldNotice(held) {
  const owned = held.filter((o) => OWNED.has(o.status));
  const pending = held.filter((o) => o.status === 'pending');
  const link = (/** @type {Order} */ o) =>
    h('li', {}, h('a', { href: `/orders/${o.id}` }, `Order of ${formatDate(o.createdAt)}`), o.organisationName ? ` (for ${o.organisationName})` : '');
  return h(
    'div',
    { className: 'owned', role: 'status' },
    owned.length > 0
      ? [h('p', {}, h('span', { className: 'badge ok' }, 'Owned'), ' You already own this version.'), h('ul', {}, owned.map(link))]
      : null,
    pending.length > 0
      ? [
          h('p', {}, h('span', { className: 'badge warn' }, 'Pending'), ' You have an order of this version waiting for payment.'),
          h('ul', {}, pending.map(link)),
        ]
      : null,
  );
}

/**
 * @param {Dataset} dataset
 * @param {DatasetVersion} version
 */
function buySection(dataset, version) {
  const slot = h('div', { className: 'checkout' });
  const draw = async () => {
    if (!session.user) {
      mount(
        slot,
        h('p', {}, 'Sign in as a buyer to purchase.'),
        signInPanel({ roles: ['buyer'], title: 'Sign in to buy', onSignedIn: () => void draw().catch(shown) }),
      );
      return;
    }
    const [methods, held] = await Promise.all([
      /** @type {Promise<PaymentMethodInfo[]>} */ (api('/v1/payment-methods')),
      liveOrdersOf(dataset.id, version.version),
    ]);
    const offered = methods.filter((m) => m.available);
    if (offered.length === 0) {
      mount(
        slot,
        held.length > 0 ? heldNotice(held) : null,
        h('p', { className: 'status' }, 'No payment method is available on this marketplace right now.'),
      );
      return;
    }
    const radios = offered.map((m, i) => h('input', { type: 'radio', name: 'method', value: m.method, checked: i === 0 }));
    const choice = h(
      'fieldset',
      {},
      h('legend', {}, 'Pay with'),
      offered.map((m, i) => h('label', { className: 'checkbox' }, radios[i], m.label)),
    );
    const out = h('div', { className: 'checkout-progress' });
    const price = formatUsd(version.priceUsdCents);
    const buy = h('button', { type: 'submit' }, held.length > 0 ? `Buy again for ${price}` : `Buy for ${price}`);
    const method = () => /** @type {'card' | 'solana'} */ (radios.find((r) => r.checked)?.value ?? offered[0].method);
    const checkout = (/** @type {HTMLButtonElement} */ button, allowRepeat = false) =>
      startCheckout({ button, out, datasetId: dataset.id, version: version.version, method: method(), allowRepeat });
    // Buying a version again asks first: most repeats are a second tab or a double click.
    const confirmRepeat = h(
      'div',
      { className: 'confirm-repeat', role: 'group', 'aria-label': 'Confirm buying again', hidden: true },
      h('p', {}, 'You already hold an order of this version (see above). Buy it again, as a separate licence?'),
      h(
        'div',
        { className: 'actions' },
        on(h('button', { type: 'button' }, `Yes, buy again for ${price}`), 'click', () => {
          // Progress and errors show under the buy button, which stays in view.
          confirmRepeat.hidden = true;
          void checkout(buy, true);
        }),
        on(h('button', { type: 'button', className: 'secondary' }, 'Cancel'), 'click', () => {
          confirmRepeat.hidden = true;
          buy.focus();
        }),
      ),
    );
    // A version already held goes into the cart only once the buyer says to buy it again (addToCart asks).
    const add = h('button', { type: 'button', className: 'secondary' }, 'Add to cart');
    on(add, 'click', () => void addToCart({ button: add, out, datasetId: dataset.id, version: version.version }));
    const form = on(
      h('form', { 'aria-label': 'Buy this dataset' }, choice, h('div', { className: 'actions' }, buy, add), confirmRepeat),
      'submit',
      (event) => {
        event.preventDefault();
        if (held.length > 0) {
          confirmRepeat.hidden = false;
          return;
        }
        void checkout(buy);
      },
    );
    mount(slot, held.length > 0 ? heldNotice(held) : null, form, out);
  };
  /** @param {unknown} error */
  const shown = (error) => {
    mount(slot, errorBox(error));
  };
  window.addEventListener('session-changed', () => void draw().catch(shown));
  void draw().catch(shown);
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'buy-heading' },
    h('h2', { id: 'buy-heading' }, 'Price and purchase'),
    h('p', { className: 'price big' }, formatUsd(version.priceUsdCents)),
    unitPricesLine(version.unitPrices),
    h('p', { className: 'status' }, `Version ${version.version} · ${version.licence.name}`),
    slot,
  );
}

/**
 * "Subscribe to this area" under a slice quote (issue 13, part 7): the quote's area and sensors, of this dataset or any,
 * invoiced monthly up to a cap the buyer sets, paid by the method picked for the slice.
 * @param {Dataset} dataset
 * @param {Quote} quote
 * @param {() => string} method
 */
function subscribeForm(dataset, quote, method) {
  const onlyThis = h('input', { type: 'checkbox', name: 'only-this-dataset', checked: true });
  const cap = h('input', {
    type: 'number',
    name: 'monthly-cap',
    min: '0.01',
    step: '0.01',
    required: true,
    value: (Math.max(quote.priceUsdCents * 2, 1_000) / 100).toFixed(2),
  });
  const out = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', className: 'secondary' }, 'Subscribe to this area');
  const form = on(
    h(
      'form',
      { className: 'subscribe', 'aria-label': 'Subscribe to this area' },
      h('h3', {}, 'Subscribe to this area'),
      h(
        'p',
        { className: 'hint' },
        'New captures in this area (of these sensors) are quoted at these prices and invoiced on the 1st of each month, one line per dataset, paid the way picked above. ',
        'Captures already for sale here now are not billed; a month that would cost more than your cap is not billed, and you are told.',
      ),
      h('label', { className: 'checkbox' }, onlyThis, 'Only this dataset (otherwise any listed dataset)'),
      field('Monthly cap (USD)', cap),
      h('div', { className: 'actions' }, submit),
    ),
    'submit',
    (event) => {
      event.preventDefault();
      void busy(submit, async () => {
        try {
          /** @type {Subscription} */
          const subscription = await api('/v1/me/subscriptions', {
            method: 'POST',
            body: {
              area: quote.area,
              ...(quote.modalities ? { modalities: quote.modalities } : {}),
              ...(onlyThis.checked ? { datasetId: dataset.id } : {}),
              paymentMethod: method(),
              monthlyCapUsdCents: Math.round(Number(cap.value) * 100),
            },
          });
          mount(
            out,
            h(
              'p',
              { className: 'ok', role: 'status' },
              `Subscribed: new captures here are invoiced monthly, up to ${formatUsd(subscription.monthlyCapUsdCents)}. `,
              h('a', { href: '/account#subscriptions' }, 'Your subscriptions'),
            ),
          );
        } catch (error) {
          mount(out, errorBox(error));
        }
      });
    },
  );
  return h('div', {}, form, out);
}

/**
 * Buying a slice (issue 13): draw an area on the coverage map, pick a window, sensors and the unit, get a quote (the
 * exact captures, their km / hours / GB and the price, valid 10 minutes, drawn on the map), and buy exactly that.
 * @param {Dataset} dataset
 * @param {DatasetVersion} version
 * @param {() => ReturnType<typeof areaDrawer> | null} drawer
 */
function slicePanel(dataset, version, drawer) {
  const prices = version.unitPrices ?? {};
  /** @type {('km' | 'hour' | 'gb')[]} */
  const units = [];
  if (prices.perKmUsdCents !== undefined) units.push('km');
  if (prices.perHourUsdCents !== undefined) units.push('hour');
  if (prices.perGbUsdCents !== undefined) units.push('gb');
  /** @type {[number, number, number, number] | null} */
  let area = null;
  const areaText = h('p', { className: 'status', role: 'status' }, 'No area drawn: the whole map.');
  const from = h('input', { type: 'date', name: 'from' });
  const to = h('input', { type: 'date', name: 'to' });
  const sensors = version.coverage.modalities.map((m) => h('input', { type: 'checkbox', name: 'modality', value: m }));
  const unit = h(
    'select',
    { name: 'unit' },
    units.map((u) => h('option', { value: u }, PRICE_UNIT_WORDS[u])),
  );
  const result = h('div', { className: 'quote', 'aria-live': 'polite' });
  const draw = h('button', { type: 'button', className: 'secondary' }, 'Draw an area on the map');
  on(draw, 'click', () => {
    const d = drawer();
    if (!d) return;
    areaText.textContent = 'Press on the map and drag to draw a rectangle (Escape cancels).';
    d.start((bbox) => {
      area = bbox;
      areaText.textContent = `Area: ${bbox.map((v) => v.toFixed(4)).join(', ')} (west, south, east, north)`;
      void getQuote();
    });
  });
  const quoteButton = h('button', { type: 'submit' }, 'Get a quote');
  const getQuote = async () => {
    if (!session.user) {
      mount(
        result,
        h('p', {}, 'Sign in as a buyer to get a quote.'),
        signInPanel({ roles: ['buyer'], title: 'Sign in to buy a slice', onSignedIn: () => void getQuote() }),
      );
      return;
    }
    const modalities = sensors.filter((c) => c.checked).map((c) => c.value);
    /** @type {Record<string, unknown>} */
    const body = { datasetId: dataset.id, unit: unit.value };
    if (area) body.area = { bbox: area };
    if (from.value) body.from = `${from.value}T00:00:00Z`;
    if (to.value) body.to = `${to.value}T23:59:59Z`;
    if (modalities.length) body.modalities = modalities;
    try {
      /** @type {Quote} */
      const quote = await api('/v1/quotes', { method: 'POST', body });
      drawer()?.showSlice(quote.outline);
      await showQuote(quote);
    } catch (error) {
      drawer()?.showSlice(null);
      mount(result, errorBox(error));
    }
  };
  /** @param {Quote} quote */
  const showQuote = async (quote) => {
    /** @type {PaymentMethodInfo[]} */
    const all = await api('/v1/payment-methods');
    const methods = all.filter((m) => m.available);
    const t = quote.totals;
    /** @type {[string, string][]} */
    const rows = [
      ['Captures', `${t.captures}`],
      ['Track', `${t.km.toLocaleString('en-US', { maximumFractionDigits: 3 })} km`],
      ['Recording', formatDuration(Math.round(t.durationMs / 1000))],
      ['Size', formatBytes(t.bytes)],
    ];
    const p = quote.pricing;
    const how = p
      ? `${formatUsd(p.rateUsdCents)} ${PRICE_UNIT_WORDS[p.unit]} = ${formatUsd(p.ratedUsdCents)}${p.minimumApplied ? `, raised to the minimum ${formatUsd(p.minimumUsdCents ?? 0)}` : ''}${p.cappedAtWholePrice ? ', capped at the whole price' : ''} (rounded half up once, on the total)`
      : 'The whole dataset at its price.';
    const radios = methods.map((m, i) => h('input', { type: 'radio', name: 'slice-method', value: m.method, checked: i === 0 }));
    const out = h('div', { className: 'checkout-progress' });
    const buy = h('button', { type: 'submit' }, `Buy this slice for ${formatUsd(quote.priceUsdCents)}`);
    // The cart keeps the quote: checkout refuses it once it has expired (quote again then).
    const add = h('button', { type: 'button', className: 'secondary' }, 'Add slice to cart');
    on(add, 'click', () => void addToCart({ button: add, out, datasetId: dataset.id, version: quote.version, quoteId: quote.id }));
    const form = on(
      h(
        'form',
        { 'aria-label': 'Buy this slice' },
        methods.length
          ? h(
              'fieldset',
              {},
              h('legend', {}, 'Pay with'),
              methods.map((m, i) => h('label', { className: 'checkbox' }, radios[i], m.label)),
            )
          : h('p', { className: 'status' }, 'No payment method is available on this marketplace right now.'),
        h('div', { className: 'actions' }, methods.length ? buy : null, add),
      ),
      'submit',
      (event) => {
        event.preventDefault();
        const method = /** @type {'card' | 'solana'} */ (radios.find((r) => r.checked)?.value ?? methods[0].method);
        void startCheckout({ button: buy, out, datasetId: dataset.id, version: quote.version, method, quoteId: quote.id });
      },
    );
    const subscribe =
      quote.area && methods.length ? subscribeForm(dataset, quote, () => radios.find((r) => r.checked)?.value ?? methods[0].method) : null;
    mount(
      result,
      h('h3', {}, `Quote: ${formatUsd(quote.priceUsdCents)}`),
      h(
        'dl',
        { className: 'facts' },
        rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      ),
      h('p', { className: 'status' }, how),
      h('p', { className: 'status' }, `Valid until ${formatDate(quote.expiresAt)}. The slice is drawn on the map in black.`),
      form,
      out,
      subscribe,
    );
  };
  const form = on(
    h(
      'form',
      { 'aria-label': 'Quote a slice' },
      h('div', { className: 'actions' }, draw),
      areaText,
      h('div', { className: 'row' }, field('From', from), field('To', to)),
      sensors.length > 1
        ? h(
            'fieldset',
            {},
            h('legend', {}, 'Sensors (none: all)'),
            sensors.map((c) => h('label', { className: 'checkbox' }, c, c.value)),
          )
        : null,
      units.length > 1 ? field('Priced', unit) : null,
      h('div', { className: 'actions' }, quoteButton),
    ),
    'submit',
    (event) => {
      event.preventDefault();
      void busy(quoteButton, getQuote);
    },
  );
  return h(
    'section',
    { className: 'card slice', 'aria-labelledby': 'slice-heading' },
    h('h2', { id: 'slice-heading' }, 'Buy a slice'),
    h('p', {}, `${unitPricesText(version.unitPrices) ?? ''}: draw an area, pick a window and sensors, and buy exactly the captures in it.`),
    form,
    result,
  );
}

/**
 * A request that may fail without failing the page: its answer, or the error to show in its place.
 * @template T
 * @param {Promise<T>} request
 * @returns {Promise<T | Error>}
 */
const settled = (request) => request.catch((/** @type {unknown} */ error) => (error instanceof Error ? error : new Error(String(error))));

async function render() {
  /** @type {Dataset} */
  const dataset = await api(`/v1/datasets/${datasetId}`);
  const version = dataset.published;
  if (!version) {
    mount(app, errorBox('This dataset has no published version for sale.'));
    return;
  }
  heading.textContent = version.title;
  document.title = `${version.title} · DePAI data marketplace`;
  const [provenance, manifest, coverage, consent] = await Promise.all([
    settled(/** @type {Promise<Provenance>} */ (api(`/v1/datasets/${datasetId}/provenance`))),
    settled(/** @type {Promise<Manifest>} */ (api(`/v1/datasets/${datasetId}/versions/${version.version}/manifest`))),
    settled(/** @type {Promise<DatasetCoverage>} */ (api(`/v1/datasets/${datasetId}/coverage?version=${version.version}`))),
    settled(/** @type {Promise<DatasetConsent>} */ (api(`/v1/datasets/${datasetId}/consent`))),
  ]);
  const onMap = coverage instanceof Error ? [] : coverage.features;
  const mapNode = h('div', { className: 'map small', role: 'region', 'aria-label': 'Coverage map' });
  /** @type {ReturnType<typeof areaDrawer> | null} */
  let drawer = null;
  const sliceable = version.unitPrices !== null && !version.licence.terms.exclusive && onMap.length > 0;
  const samples = version.sampleFiles.length ? version.sampleFiles : manifest instanceof Error ? [] : manifest.files.slice(0, 6);
  const main = h(
    'div',
    {},
    dataset.status === 'taken_down' || dataset.takenDownAt
      ? errorBox(`This dataset was taken down${dataset.takedownReason ? `: ${dataset.takedownReason}` : ''}.`)
      : null,
    h(
      'section',
      { className: 'card', 'aria-labelledby': 'about-heading' },
      h('h2', { id: 'about-heading' }, 'About this dataset'),
      markdown(version.description),
      h(
        'p',
        { className: 'tags', 'aria-label': 'Tags' },
        version.tags.map((t) => [h('span', { className: 'badge' }, t), ' ']),
      ),
      h(
        'p',
        { className: 'status' },
        `Published ${formatDate(version.publishedAt)} · ${version.contributorCount} contributor${version.contributorCount === 1 ? ' shares' : 's share'} the revenue`,
      ),
      consent instanceof Error ? null : clearedLine(consent, version.version),
    ),
    h(
      'section',
      { className: 'card', 'aria-labelledby': 'coverage-heading' },
      h('h2', { id: 'coverage-heading' }, 'Coverage'),
      coverageFacts(version.coverage),
      onMap.length ? mapNode : null,
      coverage instanceof Error ? errorBox(coverage) : footprintFacts(coverage),
    ),
    sliceable ? slicePanel(dataset, version, () => drawer) : null,
    h(
      'section',
      { className: 'card', 'aria-labelledby': 'samples-heading' },
      h('h2', { id: 'samples-heading' }, 'Sample preview'),
      h(
        'p',
        { className: 'status' },
        version.sampleFiles.length
          ? 'The sample files as the probe read them, and previews made from the files themselves.'
          : 'Files of this version, as the probe read them.',
      ),
      samples.length ? h('ul', { className: 'grid plain' }, samples.map(sampleFile)) : h('p', {}, 'No sample details available.'),
      version.sampleFiles.map((file) => capturePreview(file.captureId, file.path)),
    ),
    declarationsSection(version),
    licenceSection(version),
    filesSection(dataset.id, version),
    provenance instanceof Error ? null : versionsSection(dataset.id, provenance),
    citeBox(dataset, version),
    provenance instanceof Error ? errorBox(provenance) : provenanceSection(provenance, consent instanceof Error ? null : consent),
  );
  mount(app, h('div', { className: 'columns' }, main, h('aside', { className: 'purchase', 'aria-label': 'Purchase' }, buySection(dataset, version))));
  if (onMap.length)
    drawer = areaDrawer(
      coverageMap(
        mapNode,
        onMap.map((f, i) => ({
          id: f.properties.captureId,
          label: `${f.properties.path}${f.properties.start ? ` · ${formatDate(f.properties.start)}` : ''}`,
          geojson: /** @type {GeoJsonObject} */ (/** @type {unknown} */ (f)),
          color: PALETTE[i % PALETTE.length],
        })),
      ).map,
    );
}

render().catch((/** @type {unknown} */ error) => {
  mount(app, errorBox(error instanceof ApiError && error.status === 404 ? 'No such dataset.' : error));
});

/**
 * The per-unit prices of slices under the whole price, when the listing has them.
 * @param {import('../../types/api').UnitPrices | null} prices
 */
function unitPricesLine(prices) {
  const text = unitPricesText(prices);
  return text ? h('p', { className: 'price unit-prices' }, `${text} for a slice (area, time window, sensors)`) : null;
}
