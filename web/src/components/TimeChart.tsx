'use client';

// uPlot time-series chart, loaded lazily (uPlot is only fetched by views that draw charts).

import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import type { Column } from '@/lib/series';
import { formatLocal, formatUtc } from '@/lib/time';
import { useIsDark } from '@/lib/prefs';

export interface ChartLine {
  label: string;
  colour: string;
  values: Column;
}

export const SUSPECT_COLOUR = '#e08a00';
export const BAD_COLOUR = '#d7263d';

interface Props {
  /** Seconds since the epoch. */
  x: number[];
  lines: ChartLine[];
  suspect?: Column;
  bad?: Column;
  format: (v: number) => string;
  unit: string;
  height?: number;
  label: string;
  /** Real data points drawn (exposed as data-points for tests and tools). */
  points: number;
}

interface Readout {
  t: number;
  values: { label: string; colour: string; text: string }[];
}

const dayFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Axis labels in local time: dates for day ticks ("29 Oct"), times within a day. */
function timeTick(seconds: number, incr: number): string {
  const d = new Date(seconds * 1000);
  if (incr >= 86_400 || (d.getHours() === 0 && d.getMinutes() === 0)) return dayFmt.format(d);
  return timeFmt.format(d);
}

/** A colour of the palette in use (globals.css defines every variable for both themes). */
function cssVar(el: Element, name: string) {
  return getComputedStyle(el).getPropertyValue(name).trim();
}

export function TimeChart({ x, lines, suspect, bad, format, unit, height = 260, label, points }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dark = useIsDark();
  const [ready, setReady] = useState(false);
  const [readout, setReadout] = useState<Readout | null>(null);

  useEffect(() => {
    let cancelled = false;
    let observer: ResizeObserver | undefined;
    const el = box.current;
    if (!el) return;
    import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      const axisColour = cssVar(el, '--muted');
      const gridColour = cssVar(el, '--grid');
      const surface = cssVar(el, '--surface');
      const axis: uPlot.Axis = {
        stroke: axisColour,
        grid: { stroke: gridColour, width: 1 },
        ticks: { stroke: gridColour, width: 1, size: 4 },
        font: '12px system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
      };
      const series: uPlot.Series[] = [
        {},
        ...lines.map<uPlot.Series>((line) => ({
          label: line.label,
          stroke: line.colour,
          width: 1.75,
          spanGaps: false,
          points: { size: 4, fill: line.colour },
        })),
      ];
      const data: uPlot.AlignedData = [x, ...lines.map((l) => l.values as (number | null)[])];
      if (suspect) {
        series.push({
          label: 'suspect',
          stroke: SUSPECT_COLOUR,
          fill: SUSPECT_COLOUR,
          paths: () => null,
          points: { show: true, size: 8, width: 1, stroke: surface, fill: SUSPECT_COLOUR },
        });
        data.push(suspect as (number | null)[]);
      }
      if (bad) {
        series.push({
          label: 'bad',
          stroke: BAD_COLOUR,
          paths: () => null,
          points: { show: true, size: 11, width: 2.5, stroke: BAD_COLOUR, fill: surface },
        });
        data.push(bad as (number | null)[]);
      }
      const width = Math.max(280, el.clientWidth);
      const opts: uPlot.Options = {
        width,
        height,
        series,
        legend: { show: false },
        padding: [12, 8, 0, 0],
        cursor: { points: { size: 7 }, drag: { x: true, y: false } },
        scales: { x: { time: true } },
        axes: [
          { ...axis, space: 64, values: (_u, splits, _a, _s, incr) => splits.map((v) => timeTick(v, incr)) },
          { ...axis, size: 52, values: (_u, splits) => splits.map((v) => (v == null ? '' : String(v).replace(/^-/, '−'))) },
        ],
        hooks: {
          setCursor: [
            (u) => {
              const i = u.cursor.idx;
              if (i == null) {
                setReadout(null);
                return;
              }
              const values = lines
                .map((line, k) => {
                  const v = u.data[k + 1][i];
                  return v == null ? null : { label: line.label, colour: line.colour, text: `${format(v)} ${unit}` };
                })
                .filter((v): v is Readout['values'][number] => v != null);
              setReadout({ t: u.data[0][i] * 1000, values });
            },
          ],
        },
      };
      plot.current?.destroy();
      plot.current = new UPlot(opts, data, el);
      setReady(true);
      observer = new ResizeObserver(() => {
        const w = Math.max(280, el.clientWidth);
        if (plot.current && Math.abs(plot.current.width - w) > 1) plot.current.setSize({ width: w, height });
      });
      observer.observe(el);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [x, lines, suspect, bad, format, unit, height, dark]);

  return (
    <div className="chart" data-testid="chart" data-points={points} data-series={lines.length} data-ready={ready}>
      <div className="chart-readout" aria-live="off">
        {readout ? (
          <>
            <span title={formatUtc(readout.t)}>
              {formatLocal(readout.t)} <span style={{ color: 'var(--faint)' }}>({formatUtc(readout.t)})</span>
            </span>
            {readout.values.map((v) => (
              <span key={v.label} style={{ color: v.colour }}>
                {lines.length > 1 ? `${v.label}: ` : ''}
                <strong>{v.text}</strong>
              </span>
            ))}
          </>
        ) : (
          <span>Hover or touch the chart for values · drag to zoom, double-click to reset</span>
        )}
      </div>
      <div ref={box} className="chart-box" role="img" aria-label={label} style={{ minHeight: height }} />
    </div>
  );
}
