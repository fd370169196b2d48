'use client';

// uPlot time-series chart, loaded lazily (uPlot is only fetched by views that draw charts).

import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import type { Column } from '@/lib/series';
import { formatLocal, formatUtc } from '@/lib/time';
import { useIsDark } from '@/lib/prefs';
import type { Shading } from '@/lib/climate';

export interface ChartLine {
  label: string;
  colour: string;
  values: Column;
}

/** The climatology behind a chart: seasonal mean and 90th-percentile threshold per x. */
export interface ClimatologyBand {
  mean: Column;
  threshold: Column;
}

export const CLIM_MEAN_COLOUR = '#6b7b8c';
export const CLIM_THRESHOLD_COLOUR = '#c0392b';
export const CLIM_BAND_FILL = 'rgba(192, 57, 43, 0.10)';

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
  /** Drawn behind the lines: the band between the seasonal mean and the threshold. */
  band?: ClimatologyBand;
  /** Drawn behind everything: periods shaded across the plot's height (marine heatwaves). */
  shading?: Shading[];
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

/** Bands and shading drawn on the canvas, written where tests and tools can read them. */
function markDrawn(u: uPlot, el: HTMLElement, shading: Shading[] | undefined, bandSeries: number | null) {
  const min = u.scales.x.min ?? 0;
  const max = u.scales.x.max ?? 0;
  const shaded = (shading ?? []).filter((s) => s.to > min && s.from < max).length;
  el.dataset.shadedDrawn = String(shaded);
  if (bandSeries != null) {
    el.dataset.bandDrawn = String(u.data[bandSeries].some((v) => v != null));
  }
}

export function TimeChart({ x, lines, suspect, bad, format, unit, height = 260, label, points, band, shading }: Props) {
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
      // The climatology: threshold and mean as thin lines (gaps spanned: they are per day), the
      // band between them filled, all drawn before the observations' lines.
      let bandSeries: number | null = null;
      const bands: uPlot.Band[] = [];
      if (band) {
        const thresholdIndex = series.length;
        series.push({
          label: '90th percentile',
          stroke: CLIM_THRESHOLD_COLOUR,
          width: 1,
          dash: [4, 3],
          spanGaps: true,
          points: { show: false },
        });
        data.push(band.threshold as (number | null)[]);
        series.push({ label: 'climatological mean', stroke: CLIM_MEAN_COLOUR, width: 1, spanGaps: true, points: { show: false } });
        data.push(band.mean as (number | null)[]);
        bands.push({ series: [thresholdIndex, thresholdIndex + 1], fill: CLIM_BAND_FILL });
        bandSeries = thresholdIndex;
      }
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
        bands,
        padding: [12, 8, 0, 0],
        cursor: { points: { size: 7 }, drag: { x: true, y: false } },
        scales: { x: { time: true } },
        axes: [
          { ...axis, space: 64, values: (_u, splits, _a, _s, incr) => splits.map((v) => timeTick(v, incr)) },
          { ...axis, size: 52, values: (_u, splits) => splits.map((v) => (v == null ? '' : String(v).replace(/^-/, '−'))) },
        ],
        hooks: {
          // Heatwave periods under everything else, across the plot's full height.
          drawClear: [
            (u) => {
              if (!shading || shading.length === 0) return;
              const { ctx } = u;
              const { top, height: h } = u.bbox;
              ctx.save();
              ctx.globalAlpha = 0.28;
              for (const s of shading) {
                const left = Math.max(u.bbox.left, u.valToPos(s.from, 'x', true));
                const right = Math.min(u.bbox.left + u.bbox.width, u.valToPos(s.to, 'x', true));
                if (right <= left) continue;
                ctx.fillStyle = s.colour;
                ctx.fillRect(left, top, right - left, h);
              }
              ctx.restore();
            },
          ],
          draw: [(u) => markDrawn(u, el, shading, bandSeries)],
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
  }, [x, lines, suspect, bad, format, unit, height, dark, band, shading]);

  return (
    <div
      className="chart"
      data-testid="chart"
      data-points={points}
      data-series={lines.length}
      data-ready={ready}
      data-band={band != null}
      data-shading={shading?.length ?? 0}
    >
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
