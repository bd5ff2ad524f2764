import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Buyer webhook signatures, as Stripe signs its own: the header `Depai-Signature: t=<unix seconds>,v1=<hex>` where
 * the hex is HMAC-SHA256 with the endpoint's secret (`whsec_...`, the whole string as the key) over
 * `<t>.<the raw request body>`. A receiver recomputes it over the bytes it received, compares in constant time, and
 * refuses a timestamp older than its tolerance (a replay). `verifyWebhookSignature` is all a receiver needs (node:crypto
 * only): see the README's "Buyer webhooks".
 */
export const SIGNATURE_HEADER = 'Depai-Signature';
/** Five minutes, as Stripe's libraries default to. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

function hmacHex(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header value for a body sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, rawBody: string | Buffer, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, rawBody)}`;
}

/**
 * True when the header carries a v1 signature of this exact body by this secret, made at most `toleranceSeconds`
 * before `now` (unix seconds). Any malformed header is false, never an exception.
 */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  header: string | undefined,
  secret: string,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
  now = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part): [string, string] => {
    const [key = '', value = ''] = part.trim().split('=');
    return [key, value];
  });
  const timestamps = parts.filter(([key]) => key === 't').map(([, value]) => value);
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamps[0])) return false;
  const timestamp = Number(timestamps[0]);
  if (Math.abs(now - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  return parts
    .filter(([key, value]) => key === 'v1' && /^[0-9a-f]{64}$/.test(value))
    .some(([, value]) => timingSafeEqual(Buffer.from(value, 'hex'), expected));
}
