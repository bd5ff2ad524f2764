import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendSignedEvent } from './webhook-sender.js';
import { verifyWebhookSignature } from './webhook-signature.js';

/** A receiver whose answer the test writes; it records what arrived. */
async function receiver(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

const event = { id: 'evt_1', type: 'order.consent_withdrawn', body: '{"id":"evt_1"}' };
const secret = 'whsec_sender_test';

describe('sending a signed event', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('posts the body with a verifiable Depai-Signature and the event id; a 2xx is delivered', async () => {
    let seen: { headers: IncomingMessage['headers']; body: string } | undefined;
    const target = await receiver((req, res, body) => {
      seen = { headers: req.headers, body };
      res.end('thanks');
    });
    server = target.server;
    const result = await sendSignedEvent({ url: target.url, secret }, event, true);
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null, responseExcerpt: 'thanks' });
    expect(seen?.body).toBe(event.body);
    expect(seen?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(seen?.headers['depai-event-id']).toBe('evt_1');
    expect(verifyWebhookSignature(seen?.body ?? '', seen?.headers['depai-signature'] as string, secret)).toBe(true);
  });

  it('follows no redirect: a 3xx is a failed attempt', async () => {
    let hits = 0;
    const target = await receiver((_req, res) => {
      hits += 1;
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    });
    server = target.server;
    expect(await sendSignedEvent({ url: target.url, secret }, event, true)).toMatchObject({
      ok: false,
      statusCode: 302,
      error: 'redirect (302) not followed',
    });
    expect(hits).toBe(1);
  });

  it('reads at most 16 KiB of an endless answer and keeps its first 1 KiB', async () => {
    const target = await receiver((_req, res) => {
      res.writeHead(500);
      const chunk = 'x'.repeat(4096);
      const pump = () => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      pump();
    });
    server = target.server;
    const result = await sendSignedEvent({ url: target.url, secret }, event, true);
    expect(result).toMatchObject({ ok: false, statusCode: 500, error: 'answered 500' });
    expect(result.responseExcerpt).toHaveLength(1024);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const target = await receiver(() => undefined);
    server = target.server;
    const result = await sendSignedEvent({ url: target.url, secret }, event, true, 300);
    expect(result).toMatchObject({ ok: false, statusCode: null, error: 'no answer within 300 ms' });
  });

  it('refuses, without connecting, loopback when not allowed and names that resolve to private addresses', async () => {
    let hits = 0;
    const target = await receiver((_req, res) => {
      hits += 1;
      res.end();
    });
    server = target.server;
    expect(await sendSignedEvent({ url: target.url, secret }, event, false)).toMatchObject({ ok: false, error: 'the URL must use https' });
    const port = new URL(target.url).port;
    expect(await sendSignedEvent({ url: `https://localhost:${port}/hook`, secret }, event, false)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^host localhost resolves to a private or reserved address/) as unknown,
    });
    expect(hits).toBe(0);
  });
});
