'use client';

import Link from 'next/link';
import { useCallback, useMemo } from 'react';
import { apiUrl } from '@/lib/api';
import { LINE_COLOURS } from '@/lib/colour';
import { useTempUnit } from '@/lib/prefs';
import { parseList, parseRange, useQueryState } from '@/lib/query';
import { useLatest, useLocations, useParameters } from '@/lib/resources';
import { alignTracks, insertGaps, mainTrack, pointCount, splitBySource, stats, type Track } from '@/lib/series';
import { windowStart } from '@/lib/time';
import type { ParameterId } from '@/lib/types';
import { converter, displayUnit, formatValue } from '@/lib/units';
import { useApiAll } from '@/lib/useApi';
import { ErrorState, Skeleton } from '../ErrorState';
import { RangeSwitch } from '../RangeSwitch';
import { TimeChart, type ChartLine } from '../TimeChart';

export function CompareView() {
  const [query, setQuery] = useQueryState();
  const [tempUnit] = useTempUnit();
  const range = parseRange(query.get('range'));
  const locations = useLocations();
  const parameters = useParameters();
  const latest = useLatest();
  const params = parameters.data ?? [];
  const requested = query.get('parameter');
  // The URL's value as given: the API answers an unknown one with a 400 that the page shows.
  const parameterId = (requested ?? 'sst') as ParameterId;
  const parameter = params.find((p) => p.id === parameterId);
  const hasData = useMemo(
    () => new Set((latest.data ?? []).filter((o) => o.parameter === parameterId).map((o) => o.location_id)),
    [latest.data, parameterId],
  );
  const requestedLocations = query.get('locations');
  const chosen = useMemo(() => {
    if (requestedLocations != null) {
      const known = new Set((locations.data ?? []).map((l) => l.id));
      return parseList(requestedLocations).filter((id) => !locations.data || known.has(id));
    }
    return (locations.data ?? []).filter((l) => hasData.has(l.id)).slice(0, 2).map((l) => l.id);
  }, [requestedLocations, locations.data, hasData]);
  // A new window only when the range changes, so re-renders keep the same URLs.
  const start = useMemo(() => windowStart(range), [range]);

  const ready = locations.data != null && latest.data != null;
  const urls = useMemo(
    () =>
      chosen.length > 0 && ready
        ? chosen.map((id) =>
            apiUrl('/observations/series/', { query: { location: id, parameter: parameterId, start, max_points: 2000 } }),
          )
        : null,
    [chosen, parameterId, start, ready],
  );
  const series = useApiAll(urls);
  const convert = useMemo(() => converter(parameter?.unit ?? '', tempUnit), [parameter?.unit, tempUnit]);
  const unit = parameter ? displayUnit(parameter.unit, tempUnit) : '';
  const format = useCallback((v: number) => formatValue(v, parameterId), [parameterId]);
  const nameOf = useCallback((id: string) => locations.data?.find((l) => l.id === id)?.name ?? id, [locations.data]);

  const shaped = useMemo(() => {
    if (!series.data || !urls || series.data.length !== urls.length) return null;
    const tracks: { id: string; track: Track }[] = [];
    series.data.forEach((s) => {
      const main = mainTrack(splitBySource(s));
      if (main) tracks.push({ id: s.location, track: insertGaps(main) });
    });
    const aligned = alignTracks(tracks.map((t) => t.track), convert);
    const lines: ChartLine[] = tracks.map((t, i) => ({
      label: nameOf(t.id),
      colour: LINE_COLOURS[chosen.indexOf(t.id) % LINE_COLOURS.length],
      values: aligned.ys[i],
    }));
    return { tracks, aligned, lines, points: pointCount(tracks.map((t) => t.track)) };
  }, [series.data, urls, convert, nameOf, chosen]);

  const toggle = (id: string) => {
    const next = chosen.includes(id) ? chosen.filter((c) => c !== id) : [...chosen, id];
    setQuery({ locations: next.join(','), parameter: parameterId });
  };
  const failed = [locations, parameters, latest, series].find((s) => s.error);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Compare sites</h1>
          <p className="lede">One parameter at two or more locations on one chart.</p>
        </div>
      </div>
      {failed && <ErrorState error={failed.error!} retryIn={failed.retryIn} onRetry={failed.retryNow} />}
      <div className="toolbar">
        <label className="field">
          Parameter
          <select
            value={parameterId}
            onChange={(e) => setQuery({ parameter: e.target.value, locations: chosen.join(',') })}
            data-testid="compare-parameter"
          >
            {params.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            {params.length === 0 && <option value={parameterId}>{parameterId}</option>}
          </select>
        </label>
        <RangeSwitch range={range} onChange={(r) => setQuery({ range: r === 30 ? null : String(r) })} />
      </div>
      <fieldset style={{ border: 0, padding: 0, margin: '0 0 16px' }}>
        <legend className="field" style={{ marginBottom: 8 }}>
          Locations
        </legend>
        <div className="chips" data-testid="compare-locations">
          {(locations.data ?? []).map((l) => (
            <label className="chip" key={l.id} title={hasData.has(l.id) ? undefined : 'no recent data for this parameter'}>
              <input type="checkbox" checked={chosen.includes(l.id)} onChange={() => toggle(l.id)} data-location={l.id} />
              <span style={{ color: hasData.has(l.id) ? undefined : 'var(--faint)' }}>{l.name}</span>
            </label>
          ))}
          {!locations.data && !failed && <Skeleton height={32} width={400} />}
        </div>
      </fieldset>

      <section className="card chart-card" data-testid="compare-card">
        <div className="chart-head">
          <h2 className="chart-title">
            {parameter?.name ?? parameterId} {unit && <span className="unit">({unit})</span>}
          </h2>
        </div>
        {chosen.length === 0 ? (
          <div className="chart-empty">Choose locations above to compare them.</div>
        ) : !shaped ? (
          failed ? null : (
            <div style={{ marginTop: 12 }}>
              <Skeleton height={300} />
            </div>
          )
        ) : shaped.points === 0 ? (
          <div className="chart-empty" data-testid="chart-empty">
            None of the chosen locations has {parameter?.name.toLowerCase() ?? parameterId} data in the last {range} days.
          </div>
        ) : (
          <>
            <div className="chart-legend">
              {shaped.tracks.map((t, i) => {
                const s = stats(t.track.v, t.track.q);
                return (
                  <span className="key" key={t.id}>
                    <span className="line-key" style={{ background: shaped.lines[i].colour }} />
                    <Link href={`/location/?id=${encodeURIComponent(t.id)}`}>{nameOf(t.id)}</Link>
                    <span style={{ color: 'var(--faint)' }}>
                      {t.track.source}
                      {s ? ` · mean ${format(convert(s.mean))} ${unit}` : ''}
                    </span>
                  </span>
                );
              })}
              {chosen
                .filter((id) => !shaped.tracks.some((t) => t.id === id))
                .map((id) => (
                  <span className="key" key={id} style={{ color: 'var(--faint)' }}>
                    {nameOf(id)}: no data
                  </span>
                ))}
            </div>
            <TimeChart
              x={shaped.aligned.x}
              lines={shaped.lines}
              format={format}
              unit={unit}
              height={320}
              points={shaped.points}
              label={`${parameter?.name ?? parameterId} at ${shaped.lines.map((l) => l.label).join(', ')}`}
            />
          </>
        )}
      </section>
    </>
  );
}
