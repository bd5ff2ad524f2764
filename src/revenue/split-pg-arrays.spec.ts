import pg from 'pg';
import { pgIntegerArray, pgTextArray } from './split-pg-arrays.js';

describe('array literals for bulk inserts (read back by PostgreSQL itself)', () => {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  beforeAll(() => client.connect());
  afterAll(() => client.end());
  /** The first row's single column of `sql` with `literal` as $1, as PostgreSQL parsed it. */
  const readBack = async (sql: string, literal: string): Promise<unknown> => {
    const { rows } = await client.query<{ value: unknown }>(sql, [literal]);
    return rows[0].value;
  };

  it('keeps every text value as it is, NULL as NULL, and the string "NULL" as a string', async () => {
    const values = [
      'plain',
      'NULL',
      'null',
      null,
      '',
      ' spaced ',
      'a,b',
      '{braces}',
      'quote"d',
      'back\\slash',
      'both\\"',
      'new\nline',
      'tab\t',
      'é ünïcödé',
      '\\n',
      '"',
    ];
    expect(await readBack(`SELECT $1::text[] AS value`, pgTextArray(values))).toEqual(values);
    // Without control characters (the usual case, spelled via JSON) as well.
    const plain = values.filter((value) => value === null || !/[\n\t]/.test(value));
    expect(plain).toContain('back\\slash');
    expect(await readBack(`SELECT $1::text[] AS value`, pgTextArray(plain))).toEqual(plain);
    const emoji = ['😀', 'x"😀\\'];
    expect(await readBack(`SELECT $1::text[] AS value`, pgTextArray(emoji))).toEqual(emoji);
    expect(await readBack(`SELECT cardinality($1::text[]) AS value`, pgTextArray([]))).toBe(0);
    const uuids = ['7d0c3a52-3f0e-4c1b-9d6b-1f2e3d4c5b6a', null];
    expect(await readBack(`SELECT $1::uuid[] AS value`, pgTextArray(uuids))).toEqual(uuids);
  });

  it('writes integers and bigints exactly, and refuses what is not an integer', async () => {
    const values = [0n, -1n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, 42n];
    expect(await readBack(`SELECT $1::bigint[]::text[] AS value`, pgIntegerArray(values))).toEqual(values.map(String));
    expect(await readBack(`SELECT $1::int[] AS value`, pgIntegerArray([3, -2, 0]))).toEqual([3, -2, 0]);
    expect(() => pgIntegerArray([1.5])).toThrow(RangeError);
    expect(() => pgIntegerArray([Number.NaN])).toThrow(RangeError);
  });
});
