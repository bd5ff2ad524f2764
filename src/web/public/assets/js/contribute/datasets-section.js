// The contributor's datasets: one card each (state, price, what a review still needs, the revenue split) with Edit,
// Submit for review or Start the next version; the dataset form opens above the cards.
import { api } from '../api.js';
import { actionButton, errorBox, formatBytes, formatDate, formatUsd, h, mount, on, shorten, statusLine } from '../ui.js';
import { datasetForm } from './dataset-form.js';
import { statusBadge } from './status-badge.js';
/** @import { Dataset, LicenceTemplate, PageOf, User } from '../../../types/api' */
/** @import { CapturesSection } from './captures-section.js' */

export class DatasetsSection {
  /**
   * @param {User} user
   * @param {CapturesSection} captures
   */
  constructor(user, captures) {
    this.user = user;
    this.captures = captures;
    this.stopped = false;
    this.formSlot = h('div');
    this.cards = h('div', {}, statusLine('Loading your datasets…'));
    /** Each card's status line, by dataset id, for what happened to it last. */
    /** @type {Map<string, HTMLElement>} */
    this.statusLines = new Map();
    this.element = h(
      'div',
      {},
      h(
        'div',
        { className: 'actions' },
        on(h('button', { type: 'button' }, 'New dataset'), 'click', () => void this.openForm(null)),
      ),
      this.formSlot,
      this.cards,
    );
  }

  stop() {
    this.stopped = true;
  }

  async load() {
    try {
      /** @type {PageOf<Dataset>} */
      const { items } = await api('/v1/me/datasets?limit=100');
      // Single reads carry each contributor's weight under the split policy: shown before agreeing to submit.
      const detailed = await Promise.all(
        items.map((d) => (d.draft ? /** @type {Promise<Dataset>} */ (api(`/v1/datasets/${d.id}`)).catch(() => d) : Promise.resolve(d))),
      );
      if (this.stopped) return;
      this.statusLines.clear();
      mount(
        this.cards,
        detailed.length === 0
          ? h('p', {}, 'No datasets yet. Make one from your ready captures.')
          : h(
              'div',
              { className: 'grid' },
              detailed.map((d) => this.card(d)),
            ),
      );
    } catch (error) {
      mount(this.cards, errorBox(error));
    }
  }

  /**
   * Says what happened to a dataset on its card.
   * @param {string} datasetId
   * @param {string} text
   */
  tell(datasetId, text) {
    const line = this.statusLines.get(datasetId);
    if (line) line.textContent = text;
  }

  /** @param {Dataset} d */
  card(d) {
    const draft = d.draft;
    const title = draft?.title ?? d.published?.title ?? 'Untitled';
    const state = draft ? draft.state : d.status;
    const actions = h('div', { className: 'actions' });
    if (draft && draft.state !== 'in_review') {
      actions.append(
        on(h('button', { type: 'button', className: 'secondary', 'aria-label': `Edit ${title}` }, 'Edit'), 'click', () => void this.openForm(d)),
        actionButton(
          'Submit for review',
          async () => {
            await api(`/v1/datasets/${d.id}/submit`, { method: 'POST' });
            await this.load();
            this.tell(d.id, 'Submitted: an admin will review it.');
          },
          { 'aria-label': `Submit ${title} for review` },
        ),
      );
    } else if (!draft && d.status === 'published') {
      const next = (d.latestVersion ?? 0) + 1;
      actions.append(
        on(
          h('button', { type: 'button', className: 'secondary', 'aria-label': `Start version ${next} of ${title}` }, `Start version ${next}`),
          'click',
          () => void this.openForm(d),
        ),
      );
    }
    const weights = draft?.contributors ?? d.published?.contributors ?? [];
    const policy = draft?.splitPolicy ?? d.published?.splitPolicy;
    const status = statusLine();
    this.statusLines.set(d.id, status);
    return h(
      'article',
      { className: 'card dataset', 'data-dataset-id': d.id, 'aria-label': title },
      h('h3', { className: 'dataset-title' }, title),
      h(
        'p',
        {},
        statusBadge(d.status),
        ' ',
        draft && state !== d.status ? statusBadge(state, `draft: ${state.replace(/_/g, ' ')}`) : null,
        d.latestVersion ? ` version ${d.latestVersion} published` : '',
      ),
      h(
        'dl',
        { className: 'facts' },
        h('dt', {}, 'Price'),
        h('dd', {}, formatUsd(draft?.priceUsdCents ?? d.published?.priceUsdCents ?? 0)),
        h('dt', {}, 'Captures'),
        h('dd', {}, draft?.captureIds.length ?? d.published?.coverage.fileCount ?? 0),
        draft?.state === 'in_review' && draft.submittedAt ? [h('dt', {}, 'Submitted'), h('dd', {}, formatDate(draft.submittedAt))] : null,
      ),
      draft?.reviewReason ? h('p', { className: 'review-reason' }, h('strong', {}, 'Reviewer: '), draft.reviewReason) : null,
      d.takedownReason ? h('p', { className: 'error' }, `Taken down: ${d.takedownReason}`) : null,
      draft && draft.missingDeclarations.length > 0
        ? h(
            'div',
            {},
            h('p', {}, 'Still missing before it can be submitted:'),
            h(
              'ul',
              { className: 'missing' },
              draft.missingDeclarations.map((m) => h('li', {}, m)),
            ),
          )
        : null,
      weights.length
        ? h(
            'details',
            { open: draft?.state === 'editing' },
            h(
              'summary',
              {},
              `Revenue split (${policy ? `weighted by ${policy.weighting}, curator ${(policy.curatorBps / 100).toFixed(2)}%` : 'weighted by bytes'})`,
            ),
            h('p', { className: 'hint' }, 'After the platform fee (and any curator share), contributors share each sale by these weights:'),
            h(
              'ul',
              {},
              weights.map((w) =>
                h(
                  'li',
                  {},
                  `${w.contributorId === this.user.id ? 'You' : shorten(w.contributorId)}: ${(w.weightBps / 100).toFixed(2)}% (${w.files} files, ${formatBytes(w.bytes)})`,
                ),
              ),
            ),
          )
        : null,
      actions,
      status,
    );
  }

  /** @param {Dataset | null} dataset */
  async openForm(dataset) {
    const slot = this.formSlot;
    mount(slot, statusLine('Loading the form…'));
    /** @type {LicenceTemplate[]} */
    let licences;
    try {
      licences = await api('/v1/licences');
      await this.captures.refresh();
    } catch (error) {
      mount(slot, errorBox(error));
      return;
    }
    const form = datasetForm({
      dataset,
      ready: this.captures.ready,
      licences,
      onCancel: () => mount(slot),
      onSaved: async (saved) => {
        mount(slot);
        await this.load();
        this.tell(
          saved.id,
          saved.draft?.missingDeclarations.length
            ? 'Saved as a draft. Complete the declarations before submitting.'
            : 'Saved. Submit it for review when you are ready.',
        );
      },
    });
    mount(slot, form);
    form.querySelector('input')?.focus();
  }
}
