import { ProvenanceError, ProvenanceErrorCode } from './provenance-error.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Canonical JSON: object keys sorted recursively (by UTF-16 code units, JavaScript's default sort), no
 * whitespace, strings and numbers as JSON.stringify writes them. For the values it accepts this is the same
 * output as RFC 8785 (JCS), so other languages can reproduce the bytes. It throws instead of guessing on anything
 * JSON cannot say exactly once: NaN and Infinity, undefined (JSON.stringify would silently drop it), bigint,
 * functions, symbols, non-plain objects (Date, Map, class instances), sparse arrays and cycles.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set<object>(), '$');
}

function reject(where: string, why: string): ProvenanceError {
  return new ProvenanceError(ProvenanceErrorCode.NOT_CANONICAL_JSON, `${where}: ${why}`);
}

function write(value: unknown, ancestors: Set<object>, where: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw reject(where, 'numbers must be finite');
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') throw reject(where, `${typeof value} has no JSON form`);
  if (ancestors.has(value)) throw reject(where, 'cyclic structure');
  ancestors.add(value);
  let out: string;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw reject(`${where}[${i}]`, 'sparse array');
      items.push(write(value[i], ancestors, `${where}[${i}]`));
    }
    out = `[${items.join(',')}]`;
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) throw reject(where, 'only plain objects are allowed');
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    out = `{${keys.map((key) => `${JSON.stringify(key)}:${write(record[key], ancestors, `${where}.${key}`)}`).join(',')}}`;
  }
  ancestors.delete(value);
  return out;
}
