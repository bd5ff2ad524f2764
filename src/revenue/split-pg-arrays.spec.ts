import pg from 'pg';
import { pgIntegerArray, pgTextArray } from './split-pg-arrays.js';

describe('array literals for bulk inserts (read back by PostgreSQL itself)', () => {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

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
    const [row] = (await client.query(`SELECT $1::text[] AS back`, [pgTextArray(values)])).rows;
    expect(row.back).toEqual(values);
    // Without control characters (the usual case, spelled via JSON) as well.
    const plain = values.filter((value) => value === null || !/[\n\t]/.test(value));
    expect(plain).toContain('back\\slash');
    expect((await client.query(`SELECT $1::text[] AS back`, [pgTextArray(plain)])).rows[0].back).toEqual(plain);
    const emoji = ['😀', 'x"😀\\'];
    expect((await client.query(`SELECT $1::text[] AS back`, [pgTextArray(emoji)])).rows[0].back).toEqual(emoji);
    expect((await client.query(`SELECT cardinality($1::text[]) AS n`, [pgTextArray([])])).rows[0].n).toBe(0);
    const uuids = ['7d0c3a52-3f0e-4c1b-9d6b-1f2e3d4c5b6a', null];
    expect((await client.query(`SELECT $1::uuid[] AS back`, [pgTextArray(uuids)])).rows[0].back).toEqual(uuids);
  });

  it('writes integers and bigints exactly, and refuses what is not an integer', async () => {
    const values = [0n, -1n, 9_223_372_036_854_775_807n, -9_223_372_036_854_775_808n, 42n];
    const [row] = (await client.query(`SELECT $1::bigint[]::text[] AS back`, [pgIntegerArray(values)])).rows;
    expect(row.back).toEqual(values.map(String));
    expect((await client.query(`SELECT $1::int[] AS back`, [pgIntegerArray([3, -2, 0])])).rows[0].back).toEqual([3, -2, 0]);
    expect(() => pgIntegerArray([1.5])).toThrow(RangeError);
    expect(() => pgIntegerArray([Number.NaN])).toThrow(RangeError);
  });
});
