/** HTTP calls to whichever service instance is up, as a client behind a load balancer would make them. */
import { ApiClient, ApiError, type CallOptions } from '../demo/api-client.js';

/** No instance answered (both were down or restarting for the whole retry budget). */
export class NoInstanceAnswered extends Error {}

export class ChaosClient {
  /** Calls that met a dead instance and went to another one. */
  failovers = 0;

  constructor(
    private readonly instances: () => string[],
    private readonly retryBudgetMs = 60_000,
  ) {}

  /**
   * Sends the request to a random instance; a connection that fails (an instance killed or still starting) is
   * retried on another one until the budget is spent. An HTTP answer, any status, is final: ApiError for one the
   * caller did not expect.
   */
  async call<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const deadline = Date.now() + this.retryBudgetMs;
    for (let attempt = 0; ; attempt += 1) {
      const urls = this.instances();
      try {
        return await new ApiClient(urls[Math.floor(Math.random() * urls.length)]).call<T>(method, path, options);
      } catch (error) {
        // An ApiError is an answer; anything else is a connection that failed (fetch's TypeError).
        if (error instanceof ApiError) throw error;
        if (Date.now() > deadline)
          throw new NoInstanceAnswered(`${method} ${path}: no instance answered within ${this.retryBudgetMs / 1000} s (${(error as Error).message})`);
        this.failovers += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  }

  get<T = unknown>(path: string, token?: string): Promise<T> {
    return this.call<T>('GET', path, { token });
  }

  post<T = unknown>(path: string, body: unknown, token?: string): Promise<T> {
    return this.call<T>('POST', path, { body, token });
  }
}
