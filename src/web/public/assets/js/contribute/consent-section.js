// Consent requests: drafts of others (curators, admins) that hold your captures wait for you. Each shows what it is,
// who may buy it and for what, its price and your share; you grant (signed by your wallet when you have one, or by your
// session) or decline with a reason, which takes your captures out of the draft. Below, the grants you gave.
import { api } from '../api.js';
import {
  actionButton,
  dataTable,
  errorBox,
  field,
  formatDate,
  formatUsd,
  h,
  mount,
  shorten,
  statusLine,
  tableRow,
  walletProvider,
  walletSignature,
} from '../ui.js';
import { AdvanceGrantsSection } from './advance-grants-section.js';
import { statusBadge } from './status-badge.js';
/** @import { ConsentRecord, ConsentRequest, User } from '../../../types/api' */

const RECORD_COLUMNS = ['When', 'Dataset', 'Answer', 'Captures', 'Signed by', 'Expires', 'Grant hash'];

export class ConsentSection {
  /** @param {User} user */
  constructor(user) {
    this.user = user;
    this.requests = h('div', { className: 'consent-requests' }, statusLine('Loading consent requests…'));
    this.records = h('div', {});
    this.withdrawal = h('div', {});
    this.status = statusLine();
    this.advance = new AdvanceGrantsSection(user, () => this.load());
    this.element = h(
      'div',
      {},
      h(
        'div',
        { className: 'actions' },
        actionButton('Refresh requests', () => this.load(), { className: 'secondary' }),
      ),
      this.status,
      this.requests,
      h('h3', {}, 'Your answers'),
      this.records,
      this.withdrawal,
      this.advance.element,
    );
  }

  async load() {
    try {
      /** @type {ConsentRequest[]} */
      const requests = await api('/v1/me/consent-requests');
      /** @type {ConsentRecord[]} */
      const records = await api('/v1/me/consents');
      mount(
        this.requests,
        requests.length === 0 ? h('p', { className: 'empty' }, 'No draft of anyone else holds your captures.') : requests.map((r) => this.card(r)),
      );
      mount(
        this.records,
        records.length === 0
          ? h('p', { className: 'empty' }, 'You have not granted or declined anything yet.')
          : dataTable('Your consent answers', RECORD_COLUMNS, records.map(recordRow), 'consent-records'),
      );
      mount(this.withdrawal, this.withdrawForm(records));
      await this.advance.load();
    } catch (error) {
      mount(this.requests, errorBox(error));
    }
  }

  /** @param {ConsentRequest} r */
  card(r) {
    const reason = h('textarea', { rows: 2, maxLength: 2000, placeholder: 'Why not? The curator sees this.' });
    const wallet = this.user.walletAddress && r.walletMessage ? walletProvider() : null;
    const answered = r.status !== 'waiting';
    return h(
      'article',
      { className: 'card consent-request', 'aria-label': `Consent request: ${r.title}` },
      h('h3', {}, r.title),
      h('p', {}, statusBadge(r.status === 'granted' ? 'ready' : r.status === 'declined' ? 'rejected' : 'processing', statusWords(r))),
      h(
        'dl',
        { className: 'facts' },
        h('dt', {}, 'Licence'),
        h('dd', {}, r.licenceName),
        h('dt', {}, 'Price'),
        h('dd', {}, formatUsd(r.priceUsdCents)),
        h('dt', {}, 'Your share'),
        h('dd', {}, `${(r.shareBps / 100).toFixed(2)}% of the contributors' pool`),
        h('dt', {}, 'Your captures'),
        h('dd', {}, String(r.captureIds.length)),
      ),
      h(
        'ul',
        { className: 'plain-terms' },
        r.plainTerms.map((line) => h('li', {}, line)),
      ),
      h('details', {}, h('summary', {}, 'What you sign'), h('pre', { className: 'consent-message' }, r.walletMessage ?? r.sessionMessage)),
      answered && r.status === 'granted'
        ? null
        : h(
            'div',
            { className: 'actions' },
            wallet
              ? actionButton(
                  'Grant with my wallet',
                  async () => {
                    const signature = await walletSignature(wallet, r.walletMessage ?? '');
                    await this.answer(
                      'grants',
                      r,
                      { grant: r.grant, method: 'wallet', address: this.user.walletAddress, signature },
                      'Granted, signed by your wallet.',
                    );
                  },
                  { 'aria-label': `Grant ${r.title} with my wallet` },
                )
              : null,
            actionButton(
              wallet ? 'Grant without the wallet' : 'Grant',
              () => this.answer('grants', r, { grant: r.grant, method: 'session' }, 'Granted.'),
              { className: wallet ? 'secondary' : '', 'aria-label': `Grant ${r.title}` },
            ),
          ),
      // An advance grant covers the draft until it is submitted: declining it still wins.
      r.status === 'waiting' || r.advanceGrantHash
        ? h(
            'div',
            { className: 'decline' },
            field('Reason for declining', reason),
            actionButton('Decline', () => this.answer('declines', r, { reason: reason.value.trim() }, 'Declined: your captures left the draft.'), {
              className: 'danger',
              'aria-label': `Decline ${r.title}`,
            }),
          )
        : null,
    );
  }

  /**
   * Withdraw your captures from a dataset you granted: its listed version stops being sold and the next version
   * without them goes to review.
   * @param {ConsentRecord[]} records
   */
  withdrawForm(records) {
    const datasets = new Map(records.filter((c) => c.kind === 'grant').map((c) => [c.datasetId, c.datasetTitle]));
    if (datasets.size === 0) return null;
    const select = h(
      'select',
      {},
      [...datasets].map(([id, title]) => h('option', { value: id }, `${title || 'Untitled dataset'} (${shorten(id, 4)})`)),
    );
    const reason = h('textarea', {
      rows: 2,
      maxLength: 2000,
      placeholder: 'What is wrong? Admins and buyers see that captures were withdrawn, not why.',
    });
    return h(
      'form',
      { className: 'card withdraw', 'aria-label': 'Withdraw consent' },
      h('h3', {}, 'Withdraw'),
      h('p', {}, 'Withdrawing stops the sale of the dataset at once; its next version, without your captures, goes to review.'),
      field('Dataset', select),
      field('Reason for withdrawing', reason),
      actionButton(
        'Withdraw my captures',
        async () => {
          /** @type {ConsentRecord} */
          const done = await api(`/v1/datasets/${select.value}/consent/withdrawals`, { method: 'POST', body: { reason: reason.value.trim() } });
          await this.load();
          this.status.textContent = `Withdrew ${done.captureIds.length} capture(s): the dataset is no longer sold until its next version is reviewed.`;
        },
        { className: 'danger' },
      ),
    );
  }

  /**
   * @param {'grants' | 'declines'} kind
   * @param {ConsentRequest} r
   * @param {Record<string, unknown>} body
   * @param {string} done
   */
  async answer(kind, r, body, done) {
    await api(`/v1/datasets/${r.datasetId}/consent/${kind}`, { method: 'POST', body });
    await this.load();
    this.status.textContent = `${r.title}: ${done}`;
  }
}

/** @param {ConsentRequest} r */
function statusWords(r) {
  if (r.status === 'granted' && r.advanceGrantHash) return `covered by your advance grant ${r.advanceGrantHash.slice(0, 8)}`;
  if (r.status === 'granted') return 'you granted';
  if (r.status === 'declined') return 'you declined';
  return r.waitingReason === 'has not answered yet' ? 'waiting for you' : `waiting for you: ${r.waitingReason ?? ''}`;
}

/**
 * The dataset by its title, with its short id beneath (titles may repeat; the id is what the custody log names).
 * @param {ConsentRecord} c
 */
function datasetName(c) {
  return [
    // Not a link: a draft of another contributor has no page you can open.
    h('span', {}, c.datasetTitle || 'Untitled dataset'),
    h('br', {}),
    h('code', { className: 'hint', title: c.datasetId }, shorten(c.datasetId, 4)),
  ];
}

/** @param {ConsentRecord} c */
function recordRow(c) {
  return tableRow(RECORD_COLUMNS, [
    formatDate(c.createdAt),
    datasetName(c),
    c.kind === 'grant' ? 'granted' : `${c.kind === 'decline' ? 'declined' : 'withdrew'}: ${c.reason ?? ''}`,
    String(c.captureIds.length),
    c.method === 'wallet' ? 'wallet' : c.method === 'session' ? 'session' : c.method === 'advance' ? 'advance grant' : '–',
    c.expiresAt ? formatDate(c.expiresAt) : '–',
    h('code', { title: c.hash }, shorten(c.hash, 8)),
  ]);
}
