// Words and colours for a value against its site's climatology (issue 16): the anomaly and
// percentile line of a card, the marine heatwave sentence, the category shading of a chart and
// the diverging palette of the anomaly map. Pure functions: the views pass what the API gave.

import type { TempUnit } from './units';

/** Hobday et al. (2018) categories, in order of severity. */
export const CATEGORIES = ['Moderate', 'Strong', 'Severe', 'Extreme'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * The category colours of the Hobday et al. (2018) figures, as the Marine Heatwave Tracker
 * and heatwaveR draw them: light orange, orange, dark red, near black.
 */
export const CATEGORY_COLOURS: Record<Category, string> = {
  Moderate: '#ffc866',
  Strong: '#ff6900',
  Severe: '#9e0000',
  Extreme: '#2d0000',
};

export function categoryColour(category: string): string {
  return CATEGORY_COLOURS[category as Category] ?? CATEGORY_COLOURS.Moderate;
}

/** The API's climatology descriptor. */
export interface ClimatologyInfo {
  source: string;
  baseline: number[];
  log10: boolean;
}

export function baselineText(climatology: ClimatologyInfo): string {
  const [first, last] = climatology.baseline;
  return first === last ? String(first) : `${first}–${last}`;
}

/** "1st", "2nd", "3rd", "11th", "97th". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

/**
 * "97th percentile"; the API clamps to 1..99, where 1 means at or below the 1st and 99 at or
 * above the 99th, so the ends say so.
 */
export function percentileText(percentile: number): string {
  const p = Math.round(percentile);
  if (p <= 1) return 'at or below the 1st percentile';
  if (p >= 99) return 'at or above the 99th percentile';
  return `${ordinal(p)} percentile`;
}

function signed(value: number, decimals: number): string {
  const text = Math.abs(value).toFixed(decimals);
  if (Number(text) === 0) return `±${text}`;
  return `${value > 0 ? '+' : '−'}${text}`;
}

/**
 * The anomaly in the viewer's units: a temperature difference scales by 9/5 in °F (no
 * offset); a log10 climatology's anomaly (chlorophyll) reads as a ratio to the typical value.
 */
export function anomalyText(
  anomaly: number,
  climatology: ClimatologyInfo,
  unit: string,
  tempUnit: TempUnit,
): string {
  const baseline = baselineText(climatology);
  if (climatology.log10) {
    const ratio = Math.pow(10, anomaly);
    return `${ratio.toFixed(ratio < 10 ? 1 : 0)}× typical for ${baseline}`;
  }
  const isTemperature = unit === '°C' || unit === '°F';
  const shown = isTemperature && tempUnit === 'F' ? (anomaly * 9) / 5 : anomaly;
  return `${signed(shown, isTemperature ? 1 : 2)}${unit ? ` ${unit}` : ''} vs ${baseline}`;
}

/** "+1.8 °C vs 1991–2020, 97th percentile", or null when there is no climatology. */
export function contextLine(
  item: { anomaly?: number | null; percentile?: number | null; climatology?: ClimatologyInfo | null },
  unit: string,
  tempUnit: TempUnit,
): string | null {
  if (!item.climatology || item.anomaly == null) return null;
  const parts = [anomalyText(item.anomaly, item.climatology, unit, tempUnit)];
  if (item.percentile != null) parts.push(percentileText(item.percentile));
  return parts.join(', ');
}

export const NO_CLIMATOLOGY = 'no climatology yet';

/** "Strong marine heatwave, day 12". */
export function heatwaveLine(heatwave: { category: string; day: number }): string {
  return `${heatwave.category} marine heatwave, day ${heatwave.day}`;
}

/** A heatwave period on a chart: seconds since the epoch, end exclusive (the day after). */
export interface Shading {
  from: number;
  to: number;
  colour: string;
  label: string;
}

const DAY_S = 86_400;

/** Events' dates (inclusive, UTC days) as chart shading, oldest first. */
export function heatwaveShading(events: { date_start: string; date_end: string; category: string }[]): Shading[] {
  return events.map((e) => ({
    from: Date.parse(`${e.date_start}T00:00:00Z`) / 1000,
    to: Date.parse(`${e.date_end}T00:00:00Z`) / 1000 + DAY_S,
    colour: categoryColour(e.category),
    label: `${e.category} marine heatwave ${e.date_start} to ${e.date_end}`,
  }));
}

// ColorBrewer RdBu (7 classes) from blue (cold) through white to red (warm).
const DIVERGING: [number, number, number][] = [
  [33, 102, 172],
  [103, 169, 207],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [239, 138, 98],
  [178, 24, 43],
];

/** Colour of an anomaly on a scale symmetric about zero, from −limit (blue) to +limit (red). */
export function divergingColour(anomaly: number, limit: number): string {
  const f = Math.min(1, Math.max(0, (anomaly / (limit > 0 ? limit : 1) + 1) / 2));
  const scaled = f * (DIVERGING.length - 1);
  const i = Math.min(DIVERGING.length - 2, Math.floor(scaled));
  const local = scaled - i;
  const [a, b] = [DIVERGING[i], DIVERGING[i + 1]];
  const mix = (k: number) => Math.round(a[k] + (b[k] - a[k]) * local);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

export function divergingGradient(): string {
  const parts = DIVERGING.map((c, i) => `rgb(${c.join(', ')}) ${Math.round((i / (DIVERGING.length - 1)) * 100)}%`);
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

/** The symmetric limit of the anomaly scale: the largest magnitude rounded up to a half unit. */
export function anomalyLimit(anomalies: number[]): number {
  const finite = anomalies.filter((a) => Number.isFinite(a)).map(Math.abs);
  if (finite.length === 0) return 1;
  return Math.max(0.5, Math.ceil(Math.max(...finite) * 2) / 2);
}
