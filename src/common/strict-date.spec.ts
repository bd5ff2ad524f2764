import { validateSync } from 'class-validator';
import { IsStrictDate, parseStrictDate } from './strict-date.js';

describe('parseStrictDate', () => {
  it.each([
    ['2026-11-27', '2026-11-27T00:00:00.000Z'],
    ['2026-11-27T08:15:00Z', '2026-11-27T08:15:00.000Z'],
    ['2026-11-27T08:15Z', '2026-11-27T08:15:00.000Z'],
    ['2026-11-27T08:15:00.123456789Z', '2026-11-27T08:15:00.123Z'],
    ['2026-11-27T08:15:00+02:00', '2026-11-27T06:15:00.000Z'],
    ['2026-11-27T23:30:00-05:30', '2026-11-28T05:00:00.000Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseStrictDate(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2026-02-30',
    '2026-02-29T00:00:00Z',
    '1900-02-29',
    '2026-04-31T10:00:00Z',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '0000-01-01',
    '2026-11-27T24:00:00Z',
    '2026-11-27T12:60:00Z',
    '2026-12-31T23:59:60Z',
    '2026-11-27T08:15:00',
    '2026-11-27T08:15:00+24:00',
    '2026-11-27T08:15:00+0200',
    '2026-11-27 08:15:00Z',
    '2026-1-27',
    '+275760-09-13',
    '2026-11-27T08:15:00.1234567890Z',
    '27/11/2026',
    '',
    ' 2026-11-27',
  ])('refuses %j', (text) => {
    expect(parseStrictDate(text)).toBeNull();
  });

  it('refuses anything but a string', () => {
    expect(parseStrictDate(20261127)).toBeNull();
    expect(parseStrictDate(new Date())).toBeNull();
    expect(parseStrictDate(null)).toBeNull();
  });
});

describe('IsStrictDate', () => {
  class Probe {
    @IsStrictDate()
    capturedAt: string;
  }

  it('names the field in its message', () => {
    const dto = Object.assign(new Probe(), { capturedAt: '2026-02-30' });
    const [error] = validateSync(dto);
    expect(error.property).toBe('capturedAt');
    expect(Object.values(error.constraints ?? {})).toEqual([expect.stringMatching(/^capturedAt must be a real date/)]);
  });

  it('passes a real date', () => {
    expect(validateSync(Object.assign(new Probe(), { capturedAt: '2026-02-28T10:00:00Z' }))).toEqual([]);
  });
});
