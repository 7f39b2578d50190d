import { describe, expect, it } from 'vitest';
import { formatCountdown, secondsLeft, secondsUntil } from './countdown';

describe('secondsUntil', () => {
  const now = Date.parse('2025-07-01T08:00:00Z');
  it.each([
    ['2025-07-01T08:01:00Z', 60],
    ['2025-07-01T08:00:00.200Z', 1], // rounds up: the button stays disabled until the moment passes
    ['2025-07-01T15:00:30+07:00', 30],
    ['2025-07-01T07:59:59Z', 0],
    [null, 0],
    ['not a time', 0],
  ])('%s → %i', (iso, want) => {
    expect(secondsUntil(iso, now)).toBe(want);
  });
});

describe('formatCountdown', () => {
  it.each([
    [0, '0:00'],
    [5, '0:05'],
    [60, '1:00'],
    [75, '1:15'],
    [299, '4:59'],
    [-3, '0:00'],
  ])('%i → %s', (s, want) => {
    expect(formatCountdown(s)).toBe(want);
  });
});

describe('secondsLeft', () => {
  it('rounds down, so a 5-minute code never shows more than 5:00', () => {
    const now = Date.parse('2025-07-01T08:00:00.000Z');
    expect(secondsLeft('2025-07-01T08:05:00.400Z', now)).toBe(300);
    expect(secondsLeft('2025-07-01T08:04:59.900Z', now)).toBe(299);
    expect(secondsUntil('2025-07-01T08:04:59.900Z', now)).toBe(300);
    expect(secondsLeft('2025-07-01T07:59:00Z', now)).toBe(0);
    expect(secondsLeft(null, now)).toBe(0);
  });
});
