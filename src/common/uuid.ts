const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a uuid PostgreSQL accepts in its canonical form (any version), so a lookup by it cannot fail. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
