// Admin console: review queue, published datasets (takedown / reinstate), orders and refunds, payout runs, audit log.
import { api, query, session } from './api.js';
import { busy, errorBox, field, formatDate, formatMoney, formatUsd, h, mount, shorten, signInPanel, startPage, statusLine } from './ui.js';
import { CAPTURE_HEADERS, captureRow, declarationList, licenceTerms, splitPolicyText } from './admin-views.js';

startPage();
const app = document.getElementById('app');
/** user id → email, from the admin user directory (first page), so tables name people instead of ids. */
const people = new Map();
/** dataset id → title, learnt from every dataset this page has seen. */
const titles = new Map();
const who = (id) => people.get(id) ?? shorten(id);
const announcer = statusLine();

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
        h('p', {}, `${user.email ?? user.wallet ?? user.id} is signed in as a ${user.role}. The admin console needs an admin account.`),
        h(
          'div',
          { className: 'actions' },
          h(
            'button',
            {
              type: 'button',
              onclick: () => {
                session.clear();
              },
            },
            'Sign out and use another account',
          ),
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
    orders: h('section', { 'aria-labelledby': 'orders-h' }),
    payouts: h('section', { 'aria-labelledby': 'payouts-h' }),
    audit: h('section', { 'aria-labelledby': 'audit-h' }),
  };
  mount(
    app,
    announcer,
    h('nav', { 'aria-label': 'Console sections', className: 'actions' }, [
      h('a', { href: '#queue-h' }, 'Review queue'),
      h('a', { href: '#published-h' }, 'Published datasets'),
      h('a', { href: '#orders-h' }, 'Orders and refunds'),
      h('a', { href: '#payouts-h' }, 'Payouts'),
      h('a', { href: '#audit-h' }, 'Audit log'),
    ]),
    Object.values(sections),
  );
  const refresh = {
    queue: () => reviewQueue(sections.queue, refresh),
    published: () => publishedDatasets(sections.published, refresh),
    audit: () => auditLog(sections.audit),
  };
  api('/v1/admin/users?limit=100')
    .then((page) => page.items.forEach((u) => people.set(u.id, u.email ?? u.walletAddress ?? u.id)))
    .catch(() => undefined)
    .finally(() => {
      orders(sections.orders);
      payouts(sections.payouts);
      // The audit log names datasets by the titles the other two sections learn, so it loads after them.
      Promise.all([refresh.queue(), refresh.published()]).finally(refresh.audit);
    });
}

const announce = (text) => {
  announcer.textContent = text;
};

// ---- review queue ----
let licences = null;
async function reviewQueue(section, refresh) {
  mount(section, h('h2', { id: 'queue-h' }, 'Review queue'), statusLine('Loading the queue…'));
  try {
    licences ??= new Map((await api('/v1/licences')).map((l) => [l.id, l]));
    const items = await api('/v1/admin/reviews?limit=20');
    mount(
      section,
      h('h2', { id: 'queue-h' }, `Review queue (${items.length})`),
      items.length === 0 ? h('p', {}, 'Nothing waiting for review.') : h('p', { className: 'hint' }, 'Oldest submission first.'),
      items.map((item) => reviewCard(item, refresh)),
    );
  } catch (error) {
    mount(section, h('h2', { id: 'queue-h' }, 'Review queue'), errorBox(error));
  }
}

function reviewCard(item, refresh) {
  const { dataset, changes } = item;
  const draft = dataset.draft ?? {};
  titles.set(dataset.id, draft.title);
  const template = licences.get(draft.licenceTemplateId);
  const rows = item.captures.map(captureRow);
  const reason = h('textarea', { name: 'reason', maxlength: 2000 });
  const headingId = `review-${dataset.id}`;
  const loadDetails = h('button', { type: 'button', className: 'secondary' }, 'Load checksums, durations, time ranges and areas');
  loadDetails.addEventListener('click', () =>
    busy(loadDetails, async () => {
      const pending = [...rows];
      const worker = async () => {
        for (let next = pending.shift(); next; next = pending.shift()) next.fill(await api(`/v1/captures/${next.row.dataset.captureId}`));
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      loadDetails.remove();
    }),
  );
  const act = (action, needsReason) => async (event) => {
    const button = event.currentTarget;
    await busy(button, async () => {
      const text = reason.value.trim();
      if (needsReason && !text) throw new Error('Give a reason: the contributor sees it.');
      await api(`/v1/admin/datasets/${dataset.id}/${action}`, { method: 'POST', body: needsReason ? { reason: text } : text ? { note: text } : {} });
      announce(`${draft.title}: ${action === 'approve' ? 'approved and published' : action === 'reject' ? 'rejected' : 'changes requested'}.`);
      refresh.queue();
      refresh.published();
      refresh.audit();
    });
  };
  const changed = changes.firstVersion
    ? 'First version: everything is new.'
    : `Since version ${changes.sinceVersion}: ${changes.changedFields.join(', ') || 'nothing'}; ${changes.addedCaptureIds.length} captures added, ${changes.removedCaptureIds.length} removed.`;
  return h(
    'article',
    { className: 'card review', 'aria-labelledby': headingId },
    h('h3', { id: headingId }, draft.title ?? dataset.id),
    h('p', {}, draft.description ?? ''),
    h(
      'dl',
      { className: 'facts' },
      h('dt', {}, 'Contributor'),
      h('dd', {}, who(dataset.ownerId)),
      h('dt', {}, 'Submitted'),
      h('dd', {}, formatDate(item.submittedAt)),
      h('dt', {}, 'Price'),
      h('dd', {}, formatUsd(draft.priceUsdCents ?? 0)),
      h('dt', {}, 'Revision'),
      h('dd', {}, String(draft.revision ?? '—')),
      h('dt', {}, 'What changed'),
      h('dd', {}, changed),
      h('dt', {}, 'Revenue split'),
      h('dd', {}, splitPolicyText(draft.splitPolicy, draft.contributors)),
    ),
    h('h4', {}, 'Declarations'),
    declarationList(draft.declarations),
    h('h4', {}, `Licence: ${template ? template.name : draft.licenceTemplateId}`),
    draft.licenceTerms ? licenceTerms(draft.licenceTerms, template?.terms) : null,
    h('h4', {}, `Captures (${item.captureCount}${item.captureCount > item.captures.length ? `, first ${item.captures.length} shown` : ''})`),
    h(
      'div',
      { className: 'table-scroll' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            CAPTURE_HEADERS.map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          rows.map((r) => r.row),
        ),
      ),
    ),
    h('div', { className: 'actions' }, loadDetails),
    h('h4', {}, 'Decision'),
    field(`Reason for ${draft.title}`, reason, 'Required to reject or request changes; an optional note when approving.'),
    h(
      'div',
      { className: 'actions' },
      h('button', { type: 'button', onclick: act('approve', false) }, 'Approve'),
      h('button', { type: 'button', className: 'secondary', onclick: act('request-changes', true) }, 'Request changes'),
      h('button', { type: 'button', className: 'danger', onclick: act('reject', true) }, 'Reject'),
    ),
  );
}

// ---- published and taken-down datasets ----
async function publishedDatasets(section, refresh) {
  mount(section, h('h2', { id: 'published-h' }, 'Published datasets'), statusLine('Loading…'));
  try {
    const listed = (await api('/v1/datasets?limit=50')).items;
    // Taken-down datasets are unlisted; the audit log names them, and admins may still read each one.
    const events = (await api('/v1/admin/audit?limit=200')).items.filter((e) => e.action === 'taken-down');
    const ids = [...new Set(events.map((e) => e.datasetId))];
    const down = (await Promise.all(ids.map((id) => api(`/v1/datasets/${id}`).catch(() => null)))).filter((d) => d && d.status === 'taken_down');
    const reasonFor = (label) => h('input', { type: 'text', name: 'reason', maxlength: 2000, 'aria-label': label });
    const row = (d, action) => {
      const title = d.title ?? d.published?.title ?? d.id;
      titles.set(d.id, title);
      const reason = reasonFor(`Reason to ${action === 'takedown' ? 'take down' : 'reinstate'} ${title}`);
      const button = h(
        'button',
        { type: 'button', className: action === 'takedown' ? 'danger' : '' },
        action === 'takedown' ? `Take down ${title}` : `Reinstate ${title}`,
      );
      button.addEventListener('click', () =>
        busy(button, async () => {
          if (!reason.value.trim()) throw new Error('Give a reason: it goes into the audit log and the custody record.');
          await api(`/v1/admin/datasets/${d.id}/${action}`, { method: 'POST', body: { reason: reason.value.trim() } });
          announce(`${title}: ${action === 'takedown' ? 'taken down' : 'reinstated'}.`);
          refresh.published();
          refresh.audit();
        }),
      );
      return h(
        'tr',
        {},
        h('td', {}, h('a', { href: `/datasets/${d.id}` }, title)),
        h('td', {}, String(d.version ?? d.latestVersion ?? '—')),
        h('td', {}, formatUsd(d.priceUsdCents ?? d.published?.priceUsdCents ?? 0)),
        h(
          'td',
          {},
          action === 'reinstate'
            ? [h('span', { className: 'badge bad' }, 'taken down'), ' ', d.takedownReason ?? '']
            : h('span', { className: 'badge ok' }, 'listed'),
        ),
        h('td', {}, h('div', { className: 'actions' }, reason, button)),
      );
    };
    const head = h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Dataset', 'Version', 'Price', 'State', 'Action (reason required)'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    );
    mount(
      section,
      h('h2', { id: 'published-h' }, 'Published datasets'),
      listed.length + down.length === 0
        ? h('p', {}, 'No published datasets yet.')
        : h(
            'table',
            {},
            h('caption', { className: 'sr-only' }, 'Published and taken-down datasets'),
            head,
            h(
              'tbody',
              {},
              listed.map((d) => row(d, 'takedown')),
              down.map((d) => row(d, 'reinstate')),
            ),
          ),
    );
  } catch (error) {
    mount(section, h('h2', { id: 'published-h' }, 'Published datasets'), errorBox(error));
  }
}

// ---- orders and refunds ----
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
  const body = h('tbody');
  const more = h('div', { className: 'actions' });
  const out = h('div');
  const load = async (cursor) => {
    if (!cursor) body.replaceChildren();
    more.replaceChildren();
    try {
      const page = await api(`/v1/admin/orders${query({ status: status.value, paymentMethod: method.value, limit: 25, cursor })}`);
      out.replaceChildren(page.items.length === 0 && !cursor ? h('p', {}, 'No orders match.') : '');
      body.append(...page.items.map((o) => orderRow(o, () => load())));
      if (page.nextCursor) {
        const next = h('button', { type: 'button', className: 'secondary' }, 'More orders');
        next.addEventListener('click', () => busy(next, () => load(page.nextCursor)));
        more.append(next);
      }
    } catch (error) {
      out.replaceChildren(errorBox(error));
    }
  };
  status.addEventListener('change', () => load());
  method.addEventListener('change', () => load());
  mount(
    section,
    h('h2', { id: 'orders-h' }, 'Orders and refunds'),
    h('div', { className: 'filters' }, field('Status', status), field('Payment method', method)),
    h(
      'table',
      {},
      h('caption', { className: 'sr-only' }, 'Orders, newest first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Placed', 'Dataset', 'Buyer', 'Method', 'Amount', 'Status', 'Refund'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      body,
    ),
    more,
    out,
  );
  load();
}

function orderRow(order, reload) {
  const cell = h('td');
  const refundable = order.status === 'paid' || order.status === 'fulfilled';
  if (refundable) {
    const start = h('button', { type: 'button', className: 'secondary' }, `Refund order ${shorten(order.id, 4)}`);
    start.addEventListener('click', () => {
      const reason = h('input', { type: 'text', name: 'reason', maxlength: 2000, required: true });
      const confirm = h('button', { type: 'button', className: 'danger' }, 'Confirm refund');
      const cancel = h('button', { type: 'button', className: 'secondary' }, 'Cancel');
      cancel.addEventListener('click', () => mount(cell, start));
      confirm.addEventListener('click', () =>
        busy(confirm, async () => {
          if (!reason.value.trim()) throw new Error('Give a reason for the refund.');
          const refunded = await api(`/v1/admin/orders/${order.id}/refund`, { method: 'POST', body: { reason: reason.value.trim() } });
          announce(
            `Order ${shorten(order.id, 4)} is ${refunded.status}: ${formatMoney(refunded.amount.minor, refunded.amount.currency)} goes back to the buyer and the licence is revoked.`,
          );
          reload();
        }),
      );
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
  const badge = { paid: 'ok', fulfilled: 'ok', refunded: 'bad', pending: 'warn' }[order.status] ?? '';
  return h(
    'tr',
    { dataset: { orderId: order.id } },
    h('td', {}, formatDate(order.createdAt)),
    h('td', {}, h('a', { href: `/datasets/${order.datasetId}` }, order.datasetTitle), ` v${order.version}`),
    h('td', {}, order.buyerEmail ?? (order.buyerWallet ? shorten(order.buyerWallet) : who(order.buyerId))),
    h('td', {}, order.paymentMethod === 'solana' ? 'USDC' : 'card'),
    h('td', {}, formatMoney(order.amount.minor, order.amount.currency)),
    h('td', {}, h('span', { className: `badge ${badge}` }, order.status)),
    cell,
  );
}

// ---- payouts ----
function payouts(section) {
  const out = h('div');
  const run = h('button', { type: 'button' }, 'Run payouts now');
  run.addEventListener('click', () =>
    busy(run, async () => {
      const result = await api('/v1/admin/payouts/run', { method: 'POST' });
      announce(
        `Payout run finished: ${result.payouts.length} payout${result.payouts.length === 1 ? '' : 's'}, ${result.transactions} transaction${result.transactions === 1 ? '' : 's'}.`,
      );
      mount(
        out,
        h(
          'p',
          {},
          `${result.payouts.length} payout${result.payouts.length === 1 ? '' : 's'}; ${result.transactions} transaction${result.transactions === 1 ? '' : 's'} confirmed.`,
        ),
        result.payouts.length === 0
          ? h('p', {}, 'Nobody has a balance at or above the payout threshold.')
          : h(
              'table',
              {},
              h('caption', { className: 'sr-only' }, 'Payout run result'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Payee', 'Amount', 'Paid to', 'Transaction', 'Status'].map((c) => h('th', { scope: 'col' }, c)),
                ),
              ),
              h(
                'tbody',
                {},
                result.payouts.map((p) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, who(p.payee)),
                    h('td', {}, formatMoney(p.amount, p.currency === 'USDC' ? 'USDC' : 'USD')),
                    h('td', {}, p.destination ? h('code', { title: p.destination }, shorten(p.destination)) : '—'),
                    h('td', {}, p.txSignature ? h('code', { title: p.txSignature }, shorten(p.txSignature, 10)) : '—'),
                    h(
                      'td',
                      {},
                      h('span', { className: `badge ${p.status === 'paid' ? 'ok' : p.status === 'held' ? 'bad' : 'warn'}` }, p.status),
                      p.reason ? ` ${p.reason}` : '',
                    ),
                  ),
                ),
              ),
            ),
      );
    }),
  );
  mount(
    section,
    h('h2', { id: 'payouts-h' }, 'Payouts'),
    h('p', {}, 'Pays every contributor and curator whose balance has reached the threshold (the schedule does the same).'),
    h('div', { className: 'actions' }, run),
    out,
  );
}

// ---- audit log ----
async function auditLog(section) {
  const body = h('tbody');
  const more = h('div', { className: 'actions' });
  mount(
    section,
    h('h2', { id: 'audit-h' }, 'Audit log'),
    h(
      'table',
      {},
      h('caption', { className: 'sr-only' }, 'Audit log, newest first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Time', 'Action', 'Dataset', 'Actor', 'Reason'].map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      body,
    ),
    more,
  );
  const load = async (cursor) => {
    more.replaceChildren();
    try {
      const page = await api(`/v1/admin/audit${query({ limit: 25, cursor })}`);
      body.append(
        ...page.items.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, formatDate(e.at)),
            h('td', {}, e.action, e.version ? ` (v${e.version})` : ''),
            h('td', {}, h('a', { href: `/datasets/${e.datasetId}` }, titles.get(e.datasetId) ?? shorten(e.datasetId))),
            h('td', {}, who(e.actorId)),
            h('td', {}, e.reason ?? ''),
          ),
        ),
      );
      if (page.nextCursor) {
        const next = h('button', { type: 'button', className: 'secondary' }, 'Older entries');
        next.addEventListener('click', () => busy(next, () => load(page.nextCursor)));
        more.append(next);
      }
    } catch (error) {
      more.replaceChildren(errorBox(error));
    }
  };
  await load();
}

window.addEventListener('session-changed', render);
render();
