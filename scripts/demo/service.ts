/** Starting and stopping the marketplace as a child process, for the demo. */
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';

/**
 * Resolves once `server` listens on `target`: a port of 127.0.0.1 (0: any free one), or the listening socket of another
 * server, which it then takes over (net.Server#listen(handle)) and closes when it closes. Rejects on a listen error.
 */
function listenOn(server: Server, target: number | Server): Promise<void> {
  return new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolveListen();
    };
    if (typeof target === 'number') server.listen(target, '127.0.0.1', listening);
    else server.listen(target, listening);
  });
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await listenOn(server, 0);
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolveClose) => {
    server.close(() => {
      resolveClose();
    });
  });
  return port;
}

/**
 * A loopback port held open until `handTo` gives it to a server of this process, so that nothing can take it in
 * between. A port from freePort is free only when it is looked at: under load an outgoing connection was given the same
 * port as its local one while the service was still starting, and the service's listen failed with EADDRINUSE.
 */
export async function reservePort(): Promise<{ port: number; handTo: (server: Server) => Promise<void> }> {
  const holder = createServer();
  await listenOn(holder, 0);
  const { port } = holder.address() as { port: number };
  return { port, handTo: (server) => listenOn(server, holder) };
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
