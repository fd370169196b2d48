'use client';

// The URL holds the view's state (location, parameter, range, compared locations) so a view
// can be shared and reloaded. Updates use history.replaceState, which Next keeps in sync with
// useSearchParams.

import { useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

export const RANGES = [7, 14, 30] as const;
export type RangeDays = (typeof RANGES)[number];

export function parseRange(value: string | null | undefined): RangeDays {
  const n = Number(value);
  return (RANGES as readonly number[]).includes(n) ? (n as RangeDays) : 30;
}

export function parseList(value: string | null | undefined): string[] {
  if (!value) return [];
  return [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
}

export function useQueryState(): [URLSearchParams, (changes: Record<string, string | null>) => void] {
  const params = useSearchParams();
  const update = useCallback((changes: Record<string, string | null>) => {
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value == null || value === '') next.delete(key);
      else next.set(key, value);
    }
    const qs = next.toString().replace(/%2C/gi, ',');
    window.history.replaceState(null, '', `${window.location.pathname}${qs ? `?${qs}` : ''}`);
  }, []);
  return [new URLSearchParams(params?.toString() ?? ''), update];
}
