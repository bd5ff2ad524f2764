/** Starting and stopping the marketplace as a child process, for the demo. */
import type { ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

/**
 * The lowest port of the range the kernel takes the local ports of outgoing connections from (Linux's
 * ip_local_port_range; elsewhere IANA's dynamic range, which BSD, macOS and Windows use).
 */
function outgoingPortsLow(): number {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && low > 1024 && high >= low) return low;
  } catch {
    // Not Linux.
  }
  return 49152;
}

/** The lowest port freePort picks: above the well-known ports and the ones services are usually configured on. */
const FREE_PORT_FLOOR = 20_000;

/** A new server listening on a loopback port the kernel chose, and that port. */
async function listenOnAnyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await listenOn(server, 0);
  return { server, port: (server.address() as { port: number }).port };
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolveClose) => {
    server.close(() => {
      resolveClose();
    });
  });
}

/**
 * A loopback port nobody listens on right now, for a server in another process (the demo's service, a chaos instance),
 * which binds it a while later. It is picked at random below the kernel's range for outgoing connections: a port from
 * that range (listen(0)) could be handed to an outgoing connection as its local port while the other process was
 * still starting, and its listen then failed with EADDRINUSE. Another process may still bind a port picked here in that
 * window, but only by asking for it by number. A server of this process should use startOnReservedPort instead.
 */
export async function freePort(): Promise<number> {
  const low = outgoingPortsLow();
  const attempts = low - 1 > FREE_PORT_FLOOR ? 100 : 0;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const server = createServer();
    const port = randomInt(FREE_PORT_FLOOR, low);
    const free = await listenOn(server, port).then(
      () => true,
      () => false, // EADDRINUSE (someone listens there, on 127.0.0.1 or on every address), EACCES
    );
    if (!free) continue;
    await closeServer(server);
    return port;
  }
  // No room below the range (or all of it taken): the kernel's choice.
  const { server, port } = await listenOnAnyPort();
  await closeServer(server);
  return port;
}

/**
 * Runs `start` with a loopback port held open meanwhile (what it starts may need to know its own address), then hands
 * that port to the server `serverOf` finds in what started, so that nothing can take the port in between. A port from
 * freePort is free only when it is looked at: under load an outgoing connection was given the same port as its local
 * one while the service was still starting, and the service's listen failed with EADDRINUSE. When `start` or the
 * hand-over fails, the port is given back, so no listening holder is left behind to keep the process alive.
 */
export async function startOnReservedPort<T>(
  start: (port: number) => Promise<T>,
  serverOf: (started: T) => Server,
): Promise<{ port: number; started: T }> {
  const { server: holder, port } = await listenOnAnyPort();
  try {
    const started = await start(port);
    await listenOn(serverOf(started), holder);
    return { port, started };
  } catch (error) {
    await closeServer(holder);
    throw error;
  }
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
