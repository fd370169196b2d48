'use client';

// The resources several views share, fetched once per page through the shared cache: the map,
// the compare view and a location's page all read the same answers.

import { apiUrl } from './api';
import { useApi } from './useApi';

export function useLocations() {
  return useApi(apiUrl('/locations/'), { keep: true });
}

export function useParameters() {
  return useApi(apiUrl('/parameters/'), { keep: true });
}

/**
 * The latest row per series: views opened within a minute of each other share one answer;
 * `refreshMs` re-fetches it while a view stays open.
 */
export function useLatest(refreshMs?: number) {
  return useApi(apiUrl('/observations/latest/'), { refreshMs, freshMs: 60_000 });
}
