'use client';

import { geoGraticule10, geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import land110m from 'world-atlas/land-110m.json';
import { divergingColour, divergingGradient, NO_CLIMATOLOGY } from '@/lib/climate';
import { colourFor, legendGradient, NO_DATA_COLOUR, type Domain } from '@/lib/colour';
import { ageText, formatLocal, formatUtc, isStale } from '@/lib/time';
import { formatValue } from '@/lib/units';
import type { Location } from '@/lib/types';

const WIDTH = 960;
// Cropped to 84°N–60°S: no site lies in the Southern Ocean's ice, and the sites get more room.
const NORTH = 84;
const SOUTH = -60;

interface Geometry {
  land: string;
  graticule: string;
  top: number;
  height: number;
  project: (lon: number, lat: number) => [number, number];
}

// Computed once per page load: the projection, land and graticule paths (offline, bundled).
let cached: Geometry | null = null;

function geometry() {
  if (cached) return cached;
  const topology = land110m as unknown as Topology<{ land: GeometryCollection }>;
  const land = feature(topology, topology.objects.land);
  const projection = geoNaturalEarth1().fitWidth(WIDTH, { type: 'Sphere' });
  const path = geoPath(projection).digits(1);
  const top = Math.floor(projection([0, NORTH])![1]);
  const bottom = Math.ceil(projection([0, SOUTH])![1]);
  cached = {
    land: path(land) ?? '',
    graticule: path(geoGraticule10()) ?? '',
    top,
    height: bottom - top,
    project: (lon, lat) => projection([lon, lat]) ?? [0, 0],
  };
  return cached;
}

export interface MarkerDatum {
  location: Location;
  /** In the unit shown; null: no data for the selected parameter. */
  value: number | null;
  timestampMs: number | null;
  /** Value minus the climatological mean (in the shown unit; log10 for chlorophyll); null: none. */
  anomaly: number | null;
  /** "+1.8 °C vs 1991–2020, 97th percentile"; null without a climatology. */
  context: string | null;
}

/** The anomaly map's scale: symmetric about zero, its ends as text. */
export interface AnomalyScale {
  limit: number;
  low: string;
  high: string;
}

export function WorldMap({
  markers,
  domain,
  parameter,
  parameterName,
  unit,
  now,
  anomalyScale,
}: {
  markers: MarkerDatum[];
  domain: Domain | null;
  parameter: string;
  parameterName: string;
  unit: string;
  now: number;
  /** Set: the map is coloured by anomaly on this scale instead of by value. */
  anomalyScale?: AnomalyScale;
}) {
  const router = useRouter();
  const geo = useMemo(geometry, []);
  const [active, setActive] = useState<string | null>(null);
  // Markers keep a legible, touchable size on screen however narrow the map is drawn.
  const svgRef = useRef<SVGSVGElement>(null);
  const [scale, setScale] = useState(1);
  useEffect(() => {
    const el = svgRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setScale(Math.max(1, (WIDTH / Math.max(1, el.clientWidth)) * 0.75)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const activeMarker = markers.find((m) => m.location.id === active);

  const open = (id: string) => router.push(`/location/?id=${encodeURIComponent(id)}`);

  return (
    <div className="card map-card">
      <div className="map-wrap">
        <svg
          ref={svgRef}
          className="map-svg"
          viewBox={`0 ${geo.top} ${WIDTH} ${geo.height}`}
          role="group"
          aria-label={`Map of ${markers.length} locations coloured by ${parameterName}${anomalyScale ? ' anomaly' : ''}`}
          data-testid="map"
          data-mode={anomalyScale ? 'anomaly' : 'value'}
        >
          <path className="land" d={geo.land} />
          <path className="graticule" d={geo.graticule} />
          {[...markers].sort((a, b) => Number(a.value != null) - Number(b.value != null)).map((m) => {
            const [x, y] = geo.project(m.location.longitude, m.location.latitude);
            const fill = anomalyScale
              ? m.anomaly == null
                ? NO_DATA_COLOUR
                : divergingColour(m.anomaly, anomalyScale.limit)
              : colourFor(m.value, domain);
            const valueText =
              m.value == null
                ? 'no data'
                : `${formatValue(m.value, parameter)} ${unit}${anomalyScale ? `, ${m.context ?? NO_CLIMATOLOGY}` : ''}`;
            const age = m.timestampMs == null ? '' : `, ${ageText(m.timestampMs, now)}`;
            return (
              <a
                key={m.location.id}
                href={`/location/?id=${encodeURIComponent(m.location.id)}`}
                className={`marker${active === m.location.id ? ' active' : ''}`}
                data-testid="map-marker"
                data-location={m.location.id}
                data-has-value={m.value != null}
                data-anomaly={m.anomaly ?? undefined}
                data-fill={fill}
                aria-label={`${m.location.name}: ${parameterName} ${valueText}${age}`}
                onClick={(e) => {
                  e.preventDefault();
                  open(m.location.id);
                }}
                onMouseEnter={() => setActive(m.location.id)}
                onMouseLeave={() => setActive((a) => (a === m.location.id ? null : a))}
                onFocus={() => setActive(m.location.id)}
                onBlur={() => setActive((a) => (a === m.location.id ? null : a))}
              >
                <circle className="hit" cx={x} cy={y} r={16 * scale} fill="transparent" />
                <circle className="ring" cx={x} cy={y} r={12 * scale} style={{ strokeWidth: 2 * scale }} />
                <circle
                  className="dot"
                  cx={x}
                  cy={y}
                  r={(active === m.location.id ? 9 : 7.5) * scale}
                  fill={fill}
                  style={{ strokeWidth: 2 * scale }}
                />
              </a>
            );
          })}
        </svg>
        {activeMarker && <Tooltip marker={activeMarker} geo={geo} parameter={parameter} unit={unit} now={now} />}
      </div>
      <div className="legend" aria-label="Colour scale" data-testid="map-legend">
        <span className="legend-title">{anomalyScale ? `${parameterName} anomaly` : parameterName}</span>
        {anomalyScale ? (
          <>
            <span className="num">{anomalyScale.low}</span>
            <span className="legend-bar" style={{ background: divergingGradient() }} aria-hidden="true" />
            <span className="num">{anomalyScale.high}</span>
          </>
        ) : domain ? (
          <>
            <span className="num">
              {formatValue(domain.min, parameter)}
            </span>
            <span className="legend-bar" style={{ background: legendGradient() }} aria-hidden="true" />
            <span className="num">
              {formatValue(domain.max, parameter)} {unit}
            </span>
          </>
        ) : (
          <span>no values yet</span>
        )}
        <span className="legend-nodata">
          <span className="swatch" style={{ background: NO_DATA_COLOUR }} aria-hidden="true" />{' '}
          {anomalyScale ? `no data or ${NO_CLIMATOLOGY}` : 'no data'}
        </span>
      </div>
    </div>
  );
}

function Tooltip({
  marker,
  geo,
  parameter,
  unit,
  now,
}: {
  marker: MarkerDatum;
  geo: Geometry;
  parameter: string;
  unit: string;
  now: number;
}) {
  const [x, y] = geo.project(marker.location.longitude, marker.location.latitude);
  // Keep the tooltip inside the map near its edges.
  const left = Math.min(88, Math.max(12, (x / WIDTH) * 100));
  const stale = marker.timestampMs != null && isStale(marker.timestampMs, now);
  return (
    <div className="map-tooltip" style={{ left: `${left}%`, top: `${((y - geo.top) / geo.height) * 100}%` }} role="tooltip" data-testid="map-tooltip">
      <strong>{marker.location.name}</strong>
      {marker.value == null ? (
        <span>No data</span>
      ) : (
        <>
          <span className="tip-value num">
            {formatValue(marker.value, parameter)} {unit}
          </span>{' '}
          <div className="clim-context" data-testid="tooltip-context">
            {marker.context ?? NO_CLIMATOLOGY}
          </div>
          <span title={marker.timestampMs ? formatUtc(marker.timestampMs) : undefined}>
            {ageText(marker.timestampMs!, now)}
            {stale ? ' · stale' : ''}
          </span>
          <div style={{ color: 'var(--faint)', fontSize: '0.78rem' }}>{formatLocal(marker.timestampMs!)}</div>
        </>
      )}
    </div>
  );
}
