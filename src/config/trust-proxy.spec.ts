import { parseTrustProxy } from './trust-proxy.js';

describe('parseTrustProxy', () => {
  it('reads false, 0 and empty as no proxy, and true as the one proxy in front (never every hop)', () => {
    expect(['false', 'no', 'off', '0', ''].map(parseTrustProxy)).toEqual([false, false, false, false, false]);
    expect(['true', 'TRUE', 'yes', 'on', '1'].map(parseTrustProxy)).toEqual([1, 1, 1, 1, 1]);
  });

  it('takes a hop count, or addresses, CIDR ranges and the named ranges', () => {
    expect(parseTrustProxy('3')).toBe(3);
    expect(parseTrustProxy('loopback, 10.0.0.0/8,192.168.1.7, fd00::/8, ::1, uniquelocal, linklocal')).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
      '::1',
      'uniquelocal',
      'linklocal',
    ]);
  });

  it('refuses what Express would misread, naming it', () => {
    expect(() => parseTrustProxy('33')).toThrow('a hop count must be 0 to 32');
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow('not "10.0.0.0/33"');
    expect(() => parseTrustProxy('loopback,proxy.example.com')).toThrow('not "proxy.example.com"');
    expect(() => parseTrustProxy('10.0.0.1/8/1')).toThrow('not "10.0.0.1/8/1"');
    expect(() => parseTrustProxy('*')).toThrow('not "*"');
  });
});
