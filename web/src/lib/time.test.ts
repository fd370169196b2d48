import { describe, expect, it } from 'vitest';
import { ageText, formatUtc, isStale, STALE_AFTER_MS } from './time';

const now = Date.parse('2026-11-26T12:00:00Z');
const ago = (ms: number) => now - ms;
const MIN = 60_000;
const H = 60 * MIN;

describe('ageText', () => {
  it('reads naturally at each scale', () => {
    expect(ageText(ago(10_000), now)).toBe('just now');
    expect(ageText(ago(-5 * MIN), now)).toBe('just now'); // clock skew: never "in -5 min"
    expect(ageText(ago(5 * MIN), now)).toBe('5 min ago');
    expect(ageText(ago(59 * MIN), now)).toBe('59 min ago');
    expect(ageText(ago(3 * H), now)).toBe('3 h ago');
    expect(ageText(ago(47 * H), now)).toBe('47 h ago');
    expect(ageText(ago(50 * H), now)).toBe('2 d ago');
    expect(ageText(ago(30 * 24 * H), now)).toBe('30 d ago');
  });
});

describe('isStale', () => {
  it('marks data older than two days', () => {
    expect(isStale(ago(STALE_AFTER_MS - 1), now)).toBe(false);
    expect(isStale(ago(STALE_AFTER_MS), now)).toBe(false);
    expect(isStale(ago(STALE_AFTER_MS + 1), now)).toBe(true);
    expect(isStale(ago(3 * 24 * H), now)).toBe(true);
  });
});

describe('formatUtc', () => {
  it('formats in UTC', () => {
    expect(formatUtc(now)).toBe('2026-11-26 12:00 UTC');
  });
});
