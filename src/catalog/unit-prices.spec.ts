import { fileMeasures, quantitiesOf } from './unit-prices.js';

describe('file measures', () => {
  const at = (iso: string) => new Date(iso);

  it('rounds the track to whole metres and counts the recording time in ms', () => {
    expect(fileMeasures({ time_start: at('2026-03-01T08:00:00Z'), time_end: at('2026-03-01T08:30:00.250Z'), length_km: 2.5004 })).toEqual({
      durationMs: 1_800_250,
      lengthM: 2_500,
    });
    expect(fileMeasures({ time_start: null, time_end: null, length_km: 0.0125 }).lengthM).toBe(13);
  });

  it('measures 0 m without a track and 0 ms without both times or with an end before the start', () => {
    expect(fileMeasures({ time_start: at('2026-03-01T08:00:00Z'), time_end: null, length_km: null })).toEqual({ durationMs: 0, lengthM: 0 });
    expect(fileMeasures({ time_start: at('2026-03-01T09:00:00Z'), time_end: at('2026-03-01T08:00:00Z'), length_km: 1 })).toEqual({
      durationMs: 0,
      lengthM: 1_000,
    });
  });

  it('sums files exactly, as a quote and a sale do', () => {
    const files = [
      { sizeBytes: 4_096, ...fileMeasures({ time_start: at('2026-03-01T08:00:00Z'), time_end: at('2026-03-01T08:30:00Z'), length_km: 2.5004 }) },
      { sizeBytes: 1_000, ...fileMeasures({ time_start: null, time_end: null, length_km: null }) },
    ];
    expect(quantitiesOf(files)).toEqual({ lengthM: 2_500n, durationMs: 1_800_000n, bytes: 5_096n });
  });
});
