import { isPublicAddress, resolveWebhookAddress, webhookUrlProblem } from './webhook-target.js';

describe('webhook targets (SSRF)', () => {
  it('takes public addresses and refuses private, loopback, link-local, shared, reserved and mapped ones', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) expect(isPublicAddress(address)).toBe(true);
    for (const address of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '::ffff:127.0.0.1',
      '::ffff:a00:1',
      '64:ff9b::a00:1',
      'not-an-address',
    ]) {
      expect([address, isPublicAddress(address)]).toEqual([address, false]);
    }
  });

  it('asks for https, and admits http only to loopback when loopback is allowed', () => {
    expect(webhookUrlProblem('https://hooks.example.com/depai', false)).toBeNull();
    expect(webhookUrlProblem('http://hooks.example.com/depai', false)).toBe('must use https');
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', false)).toBe('must use https');
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', true)).toBeNull();
    expect(webhookUrlProblem('http://localhost:8080/hook', true)).toBeNull();
    expect(webhookUrlProblem('http://10.0.0.1/hook', true)).toBe('must use https');
    expect(webhookUrlProblem('ftp://hooks.example.com/', true)).toBe('must use https');
    expect(webhookUrlProblem('https://user:pw@hooks.example.com/', false)).toBe('must not carry credentials');
    expect(webhookUrlProblem('nope', false)).toBe('is not a URL');
  });

  it('refuses address literals in private networks whatever the scheme', () => {
    for (const url of [
      'https://10.0.0.1/hook',
      'https://192.168.0.10/',
      'https://169.254.169.254/latest/meta-data',
      'https://[fd00::1]/',
      'https://127.0.0.1/',
    ]) {
      expect(webhookUrlProblem(url, false)).toBe('points to a private or reserved network address');
    }
    expect(webhookUrlProblem('https://127.0.0.1/', true)).toBeNull();
  });

  it('resolves names and refuses one that resolves to loopback unless allowed', async () => {
    await expect(resolveWebhookAddress(new URL('https://localhost/hook'), false)).resolves.toEqual({
      problem: expect.stringMatching(/^host localhost resolves to a private or reserved address/) as unknown,
    });
    await expect(resolveWebhookAddress(new URL('http://localhost/hook'), true)).resolves.toMatchObject({ address: expect.any(String) as unknown });
    await expect(resolveWebhookAddress(new URL('https://10.0.0.7/hook'), true)).resolves.toEqual({
      problem: 'host 10.0.0.7 resolves to a private or reserved address (10.0.0.7)',
    });
  });
});
