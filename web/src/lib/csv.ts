// The CSV download of a chart: exactly the points shown, in the unit shown.

import type { Track } from './series';
import { flagName } from './quality';

export const CSV_HEADER = 'timestamp,value,quality_flag,source';

function quote(field: string): string {
  return /[",\n\r]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function toCsv(
  tracks: Track[],
  convert: (v: number) => number = (v) => v,
  decimals = 6,
): string {
  const rows: { t: number; line: string; source: string }[] = [];
  for (const track of tracks) {
    for (let i = 0; i < track.t.length; i++) {
      const v = track.v[i];
      if (v == null) continue; // gap markers are not data
      const value = Number(convert(v).toFixed(decimals)).toString();
      rows.push({
        t: track.t[i],
        source: track.source,
        line: [
          new Date(track.t[i]).toISOString(),
          value,
          flagName(track.q[i]) || 'not_evaluated',
          quote(track.source),
        ].join(','),
      });
    }
  }
  rows.sort((a, b) => a.t - b.t || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  return [CSV_HEADER, ...rows.map((r) => r.line)].join('\n') + '\n';
}

export function csvFilename(location: string, parameter: string, rangeDays: number, unit: string): string {
  const safeUnit = unit.replace('°', 'deg').replace(/[^A-Za-z0-9]+/g, '');
  return `${location}_${parameter}_${rangeDays}d${safeUnit ? `_${safeUnit}` : ''}.csv`;
}
