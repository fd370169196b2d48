import { describe, expect, it } from 'vitest';
import { csvFilename, CSV_HEADER, toCsv } from './csv';
import { cToF } from './units';
import type { Track } from './series';

describe('toCsv', () => {
  const a: Track = { source: 'ndbc', t: [Date.UTC(2026, 10, 1, 0), Date.UTC(2026, 10, 1, 2)], v: [14.25, 15], q: [1, 3] };
  const b: Track = { source: 'erddap', t: [Date.UTC(2026, 10, 1, 1), Date.UTC(2026, 10, 1, 1, 30), Date.UTC(2026, 10, 1, 2)], v: [14.5, null, 40.5], q: [2, null, 4] };

  it('writes the header and one row per point shown, in time order, without gap markers', () => {
    const csv = toCsv([a, b]);
    expect(csv.split('\n')).toEqual([
      CSV_HEADER,
      '2026-11-01T00:00:00.000Z,14.25,good,ndbc',
      '2026-11-01T01:00:00.000Z,14.5,not_evaluated,erddap',
      '2026-11-01T02:00:00.000Z,40.5,bad,erddap',
      '2026-11-01T02:00:00.000Z,15,suspect,ndbc',
      '',
    ]);
  });
  it('writes values in the unit shown', () => {
    const lines = toCsv([a], cToF).trim().split('\n');
    expect(lines[1]).toBe('2026-11-01T00:00:00.000Z,57.65,good,ndbc');
    expect(lines).toHaveLength(3);
  });
  it('quotes fields that need it and handles no data', () => {
    const odd: Track = { source: 'a,"b"', t: [0], v: [1], q: [1] };
    expect(toCsv([odd]).split('\n')[1]).toBe('1970-01-01T00:00:00.000Z,1,good,"a,""b"""');
    expect(toCsv([])).toBe(CSV_HEADER + '\n');
  });
  it('names the file after what it holds', () => {
    expect(csvFilename('monterey-bay', 'sst', 7, '°F')).toBe('monterey-bay_sst_7d_degF.csv');
    expect(csvFilename('x', 'chlorophyll_a', 30, 'mg m⁻³')).toBe('x_chlorophyll_a_30d_mgm.csv');
  });
});
