'use client';

import { useEffect, useRef, useState } from 'react';
import { apiUrl } from '@/lib/api';
import { insertGaps, mainTrack, splitBySource } from '@/lib/series';
import { DAY_MS } from '@/lib/time';
import type { ParameterId } from '@/lib/types';
import { useApi } from '@/lib/useApi';

const W = 100;
const H = 36;

/** SVG path of a track with gaps (null) as breaks; y is flipped and padded by 3 px. */
export function sparkPath(t: number[], v: (number | null)[], t0: number, t1: number): { line: string; area: string } {
  const values = v.filter((x): x is number => x != null);
  if (values.length === 0) return { line: '', area: '' };
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const x = (ms: number) => (((ms - t0) / (t1 - t0 || 1)) * W).toFixed(2);
  const y = (val: number) => (H - 3 - ((val - lo) / span) * (H - 6)).toFixed(2);
  let line = '';
  let area = '';
  let runStart: string | null = null;
  let lastX = '';
  for (let i = 0; i < t.length; i++) {
    const val = v[i];
    if (val == null) {
      if (runStart != null) area += `L${lastX},${H}L${runStart},${H}Z`;
      runStart = null;
      continue;
    }
    const px = x(t[i]);
    const py = y(val);
    if (runStart == null) {
      line += `M${px},${py}`;
      area += `M${px},${H}L${px},${py}`;
      runStart = px;
    } else {
      line += `L${px},${py}`;
      area += `L${px},${py}`;
    }
    lastX = px;
  }
  if (runStart != null) area += `L${lastX},${H}L${runStart},${H}Z`;
  return { line, area };
}

/** A 30-day sparkline (at most 60 points), fetched only once its card scrolls into view. */
export function Sparkline({
  location,
  parameter,
  source,
  label,
}: {
  location: string;
  parameter: ParameterId;
  /** One source (that of the latest value): downsampling mixed sources would zigzag. */
  source?: string;
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  const [window30] = useState(() => {
    const end = Date.now();
    return { start: new Date(end - 30 * DAY_MS).toISOString().slice(0, 16) + ':00Z', t0: end - 30 * DAY_MS, t1: end };
  });

  useEffect(() => {
    const el = ref.current;
    if (!el || visible) return;
    if (typeof IntersectionObserver === 'undefined') {
      setVisible(true);
      return;
    }
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setVisible(true);
          io.disconnect();
        }
      },
      { rootMargin: '200px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [visible]);

  const url = visible
    ? apiUrl('/observations/series/', { query: { location, parameter, source, start: window30.start, max_points: 60 } })
    : null;
  const { data } = useApi(url);
  const track = data ? mainTrack(splitBySource(data)) : null;
  const gapped = track ? insertGaps(track) : null;
  const paths = gapped ? sparkPath(gapped.t, gapped.v, window30.t0, window30.t1) : null;

  return (
    <div className="spark" ref={ref} data-testid="sparkline" data-points={track ? track.t.length : undefined}>
      {paths && paths.line ? (
        <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${label}, last 30 days`}>
          <line className="base" x1="0" x2={W} y1={H - 0.5} y2={H - 0.5} />
          <path className="area" d={paths.area} />
          <path className="line" d={paths.line} />
        </svg>
      ) : (
        <div className="placeholder" aria-hidden="true" />
      )}
    </div>
  );
}
