'use client';

import { useEffect, useMemo, useRef } from 'react';
import { apiUrl } from '@/lib/api';
import { anomalyLimit, contextLine } from '@/lib/climate';
import { niceDomain } from '@/lib/colour';
import { useTempUnit } from '@/lib/prefs';
import { dataState, showOfflineNotice, sourcesRefreshMs } from '@/lib/offline';
import { useQueryState } from '@/lib/query';
import { useLatest, useLocations, useParameters } from '@/lib/resources';
import { ageText, parseTime } from '@/lib/time';
import type { LatestObservation } from '@/lib/types';
import { displayUnit, toDisplay } from '@/lib/units';
import { useApi } from '@/lib/useApi';
import { useNow } from '@/lib/useNow';
import { ErrorState, Skeleton } from '../ErrorState';
import { LatestCards } from '../LatestCards';
import { OfflineNotice } from '../OfflineNotice';
import { WorldMap, type AnomalyScale, type MarkerDatum } from '../WorldMap';

type MapMode = 'value' | 'anomaly';

export function HomeView() {
  const [query, setQuery] = useQueryState();
  const [tempUnit] = useTempUnit();
  const now = useNow();
  const locations = useLocations();
  const parameters = useParameters();
  const latest = useLatest(5 * 60_000);
  // Only for the first-start notice: its failures are not this page's errors. While no source
  // has delivered, it is asked more often (sourcesRefreshMs).
  const sources = useApi(apiUrl('/sources/'), {
    refreshMs: (data) => sourcesRefreshMs(latest.data ? dataState(data, latest.data) : 'unknown', 5 * 60_000),
  });
  const state = latest.data ? dataState(sources.data, latest.data) : 'unknown';
  const previousState = useRef(state);
  const refreshLatest = latest.retryNow;
  useEffect(() => {
    // The first fetch just stored rows: show them now rather than at the next refresh.
    if (previousState.current === 'waiting' && state === 'data') refreshLatest();
    previousState.current = state;
  }, [state, refreshLatest]);

  const withData = useMemo(() => new Set((latest.data ?? []).map((o) => o.parameter)), [latest.data]);
  const params = parameters.data ?? [];
  const requested = query.get('parameter');
  const selected =
    (requested && params.some((p) => p.id === requested) && requested) ||
    (withData.has('sst') ? 'sst' : params.find((p) => withData.has(p.id))?.id) ||
    'sst';
  const parameter = params.find((p) => p.id === selected);
  const unit = parameter ? displayUnit(parameter.unit, tempUnit) : '';
  const mode: MapMode = query.get('map') === 'anomaly' ? 'anomaly' : 'value';

  const markers: MarkerDatum[] = useMemo(() => {
    const byLocation = new Map<string, LatestObservation>();
    for (const o of latest.data ?? []) if (o.parameter === selected) byLocation.set(o.location_id, o);
    return (locations.data ?? []).map((location) => {
      const o = byLocation.get(location.id);
      // A temperature difference in °F scales by 9/5; a log10 anomaly stays in log10.
      const anomaly =
        o?.anomaly != null && o.climatology
          ? unit === '°F' && !o.climatology.log10
            ? (o.anomaly * 9) / 5
            : o.anomaly
          : null;
      return {
        location,
        value: o && parameter ? toDisplay(o.value, parameter.unit, tempUnit) : (o?.value ?? null),
        timestampMs: o ? parseTime(o.timestamp) : null,
        anomaly,
        context: o ? contextLine(o, unit, tempUnit) : null,
      };
    });
  }, [latest.data, locations.data, selected, parameter, tempUnit, unit]);
  const domain = useMemo(
    () => niceDomain(markers.filter((m) => m.value != null).map((m) => m.value as number)),
    [markers],
  );

  const anomalyScale: AnomalyScale | undefined = useMemo(() => {
    if (mode !== 'anomaly') return undefined;
    const limit = anomalyLimit(markers.filter((m) => m.anomaly != null).map((m) => m.anomaly as number));
    const log10 = (latest.data ?? []).some((o) => o.parameter === selected && o.climatology?.log10);
    if (log10) return { limit, low: `÷${Math.pow(10, limit).toFixed(1)}`, high: `×${Math.pow(10, limit).toFixed(1)} typical` };
    return { limit, low: `−${limit.toFixed(1)}`, high: `+${limit.toFixed(1)} ${unit}` };
  }, [mode, markers, latest.data, selected, unit]);

  const failed = [locations, parameters, latest].find((s) => s.error);
  const ready = locations.data && parameters.data && latest.data;
  const reporting = new Set((latest.data ?? []).map((o) => o.location_id)).size;
  const newest = (latest.data ?? []).reduce((m, o) => Math.max(m, parseTime(o.timestamp)), 0);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Ocean conditions</h1>
          <p className="lede" data-testid="summary" data-data-state={state}>
            {ready
              ? `${locations.data!.length} sites · ${reporting} reporting` +
                (newest ? ` · newest reading ${ageText(newest, now)}` : '')
              : 'Sea surface temperature, chlorophyll-a, salinity, waves and currents at ocean sites of interest.'}
          </p>
        </div>
        <div className="segmented" role="group" aria-label="Map colours" data-testid="map-mode">
          {(['value', 'anomaly'] as const).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={mode === m}
              data-testid={`map-mode-${m}`}
              onClick={() => setQuery({ map: m === 'value' ? null : m })}
            >
              {m === 'value' ? 'Value' : 'Anomaly'}
            </button>
          ))}
        </div>
        <label className="field">
          Colour by
          <select
            value={selected}
            onChange={(e) => setQuery({ parameter: e.target.value })}
            data-testid="parameter-select"
            disabled={!parameters.data}
          >
            {params.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
                {withData.has(p.id) ? '' : ' (no data)'}
              </option>
            ))}
            {params.length === 0 && <option value={selected}>Sea surface temperature</option>}
          </select>
        </label>
      </div>

      {failed && (
        <ErrorState
          error={failed.error!}
          retryIn={failed.retryIn}
          onRetry={() => [locations, parameters, latest].forEach((s) => s.error && s.retryNow())}
        />
      )}

      {showOfflineNotice(state) && <OfflineNotice linkSources />}

      <section aria-labelledby="map-heading" className="section" style={{ marginTop: 16 }}>
        <h2 id="map-heading" className="visually-hidden">
          Map
        </h2>
        {locations.data || locations.error ? (
          <WorldMap
            markers={markers}
            domain={domain}
            parameter={selected}
            parameterName={parameter?.name ?? selected}
            unit={unit}
            now={now}
            anomalyScale={anomalyScale}
          />
        ) : (
          <div className="card map-card">
            <div className="skeleton" style={{ aspectRatio: '960 / 400', width: '100%' }} aria-label="Loading map" />
          </div>
        )}
      </section>

      <section aria-labelledby="latest-heading" className="section">
        <h2 id="latest-heading">Latest conditions</h2>
        {ready ? (
          <LatestCards
            locations={locations.data!}
            latest={latest.data!}
            parameters={params}
            selected={selected}
            tempUnit={tempUnit}
            now={now}
          />
        ) : failed ? (
          <p className="state card">Latest values will appear when the service answers.</p>
        ) : (
          <div className="grid" aria-busy="true">
            {[0, 1, 2, 3, 4, 5].map((i) => (
              <div className="card loc-card" key={i}>
                <Skeleton height={20} width="60%" />
                <Skeleton height={44} />
                <Skeleton height={44} />
              </div>
            ))}
          </div>
        )}
      </section>
    </>
  );
}
