import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveWebhookAddress, webhookUrlProblem } from './webhook-target.js';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';

/** The longest a receiver may take to answer, connection included; slower counts as a failed attempt. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Bytes of the answer read (and kept, the first 1 KiB of them, in the delivery log); the rest is not read. */
const RESPONSE_CAP_BYTES = 16 * 1024;
const EXCERPT_CHARS = 1024;

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number;
}

/**
 * Posts one signed event: checks the URL and the address its name resolves to now (SSRF), connects to exactly that
 * address, follows no redirect (a 3xx is a failure, as at Stripe), gives up after WEBHOOK_TIMEOUT_MS and reads at most
 * RESPONSE_CAP_BYTES of the answer. Only a 2xx counts as delivered. Never throws.
 */
export async function sendSignedEvent(
  target: { url: string; secret: string },
  event: { id: string; type: string; body: string },
  allowLoopback: boolean,
  timeoutMs = WEBHOOK_TIMEOUT_MS,
  now = () => Date.now(),
): Promise<AttemptResult> {
  const started = now();
  const failed = (error: string, statusCode: number | null = null, responseExcerpt: string | null = null): AttemptResult => ({
    ok: false,
    statusCode,
    error,
    responseExcerpt,
    durationMs: now() - started,
  });
  const problem = webhookUrlProblem(target.url, allowLoopback);
  if (problem) return failed(`the URL ${problem}`);
  const url = new URL(target.url);
  const resolved = await resolveWebhookAddress(url, allowLoopback);
  if ('problem' in resolved) return failed(resolved.problem);
  // The connection goes to the address checked above, whatever the name resolves to by the time it connects.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) callback(null, [{ address: resolved.address, family: resolved.family }]);
    else callback(null, resolved.address, resolved.family);
  };
  const body = Buffer.from(event.body, 'utf8');
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(body.length),
    'user-agent': 'depai-webhooks/1',
    [SIGNATURE_HEADER]: signatureHeader(target.secret, body, Math.floor(now() / 1000)),
    'depai-event-id': event.id,
    'depai-event-type': event.type,
  };
  return new Promise<AttemptResult>((resolve) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'POST', headers, lookup: pinned, timeout: timeoutMs }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        const excerpt = Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_CHARS) || null;
        const statusCode = res.statusCode ?? 0;
        if (statusCode >= 200 && statusCode < 300)
          resolve({ ok: true, statusCode, error: null, responseExcerpt: excerpt, durationMs: now() - started });
        else
          resolve(
            failed(statusCode >= 300 && statusCode < 400 ? `redirect (${statusCode}) not followed` : `answered ${statusCode}`, statusCode, excerpt),
          );
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        if (size >= RESPONSE_CAP_BYTES) return;
        chunks.push(chunk.subarray(0, RESPONSE_CAP_BYTES - size));
        size += chunk.length;
        if (size >= RESPONSE_CAP_BYTES) finish();
      });
      res.on('end', finish);
      res.on('error', (error) => {
        resolve(failed(error.message, res.statusCode ?? null));
      });
    });
    const deadline = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('timeout', () => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    req.on('error', (error) => {
      resolve(failed(error.message));
    });
    req.on('close', () => {
      clearTimeout(deadline);
    });
    req.end(body);
  });
}
