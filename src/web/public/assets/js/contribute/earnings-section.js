// Earnings: the contributor's share of every sale, each checked against the split root recorded on-chain in the page.
import { api } from '../api.js';
import { actionButton, errorBox, formatDate, formatMoney, h, mount, shorten, statusLine, dataTable, tableRow } from '../ui.js';
import { verifyEarning } from '../verify-proof.js';
import { statusBadge } from './status-badge.js';
/** @import { Earning, User } from '../../../types/api' */

const COLUMNS = ['Dataset sold', 'Order', 'Role', 'Sold', 'Amount', 'Paid out', 'On-chain record'];

const SLICE_UNITS = { km: ' of track', hour: ' of recording', gb: '' };

/**
 * What the sale was: the whole version, or a slice paid by what your captures in it delivered (issue 13).
 * @param {Earning} e
 */
function soldAs(e) {
  if (!e.slice) return 'whole version';
  const { unit, delivered, total } = e.slice;
  const amount = (/** @type {string} */ value) =>
    unit === 'km'
      ? `${(Number(value) / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 })} km`
      : unit === 'hour'
        ? `${(Number(value) / 3_600_000).toLocaleString('en-US', { maximumFractionDigits: 2 })} h`
        : `${Number(value).toLocaleString('en-US')} bytes`;
  return e.role === 'curator'
    ? `a slice (${amount(total)}${SLICE_UNITS[unit]}); your curator share`
    : `a slice: yours ${amount(delivered)} of its ${amount(total)}${SLICE_UNITS[unit]}`;
}

/**
 * Whether the sale came before or after each of your withdrawals from its dataset, or an admin's takedown of your
 * captures in it (issue 16): earlier sales paid for
 * the withdrawn captures and stay as they were; later ones paid only what remained.
 * @param {Earning} e
 */
function withdrawalWords(e) {
  return e.withdrawals.map((w) =>
    h(
      'div',
      { className: `earning-withdrawal ${w.sale}` },
      h('span', { className: `badge ${w.sale === 'before' ? 'ok' : 'warn'}` }, `${w.sale} ${w.kind}`),
      ` Sold ${w.sale} ${w.kind === 'takedown' ? 'an admin took down' : 'you withdrew'} ${w.captureCount} ${
        w.kind === 'takedown' ? 'of your captures' : `capture${w.captureCount === 1 ? '' : 's'}`
      } on ${formatDate(w.at)}: ${w.sale === 'before' ? 'it paid for them, and stays paid.' : 'it paid only your remaining captures.'}`,
    ),
  );
}

export class EarningsSection {
  /** @param {User} user */
  constructor(user) {
    // A split names a contributor by their sign-in wallet, or by their user id when they have none.
    this.payees = [user.id, ...(user.walletAddress ? [user.walletAddress] : [])];
    this.stopped = false;
    this.table = h('div', {}, statusLine('Loading your earnings…'));
    this.element = h(
      'div',
      {},
      h(
        'div',
        { className: 'actions' },
        actionButton('Refresh earnings', () => this.load(), { className: 'secondary' }),
      ),
      this.table,
    );
  }

  stop() {
    this.stopped = true;
  }

  async load() {
    /** @type {Earning[]} */
    let earnings;
    try {
      earnings = await api('/v1/me/earnings');
    } catch (error) {
      mount(this.table, errorBox(error));
      return;
    }
    if (this.stopped) return;
    if (earnings.length === 0) {
      mount(this.table, h('p', {}, 'No sales yet. Each sale of a dataset with your captures shows here, with a proof of your share.'));
      return;
    }
    mount(
      this.table,
      dataTable(
        'Your share of every sale',
        COLUMNS,
        earnings.map((e) => this.row(e)),
        'earnings',
      ),
    );
  }

  /** @param {Earning} e */
  row(e) {
    const sold = `${e.datasetTitle || 'a dataset no longer found'} (v${e.version})`;
    const result = statusLine();
    const verify = actionButton(
      'Verify on-chain',
      async () => {
        result.textContent = 'Reading the memo from the chain and folding the proof…';
        const outcome = await verifyEarning(e, this.payees);
        mount(
          result,
          outcome.ok ? [statusBadge('ready', 'verified'), ' ', outcome.message] : [statusBadge('rejected', 'not verified'), ' ', outcome.reason],
        );
      },
      { className: 'secondary', 'aria-label': `Verify on-chain: sale ${shorten(e.splitId)} of ${sold}` },
    );
    return tableRow(
      COLUMNS,
      [
        // The dataset by its title; the sale's id (what the split's leaf and memo name) beneath it.
        [h('span', {}, sold), h('br', {}), h('code', { className: 'hint', title: e.splitId }, shorten(e.splitId))],
        h('code', { title: e.orderId }, shorten(e.orderId)),
        e.role,
        [soldAs(e), withdrawalWords(e)],
        [formatMoney(e.amount, e.currency), e.refunded ? [' ', statusBadge('rejected', 'refunded')] : null],
        e.paidOut ? 'yes' : 'not yet',
        [e.txSignature ? h('code', { title: e.txSignature }, shorten(e.txSignature)) : 'pending', h('div', { className: 'actions' }, verify), result],
      ],
      { 'data-split-id': e.splitId },
    );
  }
}
