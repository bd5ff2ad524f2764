// The pages' one way to the API: same origin, JSON in and out, the signed-in user's token from localStorage.
/** @import { AuthToken, User } from '../../types/api' */

const SESSION_KEY = 'marketplace.session';

export class ApiError extends Error {
  /**
   * @param {number} status the HTTP status (0 when the request never got an answer)
   * @param {string} message
   * @param {unknown} [body] the API's error body
   */
  constructor(status, message, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    /** The API's stable error code (e.g. CHECKOUT_PAYMENT_NOT_FOUND), when it gave one. */
    this.code = typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string' ? body.code : null;
  }
}

/** @typedef {{ accessToken: string, user: User }} Session */

/** @param {unknown} value @returns {value is Session} */
const isSession = (value) =>
  typeof value === 'object' &&
  value !== null &&
  'accessToken' in value &&
  typeof value.accessToken === 'string' &&
  'user' in value &&
  typeof value.user === 'object' &&
  value.user !== null;

export const session = {
  /** @returns {Session | null} */
  get() {
    try {
      const stored = /** @type {unknown} */ (JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null'));
      return isSession(stored) ? stored : null;
    } catch {
      return null;
    }
  },
  /** @param {AuthToken} value */
  set(value) {
    localStorage.setItem(SESSION_KEY, JSON.stringify({ accessToken: value.accessToken, user: value.user }));
    window.dispatchEvent(new CustomEvent('session-changed'));
  },
  clear() {
    localStorage.removeItem(SESSION_KEY);
    window.dispatchEvent(new CustomEvent('session-changed'));
  },
  /** @returns {User | null} */
  get user() {
    return this.get()?.user ?? null;
  },
};

/**
 * The API's error shape is {statusCode, error, code, message}; message may be a list (validation).
 * @param {unknown} body
 * @param {number} status
 */
function errorMessage(body, status) {
  if (typeof body === 'object' && body !== null) {
    const message = 'message' in body ? body.message : undefined;
    if (Array.isArray(message) && message.length > 0) return message.map(String).join('; ');
    if (typeof message === 'string' && message) return message;
    if ('error' in body && typeof body.error === 'string') return body.error;
  }
  return `request failed with status ${status}`;
}

/**
 * @typedef {object} RequestOptions
 * @property {string} [method]
 * @property {unknown} [body] sent as JSON
 * @property {Record<string, string>} [headers]
 * @property {AbortSignal} [signal]
 */

/**
 * Calls the API. Answers the parsed JSON (null for an empty body) as the type the caller declares for it: the pages
 * trust their own API's response shapes (types/api.d.ts). Throws ApiError with the API's own message otherwise. A 401
 * on a signed-in call means the token expired: the session is dropped.
 * @template [T=unknown]
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<T>}
 */
export async function api(path, { method = 'GET', body, headers = {}, signal } = {}) {
  const token = session.get()?.accessToken;
  /** @type {Record<string, string>} */
  const sent = { Accept: 'application/json', ...headers };
  if (body !== undefined) sent['Content-Type'] = 'application/json';
  if (token) sent.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method, signal, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  /** @type {unknown} */
  let parsed = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && token) session.clear();
    throw new ApiError(response.status, errorMessage(parsed, response.status), parsed);
  }
  return /** @type {T} */ (parsed);
}

/**
 * Query string from an object, leaving out empty values.
 * @param {Record<string, string | number | null | undefined>} params
 */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * A setting the page's layout hands its scripts (a `marketplace:<name>` meta tag; see src/web/page-layout.ts).
 * @param {'public-origin' | 'password-min-length'} name
 * @returns {string}
 */
export function pageSetting(name) {
  const meta = document.querySelector(`meta[name="marketplace:${name}"]`);
  const value = meta?.getAttribute('content');
  if (!value) throw new Error(`the page has no ${name} setting`);
  return value;
}

/**
 * A URL the API handed out, as this page should call it. The API builds its own links (local upload parts, downloads)
 * on PUBLIC_URL, which may name another host than the one this page was opened at (localhost vs 127.0.0.1): the
 * Content-Security-Policy, and the same-origin rule, would then refuse the request. Such links are mapped onto this
 * page's origin (path and query unchanged: their signatures cover neither host); links elsewhere (S3, Stripe) stay.
 * @param {string} url
 */
export function sameOriginUrl(url) {
  const parsed = new URL(url, location.href);
  if (parsed.origin !== pageSetting('public-origin') || parsed.origin === location.origin) return url;
  return `${parsed.pathname}${parsed.search}`;
}
