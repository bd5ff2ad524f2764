// @ts-check
// A buyer's account: their orders and their organisations' orders (status, method, amount, slice, refunds, links to the
// order, its receipt and the dataset), their API keys (create, revoke), their area subscriptions with their invoices
// (account-subscriptions.js), their webhook endpoints (account-webhooks.js) and their organisations (create, members, leave).
// Everything goes through the same /v1 API as any other client.
import { subscriptionsSection } from './account-subscriptions.js';
import { webhooksSection } from './account-webhooks.js';
import { api, query, session } from './api.js';
import {
  ORDER_STATUS_BADGE,
  busy,
  confirmButton,
  dataTable,
  errorBox,
  field,
  formatDate,
  formatMoney,
  h,
  mount,
  on,
  shorten,
  signInPanel,
  sliceSummary,
  startPage,
  statusLine,
  tableRow,
} from './ui.js';
/** @import { ApiKey, ApiKeyCreated, Order, Organisation, OrganisationRole, OrganisationSummary, PageOf, User } from '../../types/api' */

const { app } = startPage();
const PAGE_SIZE = 20;
const ORDER_COLUMNS = ['Ordered', 'Dataset', 'Licensee', 'Status', 'Method', 'Amount', 'Details', 'Links'];
const KEY_COLUMNS = ['Name', 'Key starts', 'Created', 'Last used', 'State', ''];
const MEMBER_COLUMNS = ['Member', 'Role', 'Added', ''];
const METHOD_WORDS = { card: 'Card (Stripe)', solana: 'USDC (Solana Pay)' };
/** @type {readonly OrganisationRole[]} */
const ROLES = ['member', 'admin', 'owner'];

/**
 * A titled section of the account page.
 * @param {string} id
 * @param {string} title
 * @param {...(HTMLElement | null)} content
 */
const section = (id, title, ...content) => h('section', { className: 'card', 'aria-labelledby': id }, h('h2', { id }, title), content);

/**
 * Refunds of an order in a few words: amount, state, and the transaction once sent.
 * @param {Order} order
 */
function refundWords(order) {
  return order.refunds.map((refund) => {
    const sent = order.payments.find((p) => p.id === refund.paymentId);
    return h(
      'div',
      { className: 'refund-line' },
      `Refund ${formatMoney(refund.amount.minor, refund.amount.currency)} ${refund.status}`,
      sent ? [' (', h('code', { title: sent.reference }, shorten(sent.reference, 8)), ')'] : null,
    );
  });
}

/** @param {Order} order */
function orderRow(order) {
  const paid = order.payments.some((p) => p.kind === 'charge') && order.paidAt !== null;
  return tableRow(
    ORDER_COLUMNS,
    [
      formatDate(order.createdAt),
      [h('a', { href: `/datasets/${order.datasetId}` }, order.datasetTitle), ` v${order.version}`],
      order.organisationName ?? 'You',
      [h('span', { className: `badge ${ORDER_STATUS_BADGE[order.status]}` }, order.status), order.statusReason ? ` ${order.statusReason}` : ''],
      METHOD_WORDS[order.paymentMethod],
      formatMoney(order.amount.minor, order.amount.currency),
      [order.slice ? h('div', {}, `Slice: ${sliceSummary(order.slice)}`) : h('div', {}, `Whole version, ${order.licence.name}`), refundWords(order)],
      h(
        'span',
        { className: 'links' },
        h('a', { href: `/orders/${order.id}` }, 'Order'),
        paid ? [' · ', h('a', { href: `/orders/${order.id}/receipt` }, 'Receipt')] : null,
      ),
    ],
    { 'data-order-id': order.id },
  );
}

/**
 * The orders, a page at a time (GET /v1/orders' cursor), optionally of one organisation.
 * @param {OrganisationSummary[]} organisations
 */
function ordersSection(organisations) {
  const table = dataTable('Your orders', ORDER_COLUMNS, [], 'orders');
  const status = statusLine();
  const more = h('button', { type: 'button', className: 'secondary', hidden: true }, 'Load more');
  const filter = h(
    'select',
    {},
    h('option', { value: '' }, "Mine and my organisations'"),
    organisations.map((o) => h('option', { value: o.id }, `Only ${o.name}`)),
  );
  /** @type {string | null} */
  let cursor = null;
  let shown = 0;
  const load = async (/** @type {boolean} */ fresh) => {
    if (fresh) {
      cursor = null;
      shown = 0;
      table.tBodies[0].replaceChildren();
    }
    /** @type {PageOf<Order>} */
    const page = await api(`/v1/orders${query({ limit: PAGE_SIZE, cursor, organisationId: filter.value })}`);
    table.tBodies[0].append(...page.items.map(orderRow));
    shown += page.items.length;
    cursor = page.nextCursor;
    more.hidden = cursor === null;
    status.textContent = shown === 0 ? 'No orders yet. Find a dataset on the storefront.' : `${shown} order${shown === 1 ? '' : 's'} shown.`;
  };
  on(more, 'click', () => void busy(more, () => load(false)));
  on(
    filter,
    'change',
    () =>
      void load(true).catch((/** @type {unknown} */ error) => {
        status.replaceWith(errorBox(error));
      }),
  );
  void load(true).catch((/** @type {unknown} */ error) => {
    status.replaceWith(errorBox(error));
  });
  return section(
    'orders-heading',
    'Orders',
    organisations.length > 0 ? field('Show', filter) : null,
    h('div', { className: 'table-scroll' }, table),
    status,
    more,
  );
}

/** API keys: the list, a form that creates one (its secret shown once), a revoke button per live key. */
function keysSection() {
  const slot = h('div', {});
  const created = h('div', { className: 'new-key', 'aria-live': 'polite' });
  const name = h('input', { type: 'text', name: 'key-name', maxLength: 100, required: true, placeholder: 'training-pipeline' });
  const draw = async () => {
    /** @type {ApiKey[]} */
    const keys = await api('/v1/api-keys');
    mount(
      slot,
      keys.length === 0
        ? h('p', { className: 'status' }, 'No API keys yet.')
        : dataTable(
            'Your API keys',
            KEY_COLUMNS,
            keys.map((key) =>
              tableRow(KEY_COLUMNS, [
                key.name,
                h('code', {}, `${key.prefix}…`),
                formatDate(key.createdAt),
                formatDate(key.lastUsedAt),
                key.revokedAt ? h('span', { className: 'badge bad' }, 'revoked') : h('span', { className: 'badge ok' }, 'active'),
                key.revokedAt
                  ? ''
                  : confirmButton(
                      'Revoke',
                      `Revoke the key "${key.name}"? Anything using it stops working at once.`,
                      'Yes, revoke',
                      async () => {
                        await api(`/v1/api-keys/${key.id}`, { method: 'DELETE' });
                        created.replaceChildren();
                        await draw();
                      },
                      { className: 'secondary', 'aria-label': `Revoke ${key.name}` },
                    ),
              ]),
            ),
            'api-keys',
          ),
    );
  };
  const form = h('form', { className: 'inline-form' }, field('Key name', name), h('button', { type: 'submit' }, 'Create key'));
  on(form, 'submit', (event) => {
    event.preventDefault();
    const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
    void busy(submit, async () => {
      /** @type {ApiKeyCreated} */
      const key = await api('/v1/api-keys', { method: 'POST', body: { name: name.value.trim() } });
      name.value = '';
      // The key is shown once the list beside it is current (and even if redrawing it fails), so that a confirmation
      // the reader opens on a row next is not wiped by a redraw still on its way.
      try {
        await draw();
      } finally {
        mount(
          created,
          h('p', {}, `Your new key "${key.name}". Copy it now: it is shown only once. Send it as the X-API-Key header.`),
          h('input', { type: 'text', readonly: true, value: key.key, 'aria-label': 'New API key', className: 'secret' }),
        );
      }
    });
  });
  void draw().catch((/** @type {unknown} */ error) => {
    slot.replaceChildren(errorBox(error));
  });
  return section(
    'keys-heading',
    'API keys',
    h('p', { className: 'hint' }, 'Keys let scripts and pipelines list your orders and download what you bought, as you.'),
    slot,
    form,
    created,
  );
}

/**
 * One organisation: its members (with add, change role and remove for owners and admins), and leaving it.
 * @param {OrganisationSummary} summary
 * @param {User} user
 * @param {() => Promise<void>} redraw the whole section (after leaving)
 */
function organisationCard(summary, user, redraw) {
  const card = h('div', { className: 'organisation', role: 'group', 'aria-label': summary.name });
  const manages = summary.role === 'owner' || summary.role === 'admin';
  const draw = async () => {
    /** @type {Organisation} */
    const organisation = await api(`/v1/organisations/${summary.id}`);
    const email = h('input', { type: 'email', required: true, placeholder: 'colleague@example.com' });
    const role = h(
      'select',
      {},
      ROLES.filter((r) => r !== 'owner' || summary.role === 'owner').map((r) => h('option', { value: r }, r)),
    );
    const add = h(
      'form',
      { className: 'inline-form' },
      field('Member email', email),
      field('Role', role),
      h('button', { type: 'submit' }, 'Add member'),
    );
    on(add, 'submit', (event) => {
      event.preventDefault();
      const submit = /** @type {HTMLButtonElement} */ (add.querySelector('button[type=submit]'));
      void busy(submit, async () => {
        await api(`/v1/organisations/${summary.id}/members`, { method: 'POST', body: { email: email.value.trim(), role: role.value } });
        await draw();
      });
    });
    mount(
      card,
      h('h3', {}, organisation.name, ' ', h('span', { className: 'badge' }, `you: ${organisation.role}`)),
      dataTable(
        `Members of ${organisation.name}`,
        MEMBER_COLUMNS,
        organisation.members.map((m) =>
          tableRow(MEMBER_COLUMNS, [
            m.userId === user.id ? `${m.email ?? shorten(m.userId)} (you)` : (m.email ?? shorten(m.userId)),
            m.role,
            formatDate(m.addedAt),
            manages && m.userId !== user.id
              ? confirmButton(
                  'Remove',
                  `Remove ${m.email ?? m.userId} from ${organisation.name}? They lose access to its orders at once.`,
                  'Yes, remove',
                  async () => {
                    await api(`/v1/organisations/${summary.id}/members/${m.userId}`, { method: 'DELETE' });
                    await draw();
                  },
                  { className: 'secondary', 'aria-label': `Remove ${m.email ?? m.userId}` },
                )
              : '',
          ]),
        ),
        'members',
      ),
      manages ? add : null,
      confirmButton(
        `Leave ${organisation.name}`,
        `Leave ${organisation.name}? You lose access to its orders.`,
        'Yes, leave',
        async () => {
          await api(`/v1/organisations/${summary.id}/leave`, { method: 'POST' });
          await redraw();
        },
        { className: 'secondary' },
      ),
    );
  };
  void draw().catch((/** @type {unknown} */ error) => {
    card.replaceChildren(errorBox(error));
  });
  return card;
}

/**
 * Organisations: each one with its members, and a form that creates one (you become its owner).
 * @param {User} user
 * @param {() => void} changed the organisations changed (the orders filter lists them)
 * @param {boolean} mayCreate buyers and admins create organisations
 */
function organisationsSection(user, changed, mayCreate) {
  const slot = h('div', {});
  const name = h('input', { type: 'text', required: true, maxLength: 200, placeholder: 'Acme Robotics' });
  const draw = async () => {
    /** @type {OrganisationSummary[]} */
    const organisations = await api('/v1/organisations');
    mount(
      slot,
      organisations.length === 0
        ? h('p', { className: 'status' }, 'You belong to no organisation. Create one to buy as a team: every member can download what it buys.')
        : organisations.map((o) =>
            organisationCard(o, user, async () => {
              await draw();
              changed();
            }),
          ),
    );
  };
  const form = h('form', { className: 'inline-form' }, field('Organisation name', name), h('button', { type: 'submit' }, 'Create organisation'));
  on(form, 'submit', (event) => {
    event.preventDefault();
    const submit = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
    void busy(submit, async () => {
      await api('/v1/organisations', { method: 'POST', body: { name: name.value.trim() } });
      name.value = '';
      await draw();
      changed();
    });
  });
  void draw().catch((/** @type {unknown} */ error) => {
    slot.replaceChildren(errorBox(error));
  });
  return section('organisations-heading', 'Organisations', slot, mayCreate ? form : null);
}

/** @param {User} user */
async function account(user) {
  /** @type {OrganisationSummary[]} */
  const organisations = await api('/v1/organisations');
  const orders = h('div', {}, ordersSection(organisations));
  const refreshOrders = () =>
    void (
      /** @type {Promise<OrganisationSummary[]>} */ (api('/v1/organisations')).then(
        (list) => {
          mount(orders, ordersSection(list));
        },
        (/** @type {unknown} */ error) => {
          mount(orders, errorBox(error));
        },
      )
    );
  mount(
    app,
    h('p', { className: 'who' }, `Signed in as ${user.email ?? shorten(user.walletAddress ?? user.id)}.`),
    orders,
    user.role === 'buyer' || user.role === 'admin' ? keysSection() : null,
    user.role === 'buyer' || user.role === 'admin' ? subscriptionsSection() : null,
    user.role === 'buyer' || user.role === 'admin' ? webhooksSection() : null,
    organisationsSection(user, refreshOrders, user.role === 'buyer' || user.role === 'admin'),
  );
}

function render() {
  const user = session.user;
  if (!user) {
    mount(
      app,
      h('p', {}, 'Your orders, receipts, API keys, webhooks and organisations.'),
      signInPanel({ roles: ['buyer'], title: 'Sign in to your account' }),
    );
    return;
  }
  void account(user).catch((/** @type {unknown} */ error) => {
    mount(app, errorBox(error));
  });
}

window.addEventListener('session-changed', render);
render();
