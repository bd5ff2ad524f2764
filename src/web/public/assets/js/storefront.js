// Storefront: the search form mirrors GET /v1/datasets; the URL's query string is the search (linkable, back button).
import { api, query } from './api.js';
import { PALETTE, coverageMap } from './map.js';
import { errorBox, field, formatDate, formatUsd, h, mount, navigate, on, startPage, statusLine, unitPricesText } from './ui.js';
/** @import { CatalogCoverage, Coverage, DatasetSummary, LicenceTemplate, PageOf } from '../../types/api' */
/** @import { GeoJsonObject } from 'geojson' */

const { app } = startPage();

const MODALITIES = ['video', 'pointcloud', 'mesh', 'telemetry', 'gnss', 'imagery'];
const SORTS = [
  ['', 'Default (relevance with text, else newest)'],
  ['relevance', 'Relevance'],
  ['newest', 'Newest'],
  ['price', 'Price, low to high'],
  ['-price', 'Price, high to low'],
];
/** @typedef {'q' | 'modality' | 'bbox' | 'from' | 'to' | 'network' | 'licence' | 'maxPrice' | 'rtk' | 'hdop' | 'sort'} Filter */
/** @type {readonly Filter[]} */
const FILTERS = ['q', 'modality', 'bbox', 'from', 'to', 'network', 'licence', 'maxPrice', 'rtk', 'hdop', 'sort'];
/** @typedef {Partial<Record<Filter, string>>} SearchState */

/** @type {Record<Filter, HTMLInputElement | HTMLSelectElement>} */
const inputs = {
  q: h('input', { type: 'search', name: 'q', maxlength: 200 }),
  modality: h(
    'select',
    { name: 'modality' },
    h('option', { value: '' }, 'Any'),
    MODALITIES.map((m) => h('option', { value: m }, m)),
  ),
  bbox: h('input', { type: 'text', name: 'bbox', placeholder: 'minLon,minLat,maxLon,maxLat', inputmode: 'decimal' }),
  from: h('input', { type: 'date', name: 'from' }),
  to: h('input', { type: 'date', name: 'to' }),
  network: h('input', { type: 'text', name: 'network', placeholder: 'e.g. bee-maps' }),
  licence: h('select', { name: 'licence' }, h('option', { value: '' }, 'Any')),
  maxPrice: h('input', { type: 'number', name: 'maxPrice', min: 0, step: '0.01', inputmode: 'decimal' }),
  rtk: h('input', { type: 'number', name: 'rtk', min: 0, max: 100, step: 1, inputmode: 'numeric', placeholder: 'e.g. 90' }),
  hdop: h('input', { type: 'number', name: 'hdop', min: 0, max: 99, step: '0.1', inputmode: 'decimal', placeholder: 'e.g. 1.5' }),
  sort: h(
    'select',
    { name: 'sort' },
    SORTS.map(([value, label]) => h('option', { value }, label)),
  ),
};
const status = statusLine();
const results = h('ul', { className: 'grid results plain', 'aria-label': 'Search results' });
const more = h('button', { type: 'button', className: 'secondary', hidden: true }, 'Load more');
const mapNode = h('div', { className: 'map', role: 'region', 'aria-label': 'Coverage map of the results' });
const areaButton = h('button', { type: 'button', className: 'secondary' }, 'Search this map area');
const layerToggle = h('input', { type: 'checkbox', name: 'coverageLayer' });
/** Set by "Search this map area": the next results are drawn without moving the map. */
let keepView = false;

const form = h(
  'form',
  { className: 'card', role: 'search', 'aria-label': 'Search datasets' },
  h(
    'div',
    { className: 'filters' },
    field('Search text', inputs.q, 'Title, tags and description'),
    field('Modality', inputs.modality),
    field('Area (bbox)', inputs.bbox, 'WGS84 degrees; a dataset matches where one of its captures was'),
    field('Captured from', inputs.from),
    field('Captured to', inputs.to),
    field('Network', inputs.network),
    field('Licence', inputs.licence),
    field('Max price (USD)', inputs.maxPrice),
    field('RTK fixed at least (%)', inputs.rtk, 'GNSS epochs with an RTK fixed solution, in one capture'),
    field('Median HDOP at most', inputs.hdop, 'Horizontal dilution of precision, in one capture'),
    field('Sort by', inputs.sort),
  ),
  h('div', { className: 'actions' }, h('button', { type: 'submit' }, 'Search'), h('button', { type: 'reset', className: 'secondary' }, 'Clear')),
);

mount(
  app,
  form,
  h(
    'div',
    { className: 'columns' },
    h(
      'section',
      { 'aria-labelledby': 'results-heading' },
      h('h2', { id: 'results-heading' }, 'Results'),
      status,
      results,
      h('div', { className: 'actions' }, more),
    ),
    h(
      'section',
      { 'aria-labelledby': 'map-heading' },
      h('h2', { id: 'map-heading' }, 'Coverage'),
      mapNode,
      h('div', { className: 'actions' }, areaButton, h('label', { className: 'inline' }, layerToggle, ' Show where the catalogue has data')),
    ),
  ),
);

const map = coverageMap(mapNode, [], {
  onSelect: (item) => {
    navigate(`/datasets/${item.id}`);
  },
});
/** @type {DatasetSummary[]} */
let shown = [];
/** @type {string | null} */
let cursor = null;
let generation = 0;

/**
 * The filters that have a value.
 * @param {(key: Filter) => string | null} read
 * @returns {SearchState}
 */
function collect(read) {
  /** @type {SearchState} */
  const state = {};
  for (const key of FILTERS) {
    const value = read(key)?.trim();
    if (value) state[key] = value;
  }
  return state;
}

/** The form's state as the page's URL parameters (prices in dollars, dates as days, for people to read and edit). */
const formState = () => collect((key) => inputs[key].value);
/** The search the page's URL names. */
const urlState = () => {
  const params = new URLSearchParams(location.search);
  return collect((key) => params.get(key));
};

/** @param {URLSearchParams} params */
function fillForm(params) {
  for (const key of FILTERS) inputs[key].value = params.get(key) ?? '';
}

/** Page size: 12, or the URL's own `limit` (a link may ask for a different page size). */
const pageSize = () => {
  const limit = Number(new URLSearchParams(location.search).get('limit'));
  return Number.isInteger(limit) && limit >= 1 && limit <= 100 ? limit : 12;
};

/**
 * URL parameters → the API's query.
 * @param {SearchState} state
 * @returns {Record<string, string | number | undefined>}
 */
function apiQuery(state) {
  return {
    q: state.q,
    modality: state.modality,
    bbox: state.bbox?.replace(/\s+/g, ''),
    network: state.network,
    licence: state.licence,
    sort: state.sort,
    limit: pageSize(),
    from: state.from ? `${state.from}T00:00:00Z` : undefined,
    to: state.to ? `${state.to}T23:59:59Z` : undefined,
    maxPriceUsdCents: state.maxPrice ? Math.round(Number(state.maxPrice) * 100) : undefined,
    minRtkFixed: state.rtk ? Math.min(100, Math.max(0, Number(state.rtk))) / 100 : undefined,
    maxHdop: state.hdop || undefined,
  };
}

/**
 * The bbox filter as numbers, when it is one.
 * @param {string | undefined} text
 * @returns {[number, number, number, number] | null}
 */
function parseArea(text) {
  const parts = (text ?? '').split(',').map(Number);
  return parts.length === 4 && parts.every(Number.isFinite) ? /** @type {[number, number, number, number]} */ (parts) : null;
}

/** @param {Coverage} coverage */
function coverageSummary(coverage) {
  const parts = [];
  if (coverage.fileCount) parts.push(`${coverage.fileCount} file${coverage.fileCount === 1 ? '' : 's'}`);
  if (coverage.totalDurationSeconds) parts.push(`${Math.round(coverage.totalDurationSeconds)} s recorded`);
  if (coverage.totalPoints) parts.push(`${coverage.totalPoints.toLocaleString('en-US')} points`);
  if (coverage.totalMessages) parts.push(`${coverage.totalMessages.toLocaleString('en-US')} messages`);
  if (coverage.timeStart) parts.push(`${formatDate(coverage.timeStart).slice(0, 10)} – ${formatDate(coverage.timeEnd).slice(0, 10)}`);
  return parts.join(' · ') || 'No coverage facts';
}

/** @param {DatasetSummary} item */
function card(item) {
  const id = `result-${item.id}`;
  return h(
    'li',
    { className: 'card result', 'aria-labelledby': id },
    h('h3', { id, className: 'result-title' }, h('a', { href: `/datasets/${item.id}` }, item.title)),
    h('p', { className: 'prose' }, item.summary),
    h(
      'p',
      { className: 'tags' },
      item.coverage.modalities.map((m) => [h('span', { className: 'badge' }, m), ' ']),
    ),
    h(
      'dl',
      { className: 'facts' },
      h('dt', {}, 'Coverage'),
      h('dd', {}, coverageSummary(item.coverage)),
      h('dt', {}, 'Networks'),
      h('dd', {}, item.coverage.networks.join(', ') || 'Direct uploads'),
      h('dt', {}, 'Licence'),
      h('dd', {}, item.licenceName, item.exclusive ? [' ', h('span', { className: 'badge warn' }, 'exclusive')] : null),
      h('dt', {}, 'Price'),
      h(
        'dd',
        { className: 'price' },
        formatUsd(item.priceUsdCents),
        item.unitPrices ? h('small', { className: 'unit-prices' }, ` ${unitPricesText(item.unitPrices) ?? ''} for a slice`) : null,
      ),
    ),
  );
}

/**
 * @param {SearchState} state
 * @param {boolean} append
 */
async function load(state, append) {
  const mine = (generation += 1);
  status.textContent = 'Searching…';
  more.hidden = true;
  clearError();
  const area = parseArea(state.bbox);
  try {
    /** @type {PageOf<DatasetSummary>} */
    const page = await api(`/v1/datasets${query({ ...apiQuery(state), cursor: append ? cursor : undefined })}`);
    if (mine !== generation) return;
    shown = append ? [...shown, ...page.items] : page.items;
    cursor = page.nextCursor;
    if (!append) results.replaceChildren();
    results.append(...page.items.map(card));
    map.show(
      shown.flatMap((item, i) =>
        item.footprint
          ? [{ id: item.id, label: item.title, geojson: /** @type {GeoJsonObject} */ (item.footprint), color: PALETTE[i % PALETTE.length] }]
          : [],
      ),
      { fit: !keepView && !area },
    );
    // A typed or linked area is what the buyer asked to see: the map shows it (the area button's own view stays).
    if (area && !keepView) map.showArea(area);
    keepView = false;
    more.hidden = !cursor;
    status.textContent = shown.length
      ? `${shown.length} dataset${shown.length === 1 ? '' : 's'} shown${cursor ? ', more available' : ''}.`
      : 'No datasets match this search. Try fewer filters.';
  } catch (error) {
    if (mine !== generation) return;
    status.textContent = 'The search failed.';
    if (!append) results.replaceChildren();
    status.insertAdjacentElement('afterend', errorBox(error));
  }
}

function clearError() {
  status.parentElement?.querySelector(':scope > .error')?.remove();
}

function search() {
  clearError();
  const state = formState();
  const limit = new URLSearchParams(location.search).get('limit');
  const url = `${location.pathname}${query({ ...state, limit })}`;
  if (url !== `${location.pathname}${location.search}`) history.pushState(null, '', url);
  void load(state, false);
}

on(form, 'submit', (event) => {
  event.preventDefault();
  search();
});
on(form, 'reset', () => {
  setTimeout(search, 0);
});
on(more, 'click', () => {
  clearError();
  void load(formState(), true);
});
on(areaButton, 'click', () => {
  inputs.bbox.value = map.viewportBbox();
  keepView = true;
  search();
});

const layerOn = () => layerToggle.checked;

/** The catalogue's coverage cells for the view, at the resolution for its zoom (and the modality chosen). */
async function refreshCatalogLayer() {
  if (!layerToggle.checked) {
    map.showCatalog(null);
    return;
  }
  try {
    /** @type {CatalogCoverage} */
    const coverage = await api(
      `/v1/coverage${query({ bbox: map.viewportBbox(), zoom: Math.round(map.map.getZoom()), modality: inputs.modality.value || undefined })}`,
    );
    // The box may have been unticked while the cells were on their way.
    if (layerOn()) map.showCatalog(coverage);
  } catch {
    map.showCatalog(null);
  }
}
on(layerToggle, 'change', () => {
  void refreshCatalogLayer();
});
map.map.on('moveend', () => {
  if (layerToggle.checked) void refreshCatalogLayer();
});
window.addEventListener('popstate', () => {
  fillForm(new URLSearchParams(location.search));
  void load(urlState(), false);
});

// The licence choices come from the API; the URL's choice is applied once they are there.
/** @type {Promise<LicenceTemplate[]>} */ (api('/v1/licences')).then(
  (licences) => {
    inputs.licence.append(...licences.map((l) => h('option', { value: l.slug }, l.name)));
    inputs.licence.value = new URLSearchParams(location.search).get('licence') ?? '';
  },
  () => undefined,
);

fillForm(new URLSearchParams(location.search));
void load(urlState(), false);
