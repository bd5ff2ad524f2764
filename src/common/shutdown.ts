import { ConfigError } from '../config/config-error.js';

/**
 * On the first SIGTERM or SIGINT: logs it, closes `closables` in order (the app first: running requests and jobs
 * finish, then the database goes) and exits; a second signal meanwhile changes nothing.
 */
export function closeOnSignal(log: (message: string) => void, ...closables: { close(): Promise<void> }[]): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`received ${signal}, shutting down`);
    for (const closable of closables) await closable.close();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop(signal));
}

/** Runs an entry point's start-up; a failure exits with status 1 (a configuration error as its message alone). */
export function runEntryPoint(start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
