/** Starting and stopping the marketplace as a child process, for the demo. */
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => {
        resolvePort(port);
      });
    });
  });
}

/**
 * A loopback port held open until `handTo` gives it to a server of this process, so that nothing can take it in
 * between. A port from freePort is free only when it is looked at: under load an outgoing connection was given the same
 * port as its local one while the service was still starting, and the service's listen failed with EADDRINUSE.
 */
export async function reservePort(): Promise<{ port: number; handTo: (server: Server) => Promise<void> }> {
  const holder = createServer();
  await new Promise<void>((resolveListen, reject) => {
    holder.once('error', reject);
    holder.listen(0, '127.0.0.1', () => {
      holder.off('error', reject);
      resolveListen();
    });
  });
  const { port } = holder.address() as { port: number };
  return {
    port,
    // The server takes over the holder's listening socket (net.Server#listen(handle)); it closes it when it closes.
    handTo: (server) =>
      new Promise<void>((resolveListen, reject) => {
        server.once('error', reject);
        server.listen(holder, () => {
          server.off('error', reject);
          resolveListen();
        });
      }),
  };
}

export async function waitHealthy(api: string, service: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.exitCode !== null) throw new Error(`the service exited with code ${service.exitCode} while starting`);
    const ok = await fetch(`${api}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the service did not answer /health within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SIGTERM (the service closes its database cleanly), then SIGKILL if it has not exited within 10 s. */
export async function stopService(service: ChildProcess): Promise<void> {
  if (service.exitCode !== null || service.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    service.once('exit', () => {
      resolve();
    }),
  );
  service.kill('SIGTERM');
  const timer = setTimeout(() => service.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
