// Small DOM helpers shared by the pages: element builder, formatting, errors, the header's session bar, sign-in.
// Everything the API or a user wrote reaches the page as text (text nodes, attribute values) through h() and mount():
// no page script sets innerHTML, and URLs are only ever http(s), blob or relative (images may also be data:image).
import { base58 } from '@scure/base';
import { api, pageSetting, session } from './api.js';
/** @import { AuthToken, WalletChallenge } from '../../types/api' */

/** @typedef {string | number | boolean | null | undefined} AttributeValue */
/** @typedef {Node | string | number | null | undefined | false} Child */
// Children nest as deep as the pages build them (rows of cells of parts); a JSDoc type cannot refer to itself.
/** @typedef {Child | readonly Child[]} Children1 */
/** @typedef {Children1 | readonly Children1[]} Children2 */
/** @typedef {Children2 | readonly Children2[]} Children */

/** Set as properties, not attributes: they are the element's live state (a select's value needs its options first). */
const PROPERTIES = new Set(['value', 'checked', 'disabled', 'selected']);
/** Attributes that navigate or load: only safe URLs get through (see safeUrl). */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction']);

/**
 * `value` if it is a URL a page may link to or load: http(s), blob (made by the page itself) or relative; `data:image/`
 * too where `image` (an <img> src: no script runs in an image). Anything else (javascript:, data:text/html, vbscript:
 * ...) answers null.
 * @param {string} value
 * @param {{ image?: boolean }} [options]
 * @returns {string | null}
 */
export function safeUrl(value, { image = false } = {}) {
  if (image && /^data:image\/[a-z+.-]+[;,]/i.test(value)) return value;
  let url;
  try {
    url = new URL(value, location.href);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'blob:' ? value : null;
}

/**
 * Goes to a URL the API handed out (a checkout page, an order page), refusing anything safeUrl refuses.
 * @param {string} url
 */
export function navigate(url) {
  const safe = safeUrl(url);
  if (safe === null) throw new Error('the link the server gave is not a web address; not opening it');
  location.assign(safe);
}

/**
 * h('button', {type: 'button', className: 'secondary'}, 'Text', child…): an element with attributes (className and the
 * form state properties are set as properties) and children (nodes, or text). Handlers go on with on(), never as
 * attributes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, AttributeValue>} [attributes]
 * @param {...Children} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (/^on/i.test(key)) throw new Error(`h(): ${key}: attach handlers with on(), not as attributes`);
    if (key === 'className') node.className = String(value);
    else if (PROPERTIES.has(key)) Reflect.set(node, key, value);
    else if (URL_ATTRIBUTES.has(key)) {
      const url = safeUrl(String(value), { image: tag === 'img' && key === 'src' });
      if (url !== null) node.setAttribute(key, url);
    } else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

/**
 * Adds an event handler and answers the node, so a handler can be attached where the element is built.
 * @template {HTMLElement} N
 * @template {keyof HTMLElementEventMap} E
 * @param {N} node
 * @param {E} type
 * @param {(event: HTMLElementEventMap[E]) => void} handler
 * @returns {N}
 */
export function on(node, type, handler) {
  node.addEventListener(type, handler);
  return node;
}

/**
 * A probe's warnings (what it found inconsistent inside a readable file) as a list of text; null when there are none.
 * @param {readonly string[] | undefined} warnings
 */
export function warningList(warnings) {
  if (!warnings || warnings.length === 0) return null;
  return h('ul', { className: 'probe-warnings' }, ...warnings.map((warning) => h('li', {}, `Warning: ${warning}`)));
}

/**
 * @param {Node} node
 * @param {readonly Children[]} children
 */
function append(node, children) {
  for (const child of children) {
    if (typeof child === 'string' || typeof child === 'number') node.appendChild(document.createTextNode(String(child)));
    else if (child instanceof Node) node.appendChild(child);
    // What is left is a nested list, or a left-out child (null, undefined, false).
    else if (child) append(node, child);
  }
}

/**
 * Replaces a node's children.
 * @template {Node} N
 * @param {N} node
 * @param {...Children} children
 * @returns {N}
 */
export function mount(node, ...children) {
  while (node.firstChild) node.firstChild.remove();
  append(node, children);
  return node;
}

/**
 * An element the page's HTML must have.
 * @param {string} selector
 * @returns {HTMLElement}
 */
export function required(selector) {
  const node = document.querySelector(selector);
  if (!(node instanceof HTMLElement)) throw new Error(`the page has no ${selector}`);
  return node;
}

/**
 * A table of rows from tableRow(), named by a caption for screen readers. On a phone it shows each row as a block
 * (class "stacked"). Rows added later go into its tBodies[0].
 * @param {string} caption
 * @param {readonly string[]} columns
 * @param {readonly Children[]} rows
 * @param {string} [className] more classes
 */
export const dataTable = (caption, columns, rows, className = '') =>
  h(
    'table',
    { className: `stacked ${className}`.trim() },
    h('caption', { className: 'sr-only' }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((name) => h('th', { scope: 'col' }, name)),
      ),
    ),
    h('tbody', {}, ...rows),
  );

/**
 * A row whose cells carry their column's name (data-label), so that on a phone, where a table with class "stacked"
 * shows each row as a block, every value stands under its name.
 * @param {readonly string[]} columns
 * @param {readonly Children[]} cells
 * @param {Record<string, AttributeValue>} [attributes]
 */
export const tableRow = (columns, cells, attributes = {}) =>
  h(
    'tr',
    attributes,
    cells.map((content, i) => h('td', { 'data-label': columns[i] }, content)),
  );

/** @param {number} cents */
export const formatUsd = (cents) => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** A slice's price unit in words, as the pages say it ("$1.50 per km of track"). */
export const PRICE_UNIT_WORDS = { km: 'per km of track', hour: 'per hour of recording', gb: 'per GB' };

/**
 * How an order's status shows: the badge class of each.
 * @type {Record<import('../../types/api').OrderStatus, 'ok' | 'warn' | 'bad'>}
 */
export const ORDER_STATUS_BADGE = { paid: 'ok', fulfilled: 'ok', pending: 'warn', expired: 'bad', cancelled: 'bad', refunded: 'bad' };

/**
 * What a slice order (or a cart line's quote) buys, in a few words: "3 captures, 1.204 km, 12 min 5 s, 4.0 MiB".
 * @param {Pick<import('../../types/api').OrderSlice, 'captures' | 'lengthM' | 'durationMs' | 'sizeBytes'>} slice
 */
export const sliceSummary = (slice) =>
  `${slice.captures} capture${slice.captures === 1 ? '' : 's'}, ${(slice.lengthM / 1000).toLocaleString('en-US', { maximumFractionDigits: 3 })} km, ${formatDuration(Math.round(slice.durationMs / 1000))}, ${formatBytes(slice.sizeBytes)}`;

/**
 * A listing's per-unit prices in words: "or $1.50 per km / $20.00 per hour, minimum $10.00"; null without any.
 * @param {import('../../types/api').UnitPrices | null | undefined} prices
 */
export function unitPricesText(prices) {
  if (!prices) return null;
  /** @type {[number | undefined, string][]} */
  const rates = [
    [prices.perKmUsdCents, 'per km'],
    [prices.perHourUsdCents, 'per hour'],
    [prices.perGbUsdCents, 'per GB'],
  ];
  const priced = rates.flatMap(([cents, unit]) => (cents === undefined ? [] : [`${formatUsd(cents)} ${unit}`]));
  if (priced.length === 0) return null;
  const minimum = prices.minimumUsdCents === undefined ? '' : `, minimum ${formatUsd(prices.minimumUsdCents)}`;
  return `or ${priced.join(' / ')}${minimum}`;
}

/**
 * USDC base units (6 decimals) as a decimal string, exactly (no floating point).
 * @param {string | number | bigint} baseUnits
 */
export function formatUsdc(baseUnits) {
  const value = BigInt(baseUnits);
  const whole = value / 1_000_000n;
  const fraction = (value % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${whole.toString()}${fraction ? `.${fraction}` : ''} USDC`;
}

/**
 * An amount in minor units of its currency (USD cents, USDC base units).
 * @param {string | number} amount
 * @param {string} currency
 */
export const formatMoney = (amount, currency) => (currency.toUpperCase() === 'USDC' ? formatUsdc(amount) : formatUsd(Number(amount)));

/** @param {number} bytes */
export function formatBytes(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** @param {string | null | undefined} value an ISO 8601 time */
export const formatDate = (value) =>
  value
    ? new Date(value)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
    : '—';

/** @param {number | null | undefined} seconds */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (hours) return `${hours} h ${minutes} min`;
  return minutes ? `${minutes} min ${s % 60} s` : `${s} s`;
}

/**
 * A long id or hash as its two ends.
 * @param {string | null | undefined} text
 * @param {number} [keep]
 */
export const shorten = (text, keep = 6) => (text && text.length > keep * 2 + 1 ? `${text.slice(0, keep)}…${text.slice(-keep)}` : (text ?? ''));

/** @param {unknown} error */
export const errorMessage = (error) => (error instanceof Error ? error.message : String(error));

/**
 * An alert box with the error's message; role=alert so screen readers announce it.
 * @param {unknown} error
 */
export const errorBox = (error) => h('p', { className: 'error', role: 'alert' }, errorMessage(error));

/** A polite status line (role=status) for progress and results. */
export const statusLine = (text = '') => h('p', { className: 'status', role: 'status', 'aria-live': 'polite' }, text);

/**
 * Runs `action` with the button disabled; shows the error under the button instead of losing it.
 * @template T
 * @param {HTMLButtonElement} button
 * @param {() => Promise<T>} action
 * @returns {Promise<T | undefined>}
 */
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.parentElement?.querySelector(':scope > .error')?.remove();
  try {
    return await action();
  } catch (error) {
    button.insertAdjacentElement('afterend', errorBox(error));
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/**
 * A button that runs `action` through busy() when clicked.
 * @param {string} label
 * @param {() => Promise<unknown>} action
 * @param {Record<string, AttributeValue>} [attributes]
 */
export function actionButton(label, action, attributes = {}) {
  const button = h('button', { type: 'button', ...attributes }, label);
  return on(button, 'click', () => void busy(button, action));
}

/**
 * A button whose action asks first, in the page rather than in a browser dialog: a click shows `question` with a
 * confirming button (which runs `action` through busy()) and Cancel.
 * @param {string} label
 * @param {string} question
 * @param {string} confirmLabel
 * @param {() => Promise<unknown>} action
 * @param {Record<string, AttributeValue>} [attributes] of the first button
 */
export function confirmButton(label, question, confirmLabel, action, attributes = {}) {
  const open = h('button', { type: 'button', ...attributes }, label);
  const ask = h('div', { className: 'confirm', role: 'group', 'aria-label': question, hidden: true }, h('p', {}, question));
  const close = () => {
    ask.hidden = true;
    open.hidden = false;
  };
  const yes = actionButton(confirmLabel, async () => {
    await action();
    close();
  });
  const cancel = on(h('button', { type: 'button', className: 'secondary' }, 'Cancel'), 'click', () => {
    close();
    open.focus();
  });
  ask.append(h('div', { className: 'actions' }, yes, cancel));
  on(open, 'click', () => {
    ask.hidden = false;
    open.hidden = true;
    yes.focus();
  });
  return h('span', { className: 'confirmable' }, open, ask);
}

/** The header's "signed in as … / sign out" part; kept current on every page. */
function renderSessionBar() {
  const slot = document.getElementById('session-status');
  if (!slot) return;
  const draw = () => {
    const user = session.user;
    mount(
      slot,
      user
        ? [
            h('span', { className: 'who' }, `${user.email ?? shorten(user.walletAddress ?? user.id)} (${user.role})`),
            ' ',
            on(h('button', { type: 'button', className: 'link' }, 'Sign out'), 'click', () => {
              session.clear();
            }),
          ]
        : h('span', { className: 'who' }, 'Not signed in'),
    );
  };
  window.addEventListener('session-changed', draw);
  window.addEventListener('storage', draw);
  draw();
  renderCartCount();
}

/** The header's cart link counts the lines of a signed-in buyer's cart; kept current as the cart and session change. */
function renderCartCount() {
  const link = document.getElementById('cart-link');
  if (!link) return;
  const draw = async () => {
    const role = session.user?.role;
    if (role !== 'buyer' && role !== 'admin') {
      link.textContent = 'Cart';
      return;
    }
    /** @type {{ count: number }} */
    const { count } = await api('/v1/cart/count');
    link.textContent = count > 0 ? `Cart (${count})` : 'Cart';
  };
  const redraw = () => {
    // The count is a convenience: the cart page says what went wrong when the API cannot be reached.
    draw().catch(() => undefined);
  };
  for (const event of ['session-changed', 'storage', 'cart-changed']) window.addEventListener(event, redraw);
  redraw();
}

/**
 * The part of a browser's Solana wallet the pages use (Phantom and compatible wallets inject window.solana or
 * window.phantom.solana).
 * @typedef {{ toString(): string }} WalletKey
 * @typedef {object} SolanaWallet
 * @property {WalletKey | null} publicKey
 * @property {() => Promise<{ publicKey?: WalletKey } | undefined>} connect
 * @property {(message: Uint8Array, encoding: 'utf8') => Promise<{ signature: Uint8Array } | Uint8Array>} signMessage
 */

/** The browser wallet (Phantom or compatible), or null when none is installed. @returns {SolanaWallet | null} */
export function walletProvider() {
  const injected = /** @type {{ solana?: SolanaWallet, phantom?: { solana?: SolanaWallet } }} */ (/** @type {unknown} */ (window));
  return injected.phantom?.solana ?? injected.solana ?? null;
}

/**
 * The wallet's Ed25519 signature over the UTF-8 bytes of the message, base58 as the API takes it.
 * @param {SolanaWallet} wallet
 * @param {string} message
 */
export async function walletSignature(wallet, message) {
  const signed = await wallet.signMessage(new TextEncoder().encode(message), 'utf8');
  return base58.encode(signed instanceof Uint8Array ? signed : signed.signature);
}

let fieldIds = 0;
/**
 * A labelled input (for/id pairing keeps the label clickable and announced), with an optional hint.
 * @param {string} label
 * @param {HTMLElement} input
 * @param {string} [hint]
 */
export function field(label, input, hint) {
  const id = input.id || `f${(fieldIds += 1).toString()}`;
  input.id = id;
  const hintNode = hint ? h('small', { id: `${id}-hint`, className: 'hint' }, hint) : null;
  if (hintNode) input.setAttribute('aria-describedby', hintNode.id);
  return h('div', { className: 'field' }, h('label', { for: id }, label), input, hintNode);
}

/**
 * Sign-in panel: email + password (sign in, or create an account with one of `roles`), and wallet sign-in when a
 * wallet is present (the server's one-time challenge, signed by the wallet). Calls onSignedIn() after success.
 * @param {{ roles?: ('buyer' | 'contributor')[], title?: string, onSignedIn?: () => void }} [options]
 */
export function signInPanel({ roles = ['buyer', 'contributor'], title = 'Sign in', onSignedIn = () => undefined } = {}) {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  // No minlength on the input: accounts made under an older, shorter rule still sign in here; the API checks new ones.
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const role = h(
    'select',
    { name: 'role' },
    roles.map((r) => h('option', { value: r }, r)),
  );
  /** @param {AuthToken} result */
  const finish = (result) => {
    session.set(result);
    onSignedIn();
  };
  const signIn = h('button', { type: 'submit', value: 'login' }, 'Sign in');
  const actions = h('div', { className: 'actions' }, signIn);
  const form = h(
    'form',
    { className: 'card sign-in', 'aria-label': title },
    h('h2', {}, title),
    field('Email', email),
    field('Password', password, `New accounts: at least ${pageSetting('password-min-length')} characters.`),
    actions,
    h(
      'details',
      {},
      h('summary', {}, 'New here? Create an account'),
      field('Account type', role),
      h('button', { type: 'submit', value: 'register' }, 'Create account'),
    ),
  );
  on(form, 'submit', (event) => {
    event.preventDefault();
    const submitter = event.submitter instanceof HTMLButtonElement ? event.submitter : signIn;
    const register = submitter.value === 'register';
    void busy(submitter, async () => {
      const body = { email: email.value.trim(), password: password.value };
      finish(await api(register ? '/v1/auth/register' : '/v1/auth/login', { method: 'POST', body: register ? { ...body, role: role.value } : body }));
    });
  });
  const wallet = walletProvider();
  if (wallet) {
    actions.append(
      actionButton(
        'Sign in with Solana wallet',
        async () => {
          const connected = await wallet.connect();
          const key = connected?.publicKey ?? wallet.publicKey;
          if (!key) throw new Error('The wallet did not share its address.');
          const address = key.toString();
          /** @type {WalletChallenge} */
          const { message } = await api('/v1/auth/wallet/challenge', { method: 'POST', body: { address } });
          const signature = await walletSignature(wallet, message);
          finish(
            await api('/v1/auth/wallet/verify', {
              method: 'POST',
              body: { address, message, signature, role: roles.includes('contributor') ? 'contributor' : roles[0] },
            }),
          );
        },
        { className: 'secondary' },
      ),
    );
  }
  return form;
}

/**
 * Every page: the session bar, and the current page marked in the navigation. Answers the page's heading and the
 * element its script fills.
 */
export function startPage() {
  renderSessionBar();
  for (const link of document.querySelectorAll('.site-nav a')) {
    if (!(link instanceof HTMLAnchorElement)) continue;
    const path = new URL(link.href).pathname;
    if (path === location.pathname || (path !== '/' && location.pathname.startsWith(path))) link.setAttribute('aria-current', 'page');
  }
  return { heading: required('main h1'), app: required('#app') };
}

/**
 * Where a capture is, in words: its footprint's kind, size and cells, or why it has none.
 * @param {import('../../types/api').Capture} c
 */
export function footprintSummary(c) {
  const f = c.footprint;
  if (!f) return c.footprintReason ? `not on the map: ${c.footprintReason}` : '';
  const size = f.kind === 'track' ? `${f.lengthKm.toFixed(2)} km track` : f.kind === 'polygon' ? `${f.areaKm2.toFixed(2)} km² area` : 'one place';
  const gnss = c.gnssQuality?.medianHdop != null ? ` · median HDOP ${c.gnssQuality.medianHdop}` : '';
  return `${size} in ${f.cells} H3 cell${f.cells === 1 ? '' : 's'}${gnss}`;
}
