// The pages' one way to the API: same origin, JSON in and out, the signed-in user's token from localStorage.
const SESSION_KEY = 'marketplace.session';

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export const session = {
  /** {accessToken, user: {id, email, role, wallet?}} or null */
  get() {
    try {
      return JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null');
    } catch {
      return null;
    }
  },
  set(value) {
    localStorage.setItem(SESSION_KEY, JSON.stringify({ accessToken: value.accessToken, user: value.user }));
    window.dispatchEvent(new CustomEvent('session-changed'));
  },
  clear() {
    localStorage.removeItem(SESSION_KEY);
    window.dispatchEvent(new CustomEvent('session-changed'));
  },
  get user() {
    return this.get()?.user ?? null;
  },
};

/** The API's error shape is {statusCode, error, message}; message may be a list (validation). */
function errorMessage(body, status) {
  if (body && typeof body === 'object') {
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    if (message) return String(message);
    if (body.error) return String(body.error);
  }
  return `request failed with status ${status}`;
}

/**
 * Calls the API. `body` is sent as JSON; answers the parsed JSON (or null for an empty body); throws ApiError with the
 * API's own message otherwise. A 401 on a signed-in call means the token expired: the session is dropped.
 */
export async function api(path, { method = 'GET', body, headers = {}, signal } = {}) {
  const token = session.get()?.accessToken;
  const response = await fetch(path, {
    method,
    signal,
    headers: {
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
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
  return parsed;
}

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
