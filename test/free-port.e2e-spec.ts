import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { freePort, startOnReservedPort } from '../scripts/demo/service.js';

/**
 * freePort hands a port to a server in another process, which binds it seconds later. A port from the kernel's range for
 * outgoing connections could be given to one of those as its local port in between (seen beside `stress --cpu 2`), so
 * it picks below that range.
 */
describe('freePort (a port for a server in another process)', () => {
  it('answers ports below the range of outgoing connections, each free to listen on', async () => {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(low);
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** Listens on `port` of 127.0.0.1 and closes again: resolves when the port was free, rejects (EADDRINUSE) when held. */
async function listenOnce(port: number): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  await new Promise((resolve) => server.close(resolve));
}

describe('startOnReservedPort (a port for a server of this process)', () => {
  it('holds the port while what listens on it starts, then hands it over', async () => {
    const server = createHttpServer((_request, response) => response.end('served'));
    let seen = 0;
    const { port, started } = await startOnReservedPort(
      async (reserved) => {
        seen = reserved;
        // Held meanwhile: nobody else can listen there.
        await expect(listenOnce(reserved)).rejects.toThrow(/EADDRINUSE/);
        return server;
      },
      (value) => value,
    );
    expect([port, started]).toEqual([seen, server]);
    expect(await (await fetch(`http://127.0.0.1:${String(port)}/`)).text()).toBe('served');
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives the port back when the start fails, and says why', async () => {
    let seen = 0;
    await expect(
      startOnReservedPort(
        (reserved) => {
          seen = reserved;
          return Promise.reject(new Error('the app did not boot'));
        },
        () => createHttpServer(),
      ),
    ).rejects.toThrow('the app did not boot');
    await listenOnce(seen);
  });
});
