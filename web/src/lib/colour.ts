// A sequential colour scale for map markers (perceptually ordered, legible on light and dark
// backgrounds), with "no data" grey.

// Stops of a viridis-like ramp, dark blue to yellow.
const STOPS: [number, number, number][] = [
  [68, 1, 84],
  [65, 68, 135],
  [42, 120, 142],
  [34, 168, 132],
  [122, 209, 81],
  [253, 231, 37],
];

export const NO_DATA_COLOUR = '#9aa3ad';

export function rampColour(fraction: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const scaled = f * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(scaled));
  const local = scaled - i;
  const [a, b] = [STOPS[i], STOPS[i + 1]];
  const mix = (k: number) => Math.round(a[k] + (b[k] - a[k]) * local);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

export interface Domain {
  min: number;
  max: number;
}

/** The value range of the data, widened to "nice" bounds and never empty. */
export function niceDomain(values: number[]): Domain | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (max - min < 1e-9) {
    const pad = Math.abs(min) * 0.05 || 1;
    min -= pad;
    max += pad;
  }
  const span = max - min;
  const step = Math.pow(10, Math.floor(Math.log10(span)) - 1);
  return { min: Math.floor(min / step) * step, max: Math.ceil(max / step) * step };
}

export function colourFor(value: number | null | undefined, domain: Domain | null): string {
  if (value == null || !Number.isFinite(value) || !domain) return NO_DATA_COLOUR;
  return rampColour((value - domain.min) / (domain.max - domain.min));
}

/** CSS linear-gradient for the legend bar. */
export function legendGradient(): string {
  const parts = STOPS.map((c, i) => `rgb(${c.join(', ')}) ${Math.round((i / (STOPS.length - 1)) * 100)}%`);
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

/** Distinct line colours for sources / compared locations (colour-blind-friendly order). */
export const LINE_COLOURS = ['#0b6bcb', '#e07b00', '#1a9e77', '#c2185b', '#7b5cd6', '#5d6d7e', '#b8860b', '#00838f'];
