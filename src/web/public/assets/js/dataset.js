// Dataset page: what is for sale (description, coverage, sample preview, licence, provenance, price) and the checkout.
import { api, session } from './api.js';
import { startCheckout } from './checkout.js';
import { licenceTerms } from './licence-words.js';
import { coverageMap } from './map.js';
import { errorBox, formatBytes, formatDate, formatDuration, formatUsd, h, mount, shorten, signInPanel, startPage } from './ui.js';

startPage();

const app = document.getElementById('app');
const heading = document.querySelector('main h1');
const datasetId = location.pathname.split('/').filter(Boolean)[1];

/** A probe's metadata value, readable: lists joined, objects as key=value, long lists cut. */
function metaValue(value) {
  if (Array.isArray(value)) {
    const shown = value.slice(0, 12).map((v) => (v && typeof v === 'object' ? (v.name ?? v.topic ?? JSON.stringify(v)) : String(v)));
    return shown.join(', ') + (value.length > 12 ? `, … (${value.length} in all)` : '');
  }
  if (value && typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`)
      .join(', ');
  return String(value);
}

const META_LABELS = {
  durationSeconds: 'Duration',
  pointCount: 'Point count',
  width: 'Width (px)',
  height: 'Height (px)',
  codec: 'Codec',
  channels: 'Channels',
  topics: 'Topics',
  fixCount: 'GNSS fixes',
  messageCount: 'Messages',
};

/** camelCase probe keys as words: "ggaFixes" → "Gga fixes". */
const humanize = (key) => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function sampleFile(file) {
  const entries = Object.entries(file.metadata ?? {}).filter(([, v]) => v !== null && v !== undefined && v !== '');
  return h(
    'li',
    { className: 'card sample' },
    h('h4', { style: 'margin:0 0 .25rem' }, h('code', {}, file.path)),
    h('p', { style: 'margin:0 0 .35rem' }, h('span', { className: 'badge' }, file.modality), ' ', file.format, ' · ', formatBytes(file.sizeBytes)),
    entries.length
      ? h(
          'dl',
          { className: 'facts' },
          entries.map(([key, value]) => [
            h('dt', {}, META_LABELS[key] ?? humanize(key)),
            h('dd', {}, key === 'durationSeconds' ? formatDuration(value) : metaValue(value)),
          ]),
        )
      : h('p', { className: 'status' }, 'No probe details for this file.'),
  );
}

function coverageFacts(c) {
  const rows = [
    ['Modalities', c.modalities.join(', ') || '—'],
    ['Networks', c.networks.join(', ') || 'Direct uploads'],
    ['Area', c.bbox ? c.bbox.map((v) => Number(v).toFixed(4)).join(', ') : 'No location'],
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

function provenanceSection(provenance) {
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
      v.ok ? `Hash chain of ${v.entries} entries checks out.` : `Chain broken at entry ${v.brokenAt}: ${v.message ?? v.reason ?? ''}`,
    ),
    h(
      'table',
      {},
      h('caption', { className: 'sr-only' }, 'Custody log entries'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, '#'),
          h('th', { scope: 'col' }, 'Event'),
          h('th', { scope: 'col' }, 'When'),
          h('th', { scope: 'col' }, 'Hash'),
        ),
      ),
      h(
        'tbody',
        {},
        provenance.custody.entries.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, e.seq),
            h('td', {}, e.kind.replaceAll('_', ' ')),
            h('td', {}, formatDate(e.at)),
            h('td', {}, h('code', { title: e.hash }, shorten(e.hash, 8))),
          ),
        ),
      ),
    ),
  );
}

function buySection(dataset) {
  const version = dataset.published;
  const slot = h('div', { className: 'checkout' });
  const draw = () => {
    const user = session.user;
    if (!user) {
      mount(slot, h('p', {}, 'Sign in as a buyer to purchase.'), signInPanel({ roles: ['buyer'], title: 'Sign in to buy', onSignedIn: draw }));
      return;
    }
    const methods = h(
      'fieldset',
      {},
      h('legend', {}, 'Pay with'),
      h('label', { className: 'checkbox' }, h('input', { type: 'radio', name: 'method', value: 'solana', checked: true }), 'USDC (Solana Pay)'),
      h('label', { className: 'checkbox' }, h('input', { type: 'radio', name: 'method', value: 'card' }), 'Card (Stripe)'),
    );
    const out = h('div', { className: 'checkout-progress' });
    const buy = h('button', { type: 'submit' }, `Buy for ${formatUsd(version.priceUsdCents)}`);
    const form = h(
      'form',
      {
        'aria-label': 'Buy this dataset',
        onsubmit: (event) => {
          event.preventDefault();
          const method = form.querySelector('input[name=method]:checked').value;
          startCheckout({ button: buy, out, datasetId: dataset.id, version: version.version, method });
        },
      },
      methods,
      h('div', { className: 'actions' }, buy),
    );
    mount(slot, form, out);
  };
  window.addEventListener('session-changed', draw);
  draw();
  return h(
    'section',
    { className: 'card', 'aria-labelledby': 'buy-heading' },
    h('h2', { id: 'buy-heading' }, 'Price and purchase'),
    h('p', { className: 'price', style: 'font-size:1.4rem;margin:.25rem 0' }, formatUsd(version.priceUsdCents)),
    h('p', { className: 'status' }, `Version ${version.version} · ${version.licence.name}`),
    slot,
  );
}

async function render() {
  const dataset = await api(`/v1/datasets/${datasetId}`);
  const version = dataset.published;
  if (!version) {
    mount(app, errorBox('This dataset has no published version for sale.'));
    return;
  }
  heading.textContent = version.title;
  document.title = `${version.title} · DePAI data marketplace`;
  const [provenance, manifest] = await Promise.all([
    api(`/v1/datasets/${datasetId}/provenance`).catch((error) => error),
    api(`/v1/datasets/${datasetId}/versions/${version.version}/manifest`).catch((error) => error),
  ]);
  const mapNode = h('div', { className: 'map small', role: 'region', 'aria-label': 'Coverage map' });
  const samples = version.sampleFiles?.length ? version.sampleFiles : manifest instanceof Error ? [] : manifest.files.slice(0, 6);
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
      version.description.split(/\n{2,}/).map((p) => h('p', {}, p)),
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
    ),
    h(
      'section',
      { className: 'card', 'aria-labelledby': 'coverage-heading' },
      h('h2', { id: 'coverage-heading' }, 'Coverage'),
      coverageFacts(version.coverage),
      version.coverage.bbox ? mapNode : null,
    ),
    h(
      'section',
      { className: 'card', 'aria-labelledby': 'samples-heading' },
      h('h2', { id: 'samples-heading' }, 'Sample preview'),
      h(
        'p',
        { className: 'status' },
        version.sampleFiles?.length
          ? 'Sample files chosen by the contributor, as the probe read them.'
          : 'Files of this version, as the probe read them.',
      ),
      samples.length
        ? h('ul', { className: 'grid', style: 'list-style:none;padding:0' }, samples.map(sampleFile))
        : h('p', {}, 'No sample details available.'),
    ),
    h(
      'section',
      { className: 'card', 'aria-labelledby': 'licence-heading' },
      h('h2', { id: 'licence-heading' }, `Licence: ${version.licence.name}`),
      licenceTerms(version.licence.terms),
    ),
    provenance instanceof Error ? errorBox(provenance) : provenanceSection(provenance),
  );
  mount(app, h('div', { className: 'columns' }, main, h('aside', { 'aria-label': 'Purchase' }, buySection(dataset))));
  if (version.coverage.bbox) coverageMap(mapNode, [{ id: dataset.id, label: version.title, bbox: version.coverage.bbox }]);
}

render().catch((error) => mount(app, errorBox(error.status === 404 ? 'No such dataset.' : error)));
