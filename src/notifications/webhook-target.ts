import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where buyer webhooks may go (SSRF): https to a public address only. Loopback over http as well when the operator
 * allows it (WEBHOOKS_ALLOW_LOOPBACK, for local development and the tests). Checked when an endpoint is registered,
 * and again at every send on the address the name resolves to then, which is the address the request connects to
 * (a name that later resolves to an internal address is refused, not followed).
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An IPv4 address written as IPv6 (::ffff:10.0.0.1): its IPv4 part, which is where it goes. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function isLoopbackAddress(address: string): boolean {
  const plain = unmapped(address);
  return LOOPBACK.check(plain.address, plain.family);
}

/** A public unicast address: none of the private, loopback, link-local, shared, documentation or multicast ranges. */
export function isPublicAddress(address: string): boolean {
  const plain = unmapped(address);
  if (plain.family === 'ipv6' && isIP(plain.address) === 6) {
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(plain.address);
    if (hex) return false;
  }
  return isIP(plain.address) !== 0 && !NON_PUBLIC.check(plain.address, plain.family);
}

/** Why a URL cannot be a webhook endpoint (before any name is resolved), or null. */
export function webhookUrlProblem(raw: string, allowLoopback: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not carry a fragment';
  const loopbackName = LOOPBACK_NAMES.has(url.hostname);
  if (url.protocol === 'http:' && !(allowLoopback && loopbackName)) return 'must use https';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) !== 0 && !addressAllowed(literal, allowLoopback)) return 'points to a private or reserved network address';
  return null;
}

export function addressAllowed(address: string, allowLoopback: boolean): boolean {
  return isPublicAddress(address) || (allowLoopback && isLoopbackAddress(address));
}

/**
 * Resolves the URL's host and answers the one address to connect to, or why none may be used: every address the name
 * has must be allowed (a name with one internal address among public ones is refused as a whole).
 */
export async function resolveWebhookAddress(url: URL, allowLoopback: boolean): Promise<{ address: string; family: 4 | 6 } | { problem: string }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) !== 0 ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, order: 'verbatim' });
  } catch {
    return { problem: `host ${host} does not resolve` };
  }
  if (addresses.length === 0) return { problem: `host ${host} does not resolve` };
  const first = addresses[0];
  const refused = addresses.find((entry) => !addressAllowed(entry.address, allowLoopback));
  if (refused) return { problem: `host ${host} resolves to a private or reserved address (${refused.address})` };
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
