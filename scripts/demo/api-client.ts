/** The demo's HTTP client: plain fetch against the service's public API, as any client would call it. */

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 500)}`);
  }
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as they are, e.g. a signed webhook payload whose exact bytes matter. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** The status that counts as success; any 2xx when unset. */
  expect?: number;
}

/**
 * A response DTO of the service (src/<module>/dto/*.response.ts) as it arrives: parsed JSON, so its dates are ISO
 * strings. Call with the DTO the route answers, e.g. `api.get<Json<OrderResponse>>(...)`.
 */
export type Json<T> = T extends Date ? string : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  /** Answers the parsed JSON body as `T`, which the caller names (nothing checks it); `unknown` when not named. */
  async call<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    const ok = options.expect === undefined ? response.ok : response.status === options.expect;
    if (!ok) throw new ApiError(method, path, response.status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T = unknown>(path: string, token?: string): Promise<T> {
    return this.call<T>('GET', path, { token });
  }

  post<T = unknown>(path: string, body: unknown, token?: string): Promise<T> {
    return this.call<T>('POST', path, { body, token });
  }

  /** Polls `read` until `done` holds for its answer, or fails after `timeoutMs` with the last answer. */
  async until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline)
        throw new Error(`${what}: not there after ${timeoutMs / 1000} s; last answer ${JSON.stringify(value).slice(0, 500)}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}
