import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort } from '../scripts/demo/service.js';

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
