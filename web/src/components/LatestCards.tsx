'use client';

import Link from 'next/link';
import { categoryColour, contextLine, heatwaveLine, NO_CLIMATOLOGY } from '@/lib/climate';
import { flagLabel } from '@/lib/quality';
import { ageText, formatLocal, formatUtc, isStale, parseTime } from '@/lib/time';
import type { LatestObservation, Location, Parameter } from '@/lib/types';
import { displayUnit, formatValue, toDisplay, type TempUnit } from '@/lib/units';
import { Sparkline } from './Sparkline';

export function Age({ timestampMs, now }: { timestampMs: number; now: number }) {
  const stale = isStale(timestampMs, now);
  return (
    <span title={`${formatLocal(timestampMs)} · ${formatUtc(timestampMs)}`}>
      {stale ? (
        <span className="badge stale" data-testid="stale">
          stale · {ageText(timestampMs, now)}
        </span>
      ) : (
        <time dateTime={new Date(timestampMs).toISOString()}>{ageText(timestampMs, now)}</time>
      )}
    </span>
  );
}

export function Flag({ flag }: { flag: string }) {
  if (flag === 'suspect' || flag === 'bad') return <span className={`badge ${flag}`}>{flag}</span>;
  return <span className={`flag ${flag}`}>{flagLabel(flag)}</span>;
}

/** How unusual the value is for the site and day of year, and any marine heatwave under way. */
export function ClimateContext({ observation, unit, tempUnit }: { observation: LatestObservation; unit: string; tempUnit: TempUnit }) {
  const line = contextLine(observation, unit, tempUnit);
  const heatwave = observation.heatwave;
  return (
    <span className={`clim-context${line ? '' : ' none'}`} data-testid="climate-context">
      {line ? <span data-testid="anomaly-text">{line}</span> : <span data-testid="no-climatology">{NO_CLIMATOLOGY}</span>}
      {heatwave && (
        <>
          <br />
          <span className="heatwave-line" data-testid="heatwave-line" data-category={heatwave.category}>
            <span className="shade-key" style={{ background: categoryColour(heatwave.category) }} aria-hidden="true" />
            {heatwaveLine(heatwave)}
          </span>
        </>
      )}
    </span>
  );
}

export function LatestCards({
  locations,
  latest,
  parameters,
  selected,
  tempUnit,
  now,
}: {
  locations: Location[];
  latest: LatestObservation[];
  parameters: Parameter[];
  selected: string;
  tempUnit: TempUnit;
  now: number;
}) {
  const order = new Map(parameters.map((p, i) => [p.id, i]));
  const byId = new Map(parameters.map((p) => [p.id, p]));
  // Sites reporting the selected parameter first, then other reporting sites, then the rest.
  const rank = (id: string) =>
    latest.some((o) => o.location_id === id && o.parameter === selected) ? 0 : latest.some((o) => o.location_id === id) ? 1 : 2;
  const sorted = locations.map((l, i) => ({ l, i, r: rank(l.id) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.l);
  return (
    <div className="grid" data-testid="latest-cards">
      {sorted.map((loc) => {
        const rows = latest
          .filter((o) => o.location_id === loc.id)
          .sort((a, b) => (order.get(a.parameter) ?? 99) - (order.get(b.parameter) ?? 99));
        return (
          <article className={`card loc-card${rows.length === 0 ? ' empty' : ''}`} key={loc.id} data-testid="latest-card" data-location={loc.id}>
            <div className="loc-card-head">
              <h3>
                <Link href={`/location/?id=${encodeURIComponent(loc.id)}`}>{loc.name}</Link>
              </h3>
              <span className="coords num">
                {Math.abs(loc.latitude).toFixed(1)}°{loc.latitude >= 0 ? 'N' : 'S'} {Math.abs(loc.longitude).toFixed(1)}°
                {loc.longitude >= 0 ? 'E' : 'W'}
              </span>
            </div>
            {rows.length === 0 ? (
              <p className="no-data">No observations in the last 30 days.</p>
            ) : (
              <ul className="param-list">
                {rows.map((o) => {
                  const p = byId.get(o.parameter);
                  const unit = p ? displayUnit(p.unit, tempUnit) : '';
                  const ts = parseTime(o.timestamp);
                  const stale = isStale(ts, now);
                  const isSelected = o.parameter === selected;
                  return (
                    <li
                      key={o.parameter}
                      className={`param-row${stale ? ' stale' : ''}${isSelected ? ' selected' : ''}`}
                      data-parameter={o.parameter}
                    >
                      <span className="param-name">{p?.name ?? o.parameter}</span>
                      <span className="param-value num" data-testid="latest-value">
                        {formatValue(p ? toDisplay(o.value, p.unit, tempUnit) : o.value, o.parameter)}
                        <span className="unit">{unit}</span>
                      </span>
                      <ClimateContext observation={o} unit={unit} tempUnit={tempUnit} />
                      <span className="param-meta">
                        <Age timestampMs={ts} now={now} />
                        <span className="dot-sep" />
                        <Flag flag={o.quality_flag} />
                        <span className="dot-sep" />
                        <span title="source">{o.source}</span>
                      </span>
                      {isSelected && <Sparkline location={loc.id} parameter={o.parameter} source={o.source} label={p?.name ?? o.parameter} />}
                    </li>
                  );
                })}
              </ul>
            )}
          </article>
        );
      })}
    </div>
  );
}
