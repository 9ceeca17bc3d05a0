import { describe, expect, it } from 'vitest';
import { durationBarWidths } from './durationScale';
import { durationBetween, formatDuration } from './format';

describe('durationBarWidths', () => {
  it('scales bars to the longest duration', () => {
    expect(durationBarWidths([500, 2000, 1000])).toEqual([25, 100, 50]);
  });

  it('gives a missing duration no bar and a zero one a sliver', () => {
    expect(durationBarWidths([undefined, 0, 4000])).toEqual([0, 1, 100]);
  });

  it('draws no bars when nothing has a duration', () => {
    expect(durationBarWidths([undefined, undefined])).toEqual([0, 0]);
    expect(durationBarWidths([])).toEqual([]);
  });
});

describe('durations', () => {
  it('measures between two times and refuses a missing or reversed pair', () => {
    expect(durationBetween('2026-01-01T00:00:00Z', '2026-01-01T00:00:01.5Z')).toBe(1500);
    expect(durationBetween('2026-01-01T00:00:01Z', '2026-01-01T00:00:00Z')).toBeUndefined();
    expect(durationBetween(null, '2026-01-01T00:00:00Z')).toBeUndefined();
  });

  it('formats as people read them', () => {
    expect([formatDuration(42), formatDuration(1500), formatDuration(75_000), formatDuration(undefined)]).toEqual(['42 ms', '1.50 s', '1 min 15 s', '—']);
  });
});
