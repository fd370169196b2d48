import { describe, expect, it } from 'vitest';
import { alignTracks, insertGaps, mainTrack, medianStep, pointCount, splitBySource, stats, tracksStats, type Track } from './series';
import type { Series } from './types';

const H = 3_600_000;

function series(partial: Partial<Series>): Series {
  return {
    location: 'x',
    parameter: 'sst',
    unit: '°C',
    start: '',
    end: '',
    total_points: 0,
    sources: [],
    t: [],
    v: [],
    q: [],
    s: [],
    ...partial,
  };
}

describe('splitBySource', () => {
  it('makes one track per source, keeping order and flags', () => {
    const tracks = splitBySource(
      series({ sources: ['a', 'b'], t: [1, 2, 3, 4], v: [10, 20, 11, 21], q: [1, 1, 3, 4], s: [0, 1, 0, 1] }),
    );
    expect(tracks).toEqual([
      { source: 'a', t: [1, 3], v: [10, 11], q: [1, 3] },
      { source: 'b', t: [2, 4], v: [20, 21], q: [1, 4] },
    ]);
  });
  it('copes with a response without sources/s', () => {
    const tracks = splitBySource(series({ t: [1, 2], v: [5, 6], q: [1, 1] }));
    expect(tracks).toHaveLength(1);
    expect(tracks[0].source).toBe('unknown');
    expect(tracks[0].v).toEqual([5, 6]);
  });
  it('drops sources with no points and returns nothing for an empty series', () => {
    expect(splitBySource(series({ sources: ['a', 'b'], t: [1], v: [1], q: [1], s: [1] })).map((t) => t.source)).toEqual(['b']);
    expect(splitBySource(series({}))).toEqual([]);
  });
});

describe('gap insertion', () => {
  const track = (t: number[]): Track => ({ source: 's', t, v: t.map((_, i) => i), q: t.map(() => 1) });

  it('computes the median step', () => {
    expect(medianStep([0, 1, 2, 3, 10])).toBe(1);
    expect(medianStep([0, 2, 3])).toBe(1.5);
    expect(medianStep([5])).toBeNull();
  });
  it('inserts a null where a step exceeds 3x the median', () => {
    const hours = [0, 1, 2, 3, 10, 11, 12].map((h) => h * H);
    const out = insertGaps(track(hours));
    expect(out.t).toHaveLength(8);
    expect(out.v[4]).toBeNull();
    expect(out.q[4]).toBeNull();
    expect(out.t[4]).toBe(6.5 * H);
    expect(out.v.filter((v) => v != null)).toHaveLength(7);
  });
  it('leaves regular series (and exactly 3x steps) alone', () => {
    const hours = [0, 1, 2, 5, 6].map((h) => h * H);
    expect(insertGaps(track(hours)).t).toEqual(hours);
    expect(insertGaps(track([7])).t).toEqual([7]);
  });
});

describe('stats', () => {
  it('gives min/mean/max, skipping gaps and bad points', () => {
    expect(stats([1, 2, null, 6], [1, 1, null, 1])).toEqual({ min: 1, mean: 3, max: 6, count: 3 });
    expect(stats([1, 100, 3], [1, 4, 3])).toEqual({ min: 1, mean: 2, max: 3, count: 2 });
    expect(stats([])).toBeNull();
    expect(stats([null, undefined, NaN])).toBeNull();
  });
  it('works across tracks', () => {
    const a: Track = { source: 'a', t: [1, 2], v: [10, 12], q: [1, 1] };
    const b: Track = { source: 'b', t: [1, 2], v: [14, null], q: [1, null] };
    expect(tracksStats([a, b])).toEqual({ min: 10, mean: 12, max: 14, count: 3 });
    expect(pointCount([a, b])).toBe(3);
    expect(mainTrack([b, a])?.source).toBe('b');
  });
});

describe('alignTracks', () => {
  it('widens gaps over alignment fillers up to the real neighbours only', () => {
    const a: Track = { source: 'a', t: [0, 10, 20], v: [1, null, 3], q: [1, null, 1] };
    const b: Track = { source: 'b', t: [5, 15, 25], v: [2, 2, 2], q: [1, 1, 1] };
    const { ys } = alignTracks([a, b]);
    // x: 0 5 10 15 20 25
    expect(ys[0]).toEqual([1, null, null, null, 3, undefined]);
    expect(ys[1]).toEqual([undefined, 2, undefined, 2, undefined, 2]);
  });

  it('aligns on the union of timestamps: undefined fills, null gaps, markers for flags', () => {
    const a: Track = { source: 'a', t: [1000, 3000], v: [1, null], q: [3, null] };
    const b: Track = { source: 'b', t: [2000, 3000], v: [2, 4], q: [1, 4] };
    const { x, ys, suspect, bad } = alignTracks([a, b], (v) => v * 10, true);
    expect(x).toEqual([1, 2, 3]);
    expect(ys[0]).toEqual([10, null, null]); // the gap is widened over the filler at x=2
    expect(ys[1]).toEqual([undefined, 20, 40]);
    expect(suspect).toEqual([10, undefined, undefined]);
    expect(bad).toEqual([undefined, undefined, 40]);
  });
});
