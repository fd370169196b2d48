import { describe, expect, it } from 'vitest';
import { colourFor, NO_DATA_COLOUR, niceDomain, rampColour } from './colour';
import { backoffDelay } from './useApi';
import { parseList, parseRange } from './query';
import { apiUrl } from './api';

describe('colour scale', () => {
  it('maps the ends of the domain to the ends of the ramp and no data to grey', () => {
    expect(rampColour(0)).toBe('rgb(68, 1, 84)');
    expect(rampColour(1)).toBe('rgb(253, 231, 37)');
    expect(rampColour(2)).toBe('rgb(253, 231, 37)');
    const d = niceDomain([10.3, 20.7])!;
    expect(d.min).toBeLessThanOrEqual(10.3);
    expect(d.max).toBeGreaterThanOrEqual(20.7);
    expect(colourFor(null, d)).toBe(NO_DATA_COLOUR);
    expect(colourFor(5, null)).toBe(NO_DATA_COLOUR);
  });
  it('never makes an empty domain', () => {
    const d = niceDomain([3, 3])!;
    expect(d.max).toBeGreaterThan(d.min);
    expect(niceDomain([])).toBeNull();
  });
});

describe('retry backoff', () => {
  it('waits 2, 4, 8, then 15 s', () => {
    expect([0, 1, 2, 3, 4, 9].map(backoffDelay)).toEqual([2, 4, 8, 15, 15, 15]);
  });
});

describe('URL state', () => {
  it('parses range and lists', () => {
    expect(parseRange('7')).toBe(7);
    expect(parseRange('9')).toBe(30);
    expect(parseRange(null)).toBe(30);
    expect(parseList('a, b,,a')).toEqual(['a', 'b']);
    expect(parseList(null)).toEqual([]);
  });
  it('builds API URLs under the base', () => {
    expect(apiUrl('/observations/series/', { query: { location: 'a', parameter: 'sst', source: undefined } })).toBe(
      '/api/observations/series/?location=a&parameter=sst',
    );
    expect(apiUrl('/locations/{id}/', { path: { id: 'a b/c' } })).toBe('/api/locations/a%20b%2Fc/');
  });
});
