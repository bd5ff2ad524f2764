// Admin console: review queue, published datasets (takedown / reinstate), takedowns and withdrawals of captures, orders and
// refunds, payout runs, audit log.
import { api, query, session } from './api.js';
import { CAPTURE_HEADERS, captureRow, declarationList, licenceComparison, splitPolicyText } from './admin-views.js';
import { capturePreview } from './previews.js';
import { takedownsSection } from './admin-takedowns.js';
import {
  actionButton,
  errorBox,
  field,
  formatDate,
  formatMoney,
  formatUsd,
  unitPricesText,
  h,
  mount,
  on,
  shorten,
  signInPanel,
  startPage,
  statusLine,
  dataTable,
  tableRow,
} from './ui.js';
/**
 * @import { AdminOrder, AuditEvent, Capture, Dataset, DatasetSummary, LicenceTemplate, PageOf, PayoutRun, ReviewQueueItem, User }
 *   from '../../types/api'
 */

const { app } = startPage();
/** user id → email, from the admin user directory (first page), so tables name people instead of ids. */
/** @type {Map<string, string>} */
const people = new Map();
/** dataset id → title, learnt from every dataset this page has seen. */
/** @type {Map<string, string>} */
const titles = new Map();
/** @param {string} id */
const who = (id) => people.get(id) ?? shorten(id);
const announcer = statusLine();
/** @param {string} text */
const announce = (text) => {
  announcer.textContent = text;
};

/** @typedef {{ queue: () => Promise<void>, published: () => Promise<void>, takedowns: () => Promise<void>, audit: () => Promise<void> }} Refresh */

function render() {
  const user = session.user;
  if (!user) {
    mount(
      app,
      h('p', {}, 'Sign in with the admin account. Admin accounts are not registered here: the operator sets them up (ADMIN_EMAIL).'),
      signInPanel({ roles: ['buyer', 'contributor'], title: 'Admin sign in' }),
    );
    return;
  }
  if (user.role !== 'admin') {
    mount(
      app,
      h(
        'div',
        { className: 'card', role: 'alert' },
        h('h2', {}, 'This account is not an admin'),
        h('p', {}, `${user.email ?? user.walletAddress ?? user.id} is signed in as a ${user.role}. The admin console needs an admin account.`),
        h(
          'div',
          { className: 'actions' },
          on(h('button', { type: 'button' }, 'Sign out and use another account'), 'click', () => {
            session.clear();
          }),
          h(
            'a',
            { href: user.role === 'contributor' ? '/contribute' : '/' },
            user.role === 'contributor' ? 'Go to the contributor dashboard' : 'Go to the datasets',
          ),
        ),
      ),
    );
    return;
  }
  const sections = {
    queue: h('section', { 'aria-labelledby': 'queue-h' }),
    published: h('section', { 'aria-labelledby': 'published-h' }),
    takedowns: h('section', { 'aria-labelledby': 'takedowns-h' }),
    orders: h('section', { 'aria-labelledby': 'orders-h' }),
    payouts: h('section', { 'aria-labelledby': 'payouts-h' }),
    audit: h('section', { 'aria-labelledby': 'audit-h' }),
  };
  mount(
    app,
    announcer,
    h(
      'nav',
      { 'aria-label': 'Console sections', className: 'actions' },
      h('a', { href: '#queue-h' }, 'Review queue'),
      h('a', { href: '#published-h' }, 'Published datasets'),
      h('a', { href: '#takedowns-h' }, 'Takedowns and withdrawals'),
      h('a', { href: '#orders-h' }, 'Orders and refunds'),
      h('a', { href: '#payouts-h' }, 'Payouts'),
      h('a', { href: '#audit-h' }, 'Audit log'),
    ),
    Object.values(sections),
  );
  /** @type {Refresh} */
  const refresh = {
    queue: () => reviewQueue(sections.queue, refresh),
    published: () => publishedDatasets(sections.published, refresh),
    takedowns: () => takedownsSection(sections.takedowns, refresh, announce, who),
    audit: () => auditLog(sections.audit),
  };
  /** @type {Promise<PageOf<User>>} */ (api('/v1/admin/users?limit=100'))
    .then((page) => {
      for (const u of page.items) people.set(u.id, u.email ?? u.walletAddress ?? u.id);
    })
    .catch(() => undefined)
    .finally(() => {
      orders(sections.orders);
      payouts(sections.payouts);
      // The audit log names datasets by the titles the other two sections learn, so it loads after them.
      void Promise.all([refresh.queue(), refresh.published(), refresh.takedowns()]).finally(refresh.audit);
    });
}

// ---- review queue ----
/** @type {Map<string, LicenceTemplate> | null} */
let licences = null;

/**
 * @param {HTMLElement} section
 * @param {Refresh} refresh
 */
async function reviewQueue(section, refresh) {
  mount(section, h('h2', { id: 'queue-h' }, 'Review queue'), statusLine('Loading the queue…'));
  try {
    /** @type {LicenceTemplate[]} */
    const templates = await api('/v1/licences');
    licences ??= new Map(templates.map((l) => [l.id, l]));
    /** @type {ReviewQueueItem[]} */
    const items = await api('/v1/admin/reviews?limit=20');
    const known = licences;
    mount(
      section,
      h('h2', { id: 'queue-h' }, `Review queue (${items.length})`),
      items.length === 0 ? h('p', {}, 'Nothing waiting for review.') : h('p', { className: 'hint' }, 'Oldest submission first.'),
      items.map((item) => reviewCard(item, known, refresh)),
    );
  } catch (error) {
    mount(section, h('h2', { id: 'queue-h' }, 'Review queue'), errorBox(error));
  }
}

/**
 * @param {ReviewQueueItem} item
 * @param {Map<string, LicenceTemplate>} templates
 * @param {Refresh} refresh
 */
function reviewCard(item, templates, refresh) {
  const { dataset, changes } = item;
  const draft = dataset.draft;
  const title = draft?.title ?? dataset.published?.title ?? dataset.id;
  titles.set(dataset.id, title);
  const template = draft ? templates.get(draft.licenceTemplateId) : undefined;
  const rows = item.captures.map(captureRow);
  const reason = h('textarea', { name: 'reason', maxlength: 2000 });
  const headingId = `review-${dataset.id}`;
  const loadDetails = actionButton(
    'Load checksums, durations, time ranges and areas',
    async () => {
      const pending = [...rows];
      const worker = async () => {
        for (let next = pending.shift(); next; next = pending.shift()) {
          /** @type {Capture} */
          const full = await api(`/v1/captures/${next.id}`);
          next.fill(full);
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      loadDetails.remove();
    },
    { className: 'secondary' },
  );
  const previews = h('div', { className: 'review-previews' });
  // What the files hold, as a buyer will see it: frames, renderings, topics, rows and plots of each capture.
  const showPreviews = actionButton(
    'Show previews of the captures',
    () => {
      mount(
        previews,
        item.captures.map((c) => capturePreview(c.id, c.filename)),
      );
      showPreviews.remove();
      return Promise.resolve();
    },
    { className: 'secondary' },
  );
  /**
   * @param {'approve' | 'request-changes' | 'reject'} action
   * @param {string} label
   * @param {string} className
   */
  const decide = (action, label, className) =>
    actionButton(
      label,
      async () => {
        const text = reason.value.trim();
        const needsReason = action !== 'approve';
        if (needsReason && !text) throw new Error('Give a reason: the contributor sees it.');
        await api(`/v1/admin/datasets/${dataset.id}/${action}`, {
          method: 'POST',
          body: needsReason ? { reason: text } : text ? { note: text } : {},
        });
        announce(`${title}: ${action === 'approve' ? 'approved and published' : action === 'reject' ? 'rejected' : 'changes requested'}.`);
        void refresh.queue();
        void refresh.published();
        void refresh.audit();
      },
      { className },
    );
  const changed = changes.firstVersion
    ? 'First version: everything is new.'
    : `Since version ${changes.sinceVersion ?? '?'}: ${changes.changedFields.join(', ') || 'nothing'}; ${changes.addedCaptureIds.length} captures added, ${changes.removedCaptureIds.length} removed.`;
  return h(
    'article',
    { className: 'card review', 'aria-labelledby': headingId },
    h('h3', { id: headingId }, title),
    draft ? draft.description.split(/\n{2,}/).map((p) => h('p', { className: 'prose' }, p)) : null,
    h(
      'dl',
      { className: 'facts' },
      h('dt', {}, 'Contributor'),
      h('dd', {}, who(dataset.ownerId)),
      h('dt', {}, 'Submitted'),
      h('dd', {}, formatDate(item.submittedAt)),
      h('dt', {}, 'Price'),
      h('dd', {}, formatUsd(draft?.priceUsdCents ?? 0)),
      h('dt', {}, 'Unit prices'),
      h('dd', {}, unitPricesText(draft?.unitPrices) ?? 'none: sold whole only'),
      h('dt', {}, 'Revision'),
      h('dd', {}, draft?.revision ?? '—'),
      h('dt', {}, 'What changed'),
      h('dd', {}, changed),
      h('dt', {}, 'Revenue split'),
      h('dd', {}, splitPolicyText(draft?.splitPolicy ?? null, draft?.contributors ?? [], who)),
    ),
    h('h4', {}, 'Declarations'),
    declarationList(draft?.declarations ?? {}),
    h('h4', {}, `Licence: ${template ? template.name : (draft?.licenceTemplateId ?? '—')}`),
    draft ? licenceComparison(draft.licenceTerms, template?.terms) : null,
    h('h4', {}, `Captures (${item.captureCount}${item.captureCount > item.captures.length ? `, first ${item.captures.length} shown` : ''})`),
    h(
      'div',
      { className: 'table-scroll' },
      dataTable(
        `Captures of ${title}`,
        CAPTURE_HEADERS,
        rows.map((r) => r.row),
      ),
    ),
    h('div', { className: 'actions' }, loadDetails, showPreviews),
    previews,
    h('h4', {}, 'Decision'),
    field(`Reason for ${title}`, reason, 'Required to reject or request changes; an optional note when approving.'),
    h(
      'div',
      { className: 'actions' },
      decide('approve', 'Approve', ''),
      decide('request-changes', 'Request changes', 'secondary'),
      decide('reject', 'Reject', 'danger'),
    ),
  );
}

// ---- published and taken-down datasets ----
const PUBLISHED_COLUMNS = ['Dataset', 'Version', 'Price', 'State', 'Action (reason required)'];

/** @typedef {{ id: string, title: string, version: number | null, priceUsdCents: number, takedownReason: string | null }} ListedDataset */

/** @param {DatasetSummary} d @returns {ListedDataset} */
const listedRow = (d) => ({ id: d.id, title: d.title, version: d.version, priceUsdCents: d.priceUsdCents, takedownReason: null });
/** @param {Dataset} d @returns {ListedDataset} */
const takenDownRow = (d) => ({
  id: d.id,
  title: d.published?.title ?? d.id,
  version: d.latestVersion,
  priceUsdCents: d.published?.priceUsdCents ?? 0,
  takedownReason: d.takedownReason ?? null,
});

/**
 * @param {HTMLElement} section
 * @param {Refresh} refresh
 */
async function publishedDatasets(section, refresh) {
  mount(section, h('h2', { id: 'published-h' }, 'Published datasets'), statusLine('Loading…'));
  try {
    /** @type {PageOf<DatasetSummary>} */
    const listed = await api('/v1/datasets?limit=50');
    // Taken-down datasets are unlisted; the audit log names them, and admins may still read each one.
    /** @type {PageOf<AuditEvent>} */
    const audit = await api('/v1/admin/audit?limit=200');
    const ids = [...new Set(audit.items.filter((e) => e.action === 'taken-down').map((e) => e.datasetId))];
    const read = await Promise.all(ids.map((id) => /** @type {Promise<Dataset>} */ (api(`/v1/datasets/${id}`)).catch(() => null)));
    const down = read.flatMap((d) => (d?.status === 'taken_down' ? [d] : []));
    /**
     * @param {ListedDataset} d
     * @param {'takedown' | 'reinstate'} action
     */
    const row = (d, action) => {
      titles.set(d.id, d.title);
      const verb = action === 'takedown' ? 'take down' : 'reinstate';
      const reason = h('input', { type: 'text', name: 'reason', maxlength: 2000, 'aria-label': `Reason to ${verb} ${d.title}` });
      const button = actionButton(
        action === 'takedown' ? `Take down ${d.title}` : `Reinstate ${d.title}`,
        async () => {
          if (!reason.value.trim()) throw new Error('Give a reason: it goes into the audit log and the custody record.');
          await api(`/v1/admin/datasets/${d.id}/${action}`, { method: 'POST', body: { reason: reason.value.trim() } });
          announce(`${d.title}: ${action === 'takedown' ? 'taken down' : 'reinstated'}.`);
          void refresh.published();
          void refresh.audit();
        },
        { className: action === 'takedown' ? 'danger' : '' },
      );
      return tableRow(PUBLISHED_COLUMNS, [
        h('a', { href: `/datasets/${d.id}` }, d.title),
        d.version ?? '—',
        formatUsd(d.priceUsdCents),
        action === 'reinstate'
          ? [h('span', { className: 'badge bad' }, 'taken down'), ' ', d.takedownReason ?? '']
          : h('span', { className: 'badge ok' }, 'listed'),
        h('div', { className: 'actions' }, reason, button),
      ]);
    };
    mount(
      section,
      h('h2', { id: 'published-h' }, 'Published datasets'),
      listed.items.length + down.length === 0
        ? h('p', {}, 'No published datasets yet.')
        : dataTable('Published and taken-down datasets', PUBLISHED_COLUMNS, [
            listed.items.map((d) => row(listedRow(d), 'takedown')),
            down.map((d) => row(takenDownRow(d), 'reinstate')),
          ]),
    );
  } catch (error) {
    mount(section, h('h2', { id: 'published-h' }, 'Published datasets'), errorBox(error));
  }
}

// ---- orders and refunds ----
/** @param {HTMLElement} section */
function orders(section) {
  const status = h(
    'select',
    { name: 'status' },
    h('option', { value: '' }, 'any'),
    ['pending', 'paid', 'fulfilled', 'expired', 'cancelled', 'refunded'].map((s) => h('option', { value: s }, s)),
  );
  const method = h(
    'select',
    { name: 'paymentMethod' },
    h('option', { value: '' }, 'any'),
    h('option', { value: 'card' }, 'card'),
    h('option', { value: 'solana' }, 'USDC (Solana)'),
  );
  const table = dataTable('Orders, newest first', ORDER_COLUMNS, []);
  const body = table.tBodies[0];
  const more = h('div', { className: 'actions' });
  const out = h('div');
  /** @param {string} [cursor] */
  const load = async (cursor) => {
    if (!cursor) body.replaceChildren();
    more.replaceChildren();
    try {
      /** @type {PageOf<AdminOrder>} */
      const page = await api(`/v1/admin/orders${query({ status: status.value, paymentMethod: method.value, limit: 25, cursor })}`);
      mount(out, page.items.length === 0 && !cursor ? h('p', {}, 'No orders match.') : null);
      body.append(...page.items.map((o) => orderRow(o, () => void load())));
      const next = page.nextCursor;
      if (next) more.append(actionButton('More orders', () => load(next), { className: 'secondary' }));
    } catch (error) {
      mount(out, errorBox(error));
    }
  };
  on(status, 'change', () => void load());
  on(method, 'change', () => void load());
  mount(
    section,
    h('h2', { id: 'orders-h' }, 'Orders and refunds'),
    h('div', { className: 'filters' }, field('Status', status), field('Payment method', method)),
    table,
    more,
    out,
  );
  void load();
}

const ORDER_COLUMNS = ['Placed', 'Dataset', 'Buyer', 'Method', 'Amount', 'Status', 'Refund'];
/** @type {Record<string, string>} */
const ORDER_BADGE = { paid: 'ok', fulfilled: 'ok', refunded: 'bad', pending: 'warn' };

/**
 * @param {AdminOrder} order
 * @param {() => void} reload
 */
function orderRow(order, reload) {
  const cell = h('div');
  const refundable = order.status === 'paid' || order.status === 'fulfilled';
  if (refundable) {
    const start = h('button', { type: 'button', className: 'secondary' }, `Refund order ${shorten(order.id, 4)}`);
    on(start, 'click', () => {
      const reason = h('input', { type: 'text', name: 'reason', maxlength: 2000, required: true });
      const confirm = actionButton(
        'Confirm refund',
        async () => {
          if (!reason.value.trim()) throw new Error('Give a reason for the refund.');
          /** @type {AdminOrder} */
          const refunded = await api(`/v1/admin/orders/${order.id}/refund`, { method: 'POST', body: { reason: reason.value.trim() } });
          announce(
            `Order ${shorten(order.id, 4)} is ${refunded.status}: ${formatMoney(refunded.amount.minor, refunded.amount.currency)} goes back to the buyer and the licence is revoked.`,
          );
          reload();
        },
        { className: 'danger' },
      );
      const cancel = on(h('button', { type: 'button', className: 'secondary' }, 'Cancel'), 'click', () => {
        mount(cell, start);
      });
      mount(
        cell,
        h('p', {}, `Refund ${formatMoney(order.amount.minor, order.amount.currency)} and revoke the licence?`),
        field('Refund reason', reason),
        h('div', { className: 'actions' }, confirm, cancel),
      );
      reason.focus();
    });
    cell.append(start);
  } else {
    cell.append(order.status === 'refunded' ? (order.statusReason ?? '') : '—');
  }
  return tableRow(
    ORDER_COLUMNS,
    [
      formatDate(order.createdAt),
      [h('a', { href: `/datasets/${order.datasetId}` }, order.datasetTitle), ` v${order.version}`],
      order.buyerEmail ?? (order.buyerWallet ? shorten(order.buyerWallet) : who(order.buyerId)),
      order.paymentMethod === 'solana' ? 'USDC' : 'card',
      formatMoney(order.amount.minor, order.amount.currency),
      h('span', { className: `badge ${ORDER_BADGE[order.status] ?? ''}` }, order.status),
      cell,
    ],
    { 'data-order-id': order.id },
  );
}

// ---- payouts ----
const PAYOUT_COLUMNS = ['Payee', 'Amount', 'Paid to', 'Transaction', 'Status'];
/** @param {HTMLElement} section */
function payouts(section) {
  const out = h('div');
  /** @param {number} n @param {string} word */
  const count = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const run = actionButton('Run payouts now', async () => {
    /** @type {PayoutRun} */
    const result = await api('/v1/admin/payouts/run', { method: 'POST' });
    announce(`Payout run finished: ${count(result.payouts.length, 'payout')}, ${count(result.transactions, 'transaction')}.`);
    mount(
      out,
      h('p', {}, `${count(result.payouts.length, 'payout')}; ${count(result.transactions, 'transaction')} confirmed.`),
      result.payouts.length === 0
        ? h('p', {}, 'Nobody has a balance at or above the payout threshold.')
        : dataTable(
            'Payout run result',
            PAYOUT_COLUMNS,
            result.payouts.map((p) =>
              tableRow(PAYOUT_COLUMNS, [
                who(p.payee),
                formatMoney(p.amount, p.currency),
                p.destination ? h('code', { title: p.destination }, shorten(p.destination)) : '—',
                p.txSignature ? h('code', { title: p.txSignature }, shorten(p.txSignature, 10)) : '—',
                [
                  h('span', { className: `badge ${p.status === 'paid' ? 'ok' : p.status === 'held' ? 'bad' : 'warn'}` }, p.status),
                  p.reason ? ` ${p.reason}` : '',
                ],
              ]),
            ),
          ),
    );
  });
  mount(
    section,
    h('h2', { id: 'payouts-h' }, 'Payouts'),
    h('p', {}, 'Pays every contributor and curator whose balance has reached the threshold (the schedule does the same).'),
    h('div', { className: 'actions' }, run),
    out,
  );
}

// ---- audit log ----
const AUDIT_COLUMNS = ['Time', 'Action', 'Dataset', 'Actor', 'Reason'];
/** @param {HTMLElement} section */
async function auditLog(section) {
  const table = dataTable('Audit log, newest first', AUDIT_COLUMNS, []);
  const body = table.tBodies[0];
  const more = h('div', { className: 'actions' });
  mount(section, h('h2', { id: 'audit-h' }, 'Audit log'), table, more);
  /** @param {string} [cursor] */
  const load = async (cursor) => {
    more.replaceChildren();
    try {
      /** @type {PageOf<AuditEvent>} */
      const page = await api(`/v1/admin/audit${query({ limit: 25, cursor })}`);
      // Datasets neither in the queue nor listed (rejected, sent back, taken down) are named by reading them.
      const unnamed = [...new Set(page.items.map((e) => e.datasetId))].filter((id) => !titles.has(id));
      await Promise.all(
        unnamed.map((id) =>
          /** @type {Promise<Dataset>} */ (api(`/v1/datasets/${id}`)).then(
            (d) => {
              titles.set(id, d.draft?.title ?? d.published?.title ?? shorten(id));
            },
            () => undefined,
          ),
        ),
      );
      body.append(
        ...page.items.map((e) =>
          tableRow(AUDIT_COLUMNS, [
            formatDate(e.at),
            [e.action, e.version ? ` (v${e.version})` : ''],
            h('a', { href: `/datasets/${e.datasetId}` }, titles.get(e.datasetId) ?? shorten(e.datasetId)),
            who(e.actorId),
            e.reason ?? '',
          ]),
        ),
      );
      const next = page.nextCursor;
      if (next) more.append(actionButton('Older entries', () => load(next), { className: 'secondary' }));
    } catch (error) {
      mount(more, errorBox(error));
    }
  };
  await load();
}

window.addEventListener('session-changed', render);
render();
