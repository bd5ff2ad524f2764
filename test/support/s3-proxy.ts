import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  /** Which client sent it: each is given an endpoint of its own. */
  client: string;
  method: string;
  path: string;
  /** When it arrived (epoch milliseconds). */
  at: number;
}

export interface S3Proxy {
  /** A loopback endpoint for `client`, forwarding to the S3 server. */
  endpointFor(client: string): Promise<string>;
  /** Every request seen, in order of arrival. */
  readonly requests: ProxiedRequest[];
  /**
   * From now on, GETs from `client` are never answered (it hangs mid-read, as a worker does while it reads a big
   * object); resolves when the first one arrives.
   */
  holdReads(client: string): Promise<ProxiedRequest>;
  close(): Promise<void>;
}

/** An HTTP proxy in front of an S3 server (s3rver) that tells its clients apart and can stall one's reads. */
export function startS3Proxy(target: string): S3Proxy {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const held = new Map<string, (seen: ProxiedRequest) => void>();
  const stalled = new Set<ServerResponse>();
  const servers: Server[] = [];

  return {
    requests,
    async endpointFor(client) {
      const server = createServer((req, res) => {
        const seen = { client, method: req.method ?? 'GET', path: req.url ?? '/', at: Date.now() };
        requests.push(seen);
        const hold = held.get(client);
        if (hold && seen.method === 'GET') {
          stalled.add(res);
          hold(seen);
          return;
        }
        const forwarded = request(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forwarded.on('error', () => res.destroy());
        req.pipe(forwarded);
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    holdReads(client) {
      return new Promise((resolve) => {
        let first = true;
        held.set(client, (seen) => {
          if (first) resolve(seen);
          first = false;
        });
      });
    },
    async close() {
      stalled.forEach((res) => res.destroy());
      await Promise.all(
        servers.map((server) => {
          server.closeAllConnections();
          return new Promise<void>((resolve) => {
            server.close(() => {
              resolve();
            });
          });
        }),
      );
    },
  };
}
