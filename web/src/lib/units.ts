// Units and number formatting. Temperatures arrive in °C; the viewer may prefer °F.

export type TempUnit = 'C' | 'F';

const CELSIUS_UNITS = new Set(['°C', 'degC', 'deg_C', 'celsius', 'Celsius', 'C']);

export function isCelsius(unit: string | undefined): boolean {
  return unit != null && CELSIUS_UNITS.has(unit);
}

export function cToF(c: number): number {
  return (c * 9) / 5 + 32;
}

export function fToC(f: number): number {
  return ((f - 32) * 5) / 9;
}

/** The unit shown for an API unit under the viewer's preference. */
export function displayUnit(unit: string, pref: TempUnit): string {
  if (isCelsius(unit)) return pref === 'F' ? '°F' : '°C';
  return prettyUnit(unit);
}

/** Converts one value from the API unit to the shown unit. */
export function toDisplay(value: number, unit: string, pref: TempUnit): number {
  return isCelsius(unit) && pref === 'F' ? cToF(value) : value;
}

/** A converter for whole arrays, keeping null/undefined (gaps) as they are. */
export function converter(unit: string, pref: TempUnit): (v: number) => number {
  return isCelsius(unit) && pref === 'F' ? cToF : (v: number) => v;
}

/** CF-style unit strings ("mg m-3", "m s-1") in typographic form. */
export function prettyUnit(unit: string): string {
  const sup: Record<string, string> = { '-': '⁻', '1': '¹', '2': '²', '3': '³' };
  return unit
    .split(' ')
    .map((part) => part.replace(/^([a-zA-Z]+)(-?\d)$/, (_, base: string, exp: string) =>
      base + [...exp].map((ch) => sup[ch] ?? ch).join('')))
    .join('\u2009');
}

/** Decimal places that suit each parameter's usual magnitude and instrument precision. */
const DECIMALS: Record<string, number> = {
  sst: 1,
  chlorophyll_a: 2,
  salinity: 2,
  wave_height: 1,
  current_u: 2,
  current_v: 2,
  sea_surface_height: 2,
};

export function decimalsFor(parameter: string, value?: number): number {
  const d = DECIMALS[parameter];
  if (d != null) return d;
  if (value == null || !Number.isFinite(value)) return 2;
  const abs = Math.abs(value);
  return abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
}

export function formatValue(value: number | null | undefined, parameter: string): string {
  if (value == null || !Number.isFinite(value)) return '–';
  const d = decimalsFor(parameter, value);
  // U+2212 minus sign reads better than a hyphen in tabular numbers.
  return value.toFixed(d).replace(/^-/, '−');
}
