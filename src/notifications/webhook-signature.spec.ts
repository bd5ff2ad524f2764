import { createHmac } from 'node:crypto';
import { newWebhookSecret, signatureHeader, verifyWebhookSignature } from './webhook-signature.js';

describe('webhook signatures (Stripe scheme: t=<unix>,v1=<HMAC-SHA256(secret, "t.body")>)', () => {
  const secret = 'whsec_test_secret';
  const body = '{"id":"evt_1","type":"order.consent_withdrawn"}';
  const t = 1_764_892_800;

  it('signs the timestamp and the raw body with HMAC-SHA256, as a receiver recomputes it by hand', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signatureHeader(secret, body, t)).toBe(`t=${t},v1=${expected}`);
  });

  it('verifies its own header within the tolerance, over a string or the same bytes', () => {
    const header = signatureHeader(secret, body, t);
    expect(verifyWebhookSignature(body, header, secret, 300, t + 10)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(body), header, secret, 300, t)).toBe(true);
  });

  it('refuses another body, another secret, an old or a future timestamp', () => {
    const header = signatureHeader(secret, body, t);
    expect(verifyWebhookSignature(`${body} `, header, secret, 300, t)).toBe(false);
    expect(verifyWebhookSignature(body, header, 'whsec_other', 300, t)).toBe(false);
    expect(verifyWebhookSignature(body, header, secret, 300, t + 301)).toBe(false);
    expect(verifyWebhookSignature(body, header, secret, 300, t - 301)).toBe(false);
  });

  it('refuses malformed headers without throwing, and accepts any one valid v1 among several (secret rotation)', () => {
    const valid = signatureHeader(secret, body, t);
    const v1 = valid.split('v1=')[1];
    for (const header of [undefined, '', 'v1=abc', `t=x,v1=${v1}`, `t=${t}`, `t=${t},t=${t},v1=${v1}`, `t=${t},v1=zz`, `t=${t},v0=${v1}`]) {
      expect(verifyWebhookSignature(body, header, secret, 300, t)).toBe(false);
    }
    expect(verifyWebhookSignature(body, `t=${t},v1=${'0'.repeat(64)},v1=${v1}`, secret, 300, t)).toBe(true);
  });

  it('makes secrets of the whsec_ form, each new', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
