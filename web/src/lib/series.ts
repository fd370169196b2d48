// Shaping series responses for charts: one track per source, explicit gaps, statistics and
// uPlot's aligned-columns layout.

import type { Series } from './types';
import { BAD, SUSPECT } from './quality';

export interface Track {
  source: string;
  t: number[];
  /** null marks a gap inserted between points too far apart. */
  v: (number | null)[];
  q: (number | null)[];
}

/** Splits a series into one track per source (series.s indexes series.sources). */
export function splitBySource(series: Series): Track[] {
  const sources = series.sources && series.sources.length > 0 ? series.sources : ['unknown'];
  const tracks: Track[] = sources.map((source) => ({ source, t: [], v: [], q: [] }));
  for (let i = 0; i < series.t.length; i++) {
    const index = series.s ? series.s[i] ?? 0 : 0;
    const track = tracks[index] ?? tracks[0];
    track.t.push(series.t[i]);
    track.v.push(series.v[i]);
    track.q.push(series.q ? series.q[i] ?? null : null);
  }
  return tracks.filter((track) => track.t.length > 0);
}

export function medianStep(t: number[]): number | null {
  if (t.length < 2) return null;
  const steps: number[] = [];
  for (let i = 1; i < t.length; i++) steps.push(t[i] - t[i - 1]);
  steps.sort((a, b) => a - b);
  const mid = Math.floor(steps.length / 2);
  return steps.length % 2 === 1 ? steps[mid] : (steps[mid - 1] + steps[mid]) / 2;
}

/**
 * Inserts a null point midway wherever the step to the next point is more than `factor`
 * times the median step, so a line chart draws the gap as a gap.
 */
export function insertGaps(track: Track, factor = 3): Track {
  const median = medianStep(track.t);
  if (median == null || median <= 0) return track;
  const out: Track = { source: track.source, t: [], v: [], q: [] };
  for (let i = 0; i < track.t.length; i++) {
    if (i > 0 && track.t[i] - track.t[i - 1] > factor * median) {
      out.t.push(Math.round((track.t[i] + track.t[i - 1]) / 2));
      out.v.push(null);
      out.q.push(null);
    }
    out.t.push(track.t[i]);
    out.v.push(track.v[i]);
    out.q.push(track.q[i]);
  }
  return out;
}

export interface Stats {
  min: number;
  mean: number;
  max: number;
  count: number;
}

/** min/mean/max of the finite values, leaving out points flagged bad. */
export function stats(values: (number | null | undefined)[], q?: (number | null)[]): Stats | null {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null || !Number.isFinite(v)) continue;
    if (q && q[i] === BAD) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  return count === 0 ? null : { min, mean: sum / count, max, count };
}

/** Stats over several tracks together. */
export function tracksStats(tracks: Track[]): Stats | null {
  return stats(tracks.flatMap((t) => t.v), tracks.flatMap((t) => t.q));
}

/** Number of real (non-gap) points across tracks. */
export function pointCount(tracks: Track[]): number {
  let n = 0;
  for (const track of tracks) for (const v of track.v) if (v != null) n++;
  return n;
}

export type Column = (number | null | undefined)[];

/**
 * uPlot's aligned data: one x column (the union of timestamps, in seconds) and, per track,
 * a y column where null is a gap and undefined only an alignment filler (spanned over);
 * a gap's null is widened over the fillers next to it so uPlot clips the whole gap.
 * With `markers`, two more columns per call: points flagged suspect and bad, across tracks.
 */
export function alignTracks(
  tracks: Track[],
  convert: (v: number) => number = (v) => v,
  markers = false,
): { x: number[]; ys: Column[]; suspect: Column; bad: Column } {
  const xsSet = new Set<number>();
  for (const track of tracks) for (const t of track.t) xsSet.add(t);
  const xsMs = [...xsSet].sort((a, b) => a - b);
  const index = new Map<number, number>();
  xsMs.forEach((t, i) => index.set(t, i));
  const ys: Column[] = tracks.map(() => new Array(xsMs.length).fill(undefined));
  const suspect: Column = markers ? new Array(xsMs.length).fill(undefined) : [];
  const bad: Column = markers ? new Array(xsMs.length).fill(undefined) : [];
  tracks.forEach((track, k) => {
    for (let i = 0; i < track.t.length; i++) {
      const at = index.get(track.t[i])!;
      const v = track.v[i];
      const shown = v == null ? null : convert(v);
      ys[k][at] = shown;
      if (markers && shown != null) {
        if (track.q[i] === SUSPECT) suspect[at] = shown;
        else if (track.q[i] === BAD) bad[at] = shown;
      }
    }
  });
  // uPlot only clips a gap between the x neighbours of a null, so a null between another
  // track's points would vanish: widen each gap over its alignment fillers (like NULL_EXPAND).
  for (const y of ys) {
    for (let i = 0; i < y.length; i++) {
      if (y[i] !== null) continue;
      for (let j = i - 1; j >= 0 && y[j] === undefined; j--) y[j] = null;
      let j = i + 1;
      for (; j < y.length && y[j] === undefined; j++) y[j] = null;
      i = j - 1;
    }
  }
  return { x: xsMs.map((t) => t / 1000), ys, suspect, bad };
}

/** The track with the most points (for compare charts: one line per location). */
export function mainTrack(tracks: Track[]): Track | null {
  let best: Track | null = null;
  for (const track of tracks) if (!best || track.t.length > best.t.length) best = track;
  return best;
}
