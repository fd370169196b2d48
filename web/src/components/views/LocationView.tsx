'use client';

import Link from 'next/link';
import { useCallback, useMemo } from 'react';
import { apiUrl } from '@/lib/api';
import {
  baselineText,
  CATEGORIES,
  categoryColour,
  heatwaveLine,
  heatwaveShading,
  NO_CLIMATOLOGY,
  type Shading,
} from '@/lib/climate';
import { LINE_COLOURS } from '@/lib/colour';
import { csvFilename, toCsv } from '@/lib/csv';
import { useTempUnit } from '@/lib/prefs';
import { BAD, SUSPECT } from '@/lib/quality';
import { parseRange, useQueryState, type RangeDays } from '@/lib/query';
import { useParameters } from '@/lib/resources';
import { alignTracks, insertGaps, pointCount, splitBySource, tracksStats } from '@/lib/series';
import { parseTime, windowStart } from '@/lib/time';
import type { Parameter } from '@/lib/types';
import { converter, decimalsFor, displayUnit, formatValue, type TempUnit } from '@/lib/units';
import { useApi } from '@/lib/useApi';
import { useNow } from '@/lib/useNow';
import { ErrorState, Skeleton } from '../ErrorState';
import { Age, Flag } from '../LatestCards';
import { RangeSwitch } from '../RangeSwitch';
import {
  BAD_COLOUR,
  CLIM_BAND_FILL,
  CLIM_MEAN_COLOUR,
  CLIM_THRESHOLD_COLOUR,
  SUSPECT_COLOUR,
  TimeChart,
  type ChartLine,
  type ClimatologyBand,
} from '../TimeChart';

function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ParameterChart({
  locationId,
  parameter,
  range,
  start,
  tempUnit,
}: {
  locationId: string;
  parameter: Parameter;
  range: RangeDays;
  start: string;
  tempUnit: TempUnit;
}) {
  const series = useApi(
    apiUrl('/observations/series/', {
      query: { location: locationId, parameter: parameter.id, start, max_points: 5000, anomaly: true },
    }),
  );
  // Marine heatwaves are defined on SST only.
  const heatwaves = useApi(parameter.id === 'sst' ? apiUrl('/heatwaves/', { query: { location: locationId } }) : null);
  const unit = displayUnit(parameter.unit, tempUnit);
  const convert = useMemo(() => converter(parameter.unit, tempUnit), [parameter.unit, tempUnit]);
  const format = useCallback((v: number) => formatValue(v, parameter.id), [parameter.id]);

  const shaped = useMemo(() => {
    if (!series.data) return null;
    const tracks = splitBySource(series.data).map((t) => insertGaps(t));
    const aligned = alignTracks(tracks, convert, true);
    // The line passes over points flagged bad (they stay visible as red rings).
    aligned.bad.forEach((v, i) => {
      if (v !== undefined) for (const y of aligned.ys) if (y[i] === v) y[i] = undefined;
    });
    const lines: ChartLine[] = tracks.map((t, i) => ({
      label: t.source,
      colour: LINE_COLOURS[i % LINE_COLOURS.length],
      values: aligned.ys[i],
    }));
    const s = tracksStats(tracks);
    const flags = tracks.flatMap((t) => t.q);
    // The climatology per point (one value per UTC day), laid on the chart's x.
    let band: ClimatologyBand | undefined;
    const { clim_mean: mean, clim_threshold: threshold } = series.data;
    if (series.data.climatology && mean && threshold) {
      const byTime = new Map<number, [number | null, number | null]>();
      series.data.t.forEach((t, i) => byTime.set(t / 1000, [mean[i] ?? null, threshold[i] ?? null]));
      const pick = (k: 0 | 1) =>
        aligned.x.map((x) => {
          const v = byTime.get(x)?.[k];
          return v == null ? undefined : convert(v);
        });
      band = { mean: pick(0), threshold: pick(1) };
    }
    return {
      band,
      tracks,
      aligned,
      lines,
      stats: s && { min: convert(s.min), mean: convert(s.mean), max: convert(s.max), count: s.count },
      points: pointCount(tracks),
      suspect: flags.filter((q) => q === SUSPECT).length,
      bad: flags.filter((q) => q === BAD).length,
    };
  }, [series.data, convert]);

  const onCsv = () => {
    if (!shaped) return;
    const decimals = Math.max(decimalsFor(parameter.id) + 2, 3);
    download(csvFilename(locationId, parameter.id, range, unit), toCsv(shaped.tracks, convert, decimals));
  };

  const shading = useMemo<Shading[] | undefined>(
    () => (heatwaves.data?.climatology ? heatwaveShading(heatwaves.data.events) : undefined),
    [heatwaves.data],
  );
  const ongoing = heatwaves.data?.events.find((e) => e.ongoing);
  const categoriesShown = CATEGORIES.filter((c) => heatwaves.data?.events.some((e) => e.category === c));
  const climatology = series.data?.climatology;

  const total = series.data?.total_points;
  return (
    <section className="card chart-card" data-testid="chart-card" data-parameter={parameter.id} aria-labelledby={`h-${parameter.id}`}>
      <div className="chart-head">
        <h2 className="chart-title" id={`h-${parameter.id}`}>
          {parameter.name} <span className="unit">({unit})</span>
        </h2>
        {shaped?.stats && (
          <dl className="stats" data-testid="stats">
            <div>
              <dt>min</dt>
              <dd>{format(shaped.stats.min)}</dd>
            </div>
            <div>
              <dt>mean</dt>
              <dd>{format(shaped.stats.mean)}</dd>
            </div>
            <div>
              <dt>max</dt>
              <dd>{format(shaped.stats.max)}</dd>
            </div>
          </dl>
        )}
      </div>
      {series.data && (
        <p className="clim-line" data-testid="climatology-line">
          {climatology ? (
            <>
              Shaded band: climatological mean to 90th percentile, {baselineText(climatology)} ({climatology.source})
              {ongoing && (
                <>
                  {' · '}
                  <strong data-testid="heatwave-line" style={{ color: categoryColour(ongoing.category) }}>
                    {heatwaveLine({ category: ongoing.category, day: ongoing.duration })}
                  </strong>
                </>
              )}
            </>
          ) : (
            <span data-testid="no-climatology">{NO_CLIMATOLOGY}</span>
          )}
        </p>
      )}
      {series.error && (
        <div style={{ marginTop: 12 }}>
          <ErrorState error={series.error} retryIn={series.retryIn} onRetry={series.retryNow} what="this chart" />
        </div>
      )}
      {!shaped ? (
        !series.error && (
          <div style={{ marginTop: 12 }}>
            <Skeleton height={280} />
          </div>
        )
      ) : shaped.points === 0 ? (
        <div className="chart-empty" data-testid="chart-empty">
          No {parameter.name.toLowerCase()} data in the last {range} days.
        </div>
      ) : (
        <>
          <div className="chart-legend">
            {shaped.lines.map((l) => (
              <span className="key" key={l.label}>
                <span className="line-key" style={{ background: l.colour }} />
                {l.label}
              </span>
            ))}
            {shaped.suspect > 0 && (
              <span className="key">
                <span className="mark-suspect" style={{ background: SUSPECT_COLOUR }} /> suspect ({shaped.suspect})
              </span>
            )}
            {shaped.bad > 0 && (
              <span className="key">
                <span className="mark-bad" style={{ borderColor: BAD_COLOUR }} /> bad ({shaped.bad})
              </span>
            )}
            {shaped.band && (
              <span className="key" data-testid="band-key">
                <span className="band-key" style={{ background: CLIM_BAND_FILL, borderColor: CLIM_THRESHOLD_COLOUR }} />
                <span className="line-key" style={{ background: CLIM_MEAN_COLOUR }} /> mean to 90th percentile
              </span>
            )}
            {categoriesShown.map((c) => (
              <span className="key" key={c} data-testid="category-key">
                <span className="shade-key" style={{ background: categoryColour(c) }} /> {c} heatwave
              </span>
            ))}
          </div>
          <TimeChart
            x={shaped.aligned.x}
            lines={shaped.lines}
            suspect={shaped.suspect > 0 ? shaped.aligned.suspect : undefined}
            bad={shaped.bad > 0 ? shaped.aligned.bad : undefined}
            format={format}
            unit={unit}
            points={shaped.points}
            band={shaped.band}
            shading={shading}
            label={`${parameter.name} over the last ${range} days, ${shaped.lines.length} source(s)`}
          />
          <div className="chart-foot">
            <span className="num">
              {shaped.points.toLocaleString()} points
              {total != null && total > shaped.points ? ` (of ${total.toLocaleString()}, downsampled)` : ''} · min/mean/max
              leave out points flagged bad
            </span>
            <button type="button" className="button" onClick={onCsv} data-testid="csv-download">
              <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M12 3v12m0 0l-5-5m5 5l5-5M4 19h16" stroke="currentColor" strokeWidth="2" fill="none" strokeLinecap="round" />
              </svg>
              CSV
            </button>
          </div>
        </>
      )}
    </section>
  );
}

export function LocationView() {
  const [query, setQuery] = useQueryState();
  const [tempUnit] = useTempUnit();
  const now = useNow();
  const id = query.get('id') ?? '';
  const range = parseRange(query.get('range'));
  const only = query.get('parameter');
  const detail = useApi(id ? apiUrl('/locations/{id}/', { path: { id } }) : null);
  const parameters = useParameters();
  // A new window only when the range changes, so re-renders keep the same URLs.
  const start = useMemo(() => windowStart(range), [range]);

  if (!id) {
    return (
      <div className="card state">
        No location chosen. <Link href="/">Pick one on the map</Link>.
      </div>
    );
  }
  if (detail.error?.status === 404) {
    return (
      <div className="card state" data-testid="not-found">
        There is no location “{id}”. <Link href="/">Back to the map</Link>.
      </div>
    );
  }
  const failed = detail.error ?? parameters.error;
  const state = detail.error ? detail : parameters;
  const loc = detail.data;
  const params = parameters.data ?? [];
  const withData = params.filter((p) => loc?.latest.some((o) => o.parameter === p.id));
  const shown = only && withData.some((p) => p.id === only) ? withData.filter((p) => p.id === only) : withData;

  return (
    <>
      <Link href="/" className="crumb">
        ← All locations
      </Link>
      {failed && <ErrorState error={failed} retryIn={state.retryIn} onRetry={state.retryNow} />}
      <div className="page-head">
        <div>
          <h1 data-testid="location-name">{loc?.name ?? (failed ? id : <Skeleton height={30} width={320} />)}</h1>
          {loc && (
            <p className="lede">
              {loc.description}{' '}
              <span className="coords num">
                ({Math.abs(loc.latitude).toFixed(2)}°{loc.latitude >= 0 ? 'N' : 'S'},{' '}
                {Math.abs(loc.longitude).toFixed(2)}°{loc.longitude >= 0 ? 'E' : 'W'})
              </span>
            </p>
          )}
        </div>
      </div>
      <div className="toolbar">
        <RangeSwitch range={range} onChange={(r) => setQuery({ range: r === 30 ? null : String(r) })} />
        {withData.length > 1 && (
          <label className="field">
            Show
            <select value={only ?? ''} onChange={(e) => setQuery({ parameter: e.target.value || null })} data-testid="location-parameter">
              <option value="">All parameters</option>
              {withData.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {loc && withData.length > 0 && (
          <Link
            className="button"
            href={`/compare/?parameter=${encodeURIComponent((only && withData.some((p) => p.id === only) ? only : withData[0].id))}&locations=${encodeURIComponent(id)}`}
          >
            Compare with other sites
          </Link>
        )}
      </div>

      {loc && parameters.data && (
        <>
          {loc.latest.length > 0 && (
            <div className="chart-legend" style={{ marginBottom: 12 }}>
              {withData.map((p) => {
                const o = loc.latest.find((l) => l.parameter === p.id)!;
                return (
                  <span className="key" key={p.id}>
                    <strong>{p.name}:</strong>
                    <span className="num">
                      {formatValue(converter(p.unit, tempUnit)(o.value), p.id)} {displayUnit(p.unit, tempUnit)}
                    </span>
                    <Age timestampMs={parseTime(o.timestamp)} now={now} />
                    {o.quality_flag !== 'good' && <Flag flag={o.quality_flag} />}
                  </span>
                );
              })}
            </div>
          )}
          {shown.length === 0 ? (
            <div className="card state" data-testid="location-empty">
              No observations for {loc.name} in the last 30 days. Data appears here once a source delivers it.
            </div>
          ) : (
            shown.map((p) => (
              <ParameterChart key={p.id} locationId={id} parameter={p} range={range} start={start} tempUnit={tempUnit} />
            ))
          )}
        </>
      )}
      {!loc && !failed && <Skeleton height={320} />}
    </>
  );
}
