// Admin console section (issue 16): take captures down from a published dataset on a request, and the queue of every
// withdrawal and takedown with where it stands.
import { api } from './api.js';
import { actionButton, dataTable, errorBox, field, formatDate, h, mount, on, statusLine, tableRow } from './ui.js';
/** @import { DatasetSummary, Manifest, PageOf, Takedown, TakeOut } from '../../types/api' */

const COLUMNS = ['Recorded', 'Dataset', 'What', 'Captures', 'Reason', 'State'];

const KIND_WORDS = {
  privacy: 'Privacy (published at once without the captures)',
  legal: 'Legal (through review)',
  other: 'Other (through review)',
};

/** @param {TakeOut} item */
function stateBadge(item) {
  switch (item.state) {
    case 'published':
      return h('span', { className: 'badge ok' }, `published as version ${item.publishedVersion ?? '?'}`);
    case 'in_review':
      return h('span', { className: 'badge warn' }, 'next version waits for review');
    case 'draft_open':
      return h('span', { className: 'badge warn' }, "waits for the owner's open draft");
    default:
      return h('span', { className: 'badge bad' }, 'dataset taken down: nothing left');
  }
}

/** @param {TakeOut} item */
const what = (item) =>
  item.kind === 'withdrawal'
    ? 'Withdrawn by the contributor'
    : `Takedown: ${item.takedownKind ?? 'other'}${item.fromVersion ? ` (from version ${item.fromVersion})` : ''}`;

/**
 * The form: a listed dataset, its files (of the listed version) to take down, the kind of request and its reason.
 * @param {() => void} onDone called after a takedown is recorded
 * @param {(text: string) => void} announce
 */
function takedownForm(onDone, announce) {
  const datasetSelect = h('select', { name: 'dataset' }, h('option', { value: '' }, 'Loading datasets…'));
  const files = h(
    'fieldset',
    { className: 'takedown-files' },
    h('legend', {}, 'Captures to take down'),
    h('p', { className: 'hint' }, 'Choose a dataset first.'),
  );
  const kind = h(
    'select',
    { name: 'kind' },
    Object.entries(KIND_WORDS).map(([value, words]) => h('option', { value }, words)),
  );
  const reason = h('textarea', { name: 'reason', maxlength: 2000, rows: 2 });
  const result = statusLine();
  const loadDatasets = () =>
    /** @type {Promise<PageOf<DatasetSummary>>} */ (api('/v1/datasets?limit=50'))
      .then((page) => {
        mount(
          datasetSelect,
          h('option', { value: '' }, page.items.length === 0 ? 'No listed datasets' : 'Choose a listed dataset'),
          page.items.map((d) => h('option', { value: d.id }, `${d.title} (version ${d.version})`)),
        );
      })
      .catch((/** @type {unknown} */ error) => {
        files.append(errorBox(error));
      });
  void loadDatasets();
  on(datasetSelect, 'change', () => {
    const id = /** @type {HTMLSelectElement} */ (datasetSelect).value;
    if (!id) return;
    mount(files, h('legend', {}, 'Captures to take down'), statusLine('Loading its files…'));
    void (async () => {
      try {
        /** @type {{ latestVersion: number | null }} */
        const dataset = await api(`/v1/datasets/${id}`);
        /** @type {Manifest} */
        const manifest = await api(`/v1/datasets/${id}/versions/${dataset.latestVersion ?? 1}/manifest`);
        mount(
          files,
          h('legend', {}, `Captures to take down (version ${manifest.version})`),
          // One per line: paths are long, and a phone wraps them.
          manifest.files.map((file) =>
            h(
              'div',
              {},
              h(
                'label',
                { className: 'check' },
                h('input', { type: 'checkbox', name: 'capture', value: file.captureId }),
                ' ',
                h('code', {}, file.path),
              ),
            ),
          ),
        );
      } catch (error) {
        mount(files, h('legend', {}, 'Captures to take down'), errorBox(error));
      }
    })();
  });
  const submit = actionButton(
    'Take down the chosen captures',
    async () => {
      const datasetId = /** @type {HTMLSelectElement} */ (datasetSelect).value;
      const captureIds = [...files.querySelectorAll('input[name=capture]:checked')].map((input) => /** @type {HTMLInputElement} */ (input).value);
      if (!datasetId || captureIds.length === 0) throw new Error('Choose a dataset and at least one of its captures.');
      if (!reason.value.trim()) throw new Error('Give the request and its reason: admins read it; buyers never do.');
      /** @type {Takedown} */
      const done = await api(`/v1/admin/datasets/${datasetId}/capture-takedowns`, {
        method: 'POST',
        body: { captureIds, kind: /** @type {HTMLSelectElement} */ (kind).value, reason: reason.value.trim() },
      });
      const words =
        done.state === 'published'
          ? `published as version ${done.publishedVersion ?? '?'} without them`
          : `the next version waits for review${done.publishProblem ? ` (${done.publishProblem})` : ''}`;
      result.textContent = `${done.datasetTitle}: ${done.removedCaptureIds.length} capture(s) taken down; ${words}.`;
      announce(result.textContent);
      reason.value = '';
      mount(files, h('legend', {}, 'Captures to take down'), h('p', { className: 'hint' }, 'Choose a dataset first.'));
      await loadDatasets();
      onDone();
    },
    { className: 'danger' },
  );
  return h(
    'div',
    { className: 'card takedown-form' },
    h('h3', {}, 'Take captures down on a request'),
    h(
      'p',
      { className: 'hint' },
      'The listed version stops selling at once and buyers of it are told. A privacy takedown (an unblurred face, a private place) publishes the version without the captures straight away; the others go through the review queue.',
    ),
    field('Dataset', datasetSelect),
    files,
    field('Kind of request', kind),
    field('Request and reason', reason, 'Kept in the consent record for admins; buyers read fixed words only.'),
    h('div', { className: 'actions' }, submit),
    result,
  );
}

/** The form, made once per section so that its result line outlives the refreshes of the list below it. */
/** @type {WeakMap<HTMLElement, { form: HTMLElement, list: HTMLElement }>} */
const parts = new WeakMap();

/**
 * Shows the form (once) and loads the queue below it (each call).
 * @param {HTMLElement} section
 * @param {{ takedowns: () => Promise<void>, published: () => Promise<void>, queue: () => Promise<void>, audit: () => Promise<void> }} refresh
 * @param {(text: string) => void} announce
 * @param {(id: string) => string} who names a user
 */
export async function takedownsSection(section, refresh, announce, who) {
  let made = parts.get(section);
  if (!made) {
    made = {
      form: takedownForm(() => {
        void refresh.takedowns();
        void refresh.published();
        void refresh.queue();
        void refresh.audit();
      }, announce),
      list: h('div', { className: 'takedown-queue' }),
    };
    parts.set(section, made);
    mount(section, h('h2', { id: 'takedowns-h' }, 'Takedowns and withdrawals'), made.form, made.list);
  }
  const { list } = made;
  mount(list, statusLine('Loading…'));
  try {
    /** @type {TakeOut[]} */
    const items = await api('/v1/admin/withdrawals?limit=50');
    mount(
      list,
      items.length === 0
        ? h('p', {}, 'No captures were withdrawn or taken down yet.')
        : dataTable(
            'Withdrawals and takedowns, newest first',
            COLUMNS,
            items.map((item) =>
              tableRow(COLUMNS, [
                formatDate(item.createdAt),
                h('a', { href: `/datasets/${item.datasetId}` }, item.datasetTitle),
                [what(item), h('br'), h('small', {}, `by ${who(item.actorId)}`)],
                String(item.captureIds.length),
                item.reason,
                stateBadge(item),
              ]),
            ),
            'takedowns',
          ),
    );
  } catch (error) {
    mount(list, errorBox(error));
  }
}
