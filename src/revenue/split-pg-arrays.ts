/**
 * PostgreSQL array literals for a sale's bulk inserts (10,000 split rows and ledger lines, sent as
 * `unnest($n::type[])`), built in one pass: the pg driver's generic per-element escaping of JavaScript arrays cost
 * more time than PostgreSQL took to insert the rows.
 */
const QUOTE_OR_BACKSLASH = /["\\]/;
const CONTROL = /\p{Cc}/u;
/** Any UTF-16 surrogate, paired or not (no `u` flag: code units). */
const SURROGATE_UNIT = /[\ud800-\udfff]/;

/** `{"a","b",NULL}`: every element quoted (so that no value can read as NULL or split in two), `"` and `\` escaped. */
export function pgTextArray(values: readonly (string | null)[]): string {
  // JSON spells such an array the same way, null as an unquoted null, unless it escapes a control character or a
  // surrogate (which PostgreSQL would read differently): then element by element, below.
  const joined = values.join('');
  if (!CONTROL.test(joined) && !SURROGATE_UNIT.test(joined)) return `{${JSON.stringify(values).slice(1, -1)}}`;
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (value === null) parts[i] = 'NULL';
    else if (QUOTE_OR_BACKSLASH.test(value)) parts[i] = `"${value.replace(/["\\]/g, '\\$&')}"`;
    else parts[i] = `"${value}"`;
  }
  return `{${parts.join(',')}}`;
}

/** `{1,-2,3}` from integers (numbers must be safe integers). */
export function pgIntegerArray(values: readonly (number | bigint)[]): string {
  for (const value of values) {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`not an integer: ${value}`);
  }
  return `{${values.join(',')}}`;
}
