import { CommonException } from './errors/common.exception.js';
import { cursorValues, decodeCursor, encodeCursor } from './keyset-cursor.js';

const id = '6f1c2a9e-1b7d-4c5e-9a0b-3d2e1f4a5b6c';
const raw = (text: string) => Buffer.from(text).toString('base64url');

describe('keyset cursors', () => {
  it('decodes what it encoded, to the microsecond', () => {
    const position = { createdAt: '2026-12-04T10:11:12.345678Z', id };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['0', '0'],
    ['1', '1'],
    ['e', 'e'],
    ['1e999', '1e999'],
    ['bad base64', '!!!*'],
    ['an empty cursor', ''],
    ['year -271821', raw(`-271821-04-20T00:00:00.000Z|${id}`)],
    ['year 0', raw(`0000-01-01T00:00:00.000Z|${id}`)],
    ['month 13', raw(`2026-13-01T00:00:00.000Z|${id}`)],
    ['30 February', raw(`2026-02-30T00:00:00.000Z|${id}`)],
    ['hour 25', raw(`2026-02-03T25:00:00.000Z|${id}`)],
    ['a date without fraction digits', raw(`2026-02-03T01:00:00Z|${id}`)],
    ['a date in milliseconds only', raw(`2026-02-03T01:00:00.000Z|${id}`)],
    ['a date in PostgreSQL text form', raw(`2026-02-03 01:00:00.123456+00|${id}`)],
    ['30 February to the microsecond', raw(`2026-02-30T00:00:00.000001Z|${id}`)],
    ['an id that is not a uuid', raw(`2026-02-03T01:00:00.000000Z|------------------------------------`)],
    ['a third part', raw(`2026-02-03T01:00:00.000000Z|${id}|x`)],
  ])('refuses %s with a 400 VALIDATION_FAILED', (_name, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CommonException);
    expect(thrown).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
  });
});

describe('cursorValues', () => {
  it('takes timestamps as toISOString and PostgreSQL write them, of real dates in years 1 to 9999', () => {
    for (const text of ['2026-12-04T10:11:12.345Z', '2026-12-04 10:11:12.123456+00', '2024-02-29 00:00:00+05:30', '0001-01-01T00:00:00.000Z']) {
      expect([text, cursorValues.isTimestamp(text)]).toEqual([text, true]);
    }
    for (const text of [
      '-271821-04-20T00:00:00.000Z',
      '+275760-09-13T00:00:00.000Z',
      '2025-02-29 00:00:00+00',
      '2026-12-04',
      'now',
      '0000-01-01 00:00:00+00',
    ]) {
      expect([text, cursorValues.isTimestamp(text)]).toEqual([text, false]);
    }
  });

  it('takes bigints within PostgreSQL bigint, and reals PostgreSQL reads back', () => {
    const { isBigint, isReal } = cursorValues;
    expect(['0', '5000', '9223372036854775807'].filter((text) => !isBigint(text))).toEqual([]);
    expect(['9223372036854775808', '123456789012345678901234567890', '-1', '01', '1e3', ''].filter(isBigint)).toEqual([]);
    expect(['0', '0.0607927', '1e-05', '-2.5', '3e38'].filter((text) => !isReal(text))).toEqual([]);
    expect(['e', '1e999', '1e39', '1e-50', 'NaN', 'Infinity', '', '.'].filter(isReal)).toEqual([]);
  });
});
