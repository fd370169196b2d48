'use client';

import { RANGES, type RangeDays } from '@/lib/query';

/** The 7 / 14 / 30 days switch shared by the location and compare views. */
export function RangeSwitch({ range, onChange }: { range: RangeDays; onChange: (r: RangeDays) => void }) {
  return (
    <div className="segmented" role="group" aria-label="Time range" data-testid="range-switch">
      {RANGES.map((r) => (
        <button key={r} type="button" aria-pressed={range === r} onClick={() => onChange(r)} data-range={r}>
          {r} days
        </button>
      ))}
    </div>
  );
}
