// Small DOM helpers shared by the pages: element builder, formatting, errors, the header's session bar, sign-in.
import { api, session } from './api.js';
import { base58Encode } from './base58.js';

/** h('button', {type: 'button', onclick}, 'Text', child…): attributes, properties (on*, dataset, className) and children. */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'className') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'selected') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces a node's children. */
export function mount(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export const formatUsd = (cents) => `$${(Number(cents) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
/** USDC base units (6 decimals) as a decimal string, exactly (no floating point). */
export function formatUsdc(baseUnits) {
  const value = BigInt(baseUnits);
  const whole = value / 1_000_000n;
  const fraction = (value % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''} USDC`;
}
export const formatMoney = (amount, currency) => (currency === 'usdc' || currency === 'USDC' ? formatUsdc(amount) : formatUsd(amount));
export function formatBytes(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
export const formatDate = (value) =>
  value
    ? new Date(value)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
    : '—';
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(Number(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours ? `${hours} h ${minutes} min` : minutes ? `${minutes} min ${s % 60} s` : `${s} s`;
}
export const shorten = (text, keep = 6) => (text && text.length > keep * 2 + 1 ? `${text.slice(0, keep)}…${text.slice(-keep)}` : (text ?? ''));

/** An alert box with the error's message; role=alert so screen readers announce it. */
export function errorBox(error) {
  return h('p', { className: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}
/** A polite status line (role=status) for progress and results. */
export const statusLine = (text = '') => h('p', { className: 'status', role: 'status', 'aria-live': 'polite' }, text);

/** Runs `action` with the button disabled; shows the error under the button instead of losing it. */
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

/** The header's "signed in as … / sign out" part; kept current on every page. */
export function renderSessionBar() {
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
            h(
              'button',
              {
                type: 'button',
                className: 'link',
                onclick: () => {
                  session.clear();
                },
              },
              'Sign out',
            ),
          ]
        : h('span', { className: 'who' }, 'Not signed in'),
    );
  };
  window.addEventListener('session-changed', draw);
  window.addEventListener('storage', draw);
  draw();
}

/** The browser's Solana wallet (Phantom and compatible wallets inject window.solana / window.phantom.solana). */
export function walletProvider() {
  return window.phantom?.solana ?? window.solana ?? null;
}

let fieldIds = 0;
/** A labelled input (label wraps nothing; for/id pairing keeps the label clickable and announced). */
export function field(label, input, hint) {
  const id = input.id || `f${(fieldIds += 1)}`;
  input.id = id;
  const hintNode = hint ? h('small', { id: `${id}-hint`, className: 'hint' }, hint) : null;
  if (hintNode) input.setAttribute('aria-describedby', hintNode.id);
  return h('div', { className: 'field' }, h('label', { for: id }, label), input, hintNode);
}

/**
 * Sign-in panel: email + password (sign in, or create an account with one of `roles`), and wallet sign-in when a
 * wallet is present (the server's one-time challenge, signed by the wallet). Calls onSignedIn(user) after success.
 */
export function signInPanel({ roles = ['buyer', 'contributor'], title = 'Sign in', onSignedIn = () => {} } = {}) {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true, minlength: 8 });
  const role = h(
    'select',
    { name: 'role' },
    roles.map((r) => h('option', { value: r }, r)),
  );
  const out = h('div');
  const finish = (result) => {
    session.set(result);
    onSignedIn(result.user);
  };
  const form = h(
    'form',
    {
      className: 'card sign-in',
      'aria-label': title,
      onsubmit: async (event) => {
        event.preventDefault();
        const register = event.submitter?.value === 'register';
        await busy(event.submitter ?? form.querySelector('button'), async () => {
          const body = { email: email.value.trim(), password: password.value };
          finish(
            await api(register ? '/v1/auth/register' : '/v1/auth/login', { method: 'POST', body: register ? { ...body, role: role.value } : body }),
          );
        });
      },
    },
    h('h2', {}, title),
    field('Email', email),
    field('Password', password, 'At least 8 characters.'),
    h('div', { className: 'actions' }, h('button', { type: 'submit', value: 'login' }, 'Sign in')),
    h(
      'details',
      {},
      h('summary', {}, 'New here? Create an account'),
      field('Account type', role),
      h('button', { type: 'submit', value: 'register' }, 'Create account'),
    ),
    out,
  );
  const wallet = walletProvider();
  if (wallet) {
    const button = h('button', { type: 'button', className: 'secondary' }, 'Sign in with Solana wallet');
    button.addEventListener('click', () =>
      busy(button, async () => {
        const connected = await wallet.connect();
        const address = (connected?.publicKey ?? wallet.publicKey).toString();
        const { message } = await api('/v1/auth/wallet/challenge', { method: 'POST', body: { address } });
        const signed = await wallet.signMessage(new TextEncoder().encode(message), 'utf8');
        const signature = base58Encode(signed.signature ?? signed);
        finish(
          await api('/v1/auth/wallet/verify', {
            method: 'POST',
            body: { address, message, signature, role: roles.includes('contributor') ? 'contributor' : roles[0] },
          }),
        );
      }),
    );
    form.querySelector('.actions').append(button);
  }
  return form;
}

/** Every page: the session bar, and the current page marked in the navigation. */
export function startPage() {
  renderSessionBar();
  for (const link of document.querySelectorAll('.site-nav a')) {
    const path = new URL(link.href).pathname;
    if (path === location.pathname || (path !== '/' && location.pathname.startsWith(path))) link.setAttribute('aria-current', 'page');
  }
}
