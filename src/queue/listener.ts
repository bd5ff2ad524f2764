import pg from 'pg';

/** The most a lost listener waits before it connects again (1 s, then twice as long each failed try, up to this). */
const MAX_RECONNECT_DELAY_MS = 30_000;

export interface Listener {
  close(): Promise<void>;
}

/**
 * LISTENs on `channel` over a connection of its own (a pooled one would hand the session to the next query), and calls
 * `onNotification` with each payload. A lost connection (the server restarted, the backend was terminated, the network
 * dropped it: keepalive tells) is made again with a growing delay, and `onReconnect` runs after every LISTEN, the first
 * included, so the caller can look for what it missed meanwhile. What pg-boss's own pool does for `useListenNotify`,
 * for the app's pool (pg-boss runs on TypeORM's, see poolDatabase). The first connection must succeed: its error
 * reaches the caller, which then polls only.
 */
export async function listen(
  config: pg.ClientConfig,
  channel: string,
  onNotification: (payload: string) => void,
  onReconnect: () => void,
): Promise<Listener> {
  let closed = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  /** Set once LISTEN has succeeded: only then does a lost connection come back (a first failure is the caller's). */
  let established = false;

  /** Ends `target` for good: none of its events reaches the listener any more. */
  const drop = (target: pg.Client): Promise<void> => {
    target.removeAllListeners();
    // An error the ended connection still emits must find a listener, or it would end the process.
    target.on('error', () => undefined);
    return target.end().catch(() => undefined);
  };
  const connect = async () => {
    const next = new pg.Client({ ...config, keepAlive: true });
    next.on('notification', (message) => {
      if (message.payload !== undefined) onNotification(message.payload);
    });
    next.on('error', () => {
      lost(next);
    });
    next.on('end', () => {
      lost(next);
    });
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${next.escapeIdentifier(channel)}`);
    } catch (error) {
      if (client === next) client = null;
      void drop(next);
      throw error;
    }
    if (closed) {
      void drop(next);
      return;
    }
    failures = 0;
    established = true;
    onReconnect();
  };
  const reconnectLater = () => {
    if (closed || retry) return;
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, 1000 * 2 ** Math.min(failures, 5));
    failures += 1;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch(reconnectLater);
    }, delay);
    retry.unref();
  };
  const lost = (target: pg.Client) => {
    if (closed || client !== target) return;
    client = null;
    void drop(target);
    if (established) reconnectLater();
  };

  await connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      const last = client;
      client = null;
      if (last) await drop(last);
    },
  };
}
