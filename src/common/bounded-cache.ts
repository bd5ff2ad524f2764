/**
 * A map of at most `capacity` entries that forgets the least recently used one first: for values that are costly to
 * make and asked for again and again (a pending order's QR code, fetched by every poll of its page).
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a cache holds at least one entry (asked for ${String(capacity)})`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value kept for `key`, which becomes the most recently used; undefined when there is none. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Keeps `value` for `key` as the most recently used, forgetting the least recently used entries past capacity. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }
}
