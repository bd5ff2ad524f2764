import { isIP } from 'node:net';

/** What Express's `trust proxy` setting gets: nothing, a hop count, or the proxies' addresses (proxy-addr's forms). */
export type TrustProxySetting = false | number | string[];

const PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isTrustedAddress(entry: string): boolean {
  if (PRESETS.has(entry)) return true;
  const parts = entry.split('/');
  const family = isIP(parts[0]);
  if (family === 0 || parts.length > 2) return false;
  if (parts.length === 1) return true;
  const prefix = parts[1];
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Reads TRUST_PROXY. `false`/`0` (default): the client address is the connection's, X-Forwarded-For is ignored.
 * A number n: trust n proxy hops, so the client is the n-th X-Forwarded-For entry from the right. `true` means 1 (the
 * one reverse proxy in front, which appends the address it saw), never Express's "trust every hop", under which the
 * left-most entry, written by the client itself, would be believed. A comma-separated list of addresses, CIDR
 * ranges or `loopback` / `linklocal` / `uniquelocal`: only connections from those are proxies. Throws an Error
 * saying what is wrong.
 */
export function parseTrustProxy(text: string): TrustProxySetting {
  const value = text.trim().toLowerCase();
  if (['', 'false', 'no', 'off'].includes(value)) return false;
  if (['true', 'yes', 'on'].includes(value)) return 1;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 32) throw new Error('a hop count must be 0 to 32');
    return hops === 0 ? false : hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const wrong = entries.filter((entry) => !isTrustedAddress(entry));
  if (wrong.length > 0) {
    throw new Error(
      `must be true/false, a hop count, or a comma-separated list of IP addresses, CIDR ranges, loopback, linklocal or uniquelocal; not ${wrong.map((entry) => JSON.stringify(entry)).join(', ')}`,
    );
  }
  return entries;
}
