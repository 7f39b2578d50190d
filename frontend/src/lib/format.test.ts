import { describe, expect, it } from 'vitest';
import { formatClock, formatDate, formatTime } from './format';

describe('format', () => {
  it('writes dates day first', () => {
    expect(formatDate('1990-03-15')).toBe('15/03/1990');
    expect(formatDate('1990-03-15T00:00:00Z')).toBe('15/03/1990');
    expect(formatDate('')).toBe('');
    expect(formatDate('not a date')).toBe('not a date');
  });
  it('writes times on a 24-hour clock in the local zone', () => {
    const local = new Date(2025, 6, 1, 14, 5, 9).toISOString();
    expect(formatClock(local)).toBe('14:05:09');
    expect(formatTime(local)).toBe('14:05:09 01/07/2025');
    expect(formatTime('garbage')).toBe('garbage');
  });
});
