// A first start without internet leaves an empty map and every source failed. The dashboard
// then says so and shows how to start the offline demo; this decides when.

import type { Observation, Source } from './types';

/** Run from the checkout: the server with the bundled synthesised samples and the dashboard. */
export const DEMO_COMMAND = 'build/oceandash serve --demo --static web/out';

/**
 * What the stored data and the sources' runs amount to:
 * - `unknown`: /api/sources/ has not answered yet;
 * - `demo`: the server runs the offline demo (its sources are marked `demo`);
 * - `data`: some observation is stored;
 * - `waiting`: nothing stored and some source has not finished a run yet (the first fetch is
 *   still running, or the scheduler is off);
 * - `all-failed`: nothing stored and every source's last run failed;
 * - `empty`: nothing stored although a source's last run succeeded (it found no rows), or no
 *   source is configured at all.
 */
export type DataState = 'unknown' | 'demo' | 'data' | 'waiting' | 'all-failed' | 'empty';

/**
 * `latest` is /api/observations/latest/ when the caller has it (the main page): any row there
 * is stored data even if a source's count lags behind it in a cached answer.
 */
export function dataState(sources: Source[] | undefined, latest?: Observation[]): DataState {
  if (!sources) return 'unknown';
  if (sources.some((s) => s.demo === true)) return 'demo';
  // `rows` counts every stored observation of the source, and every source that wrote one is
  // listed, so all zero means the database holds none.
  if ((latest?.length ?? 0) > 0 || sources.some((s) => (s.rows ?? 0) > 0)) return 'data';
  if (sources.length === 0) return 'empty';
  if (sources.some((s) => !s.last_run)) return 'waiting';
  if (sources.every((s) => s.last_run!.ok === false)) return 'all-failed';
  return 'empty';
}

/** The "every source failed, run the demo" line is shown only in this state. */
export function showOfflineNotice(state: DataState): boolean {
  return state === 'all-failed';
}

/**
 * How often to ask /api/sources/ again: soon while a first run may still end (the notice, or
 * the data, should appear without a reload), otherwise at the page's usual `settledMs`. Before
 * the first answer it is `settledMs` too, so a page that settles at once asks only once.
 */
export function sourcesRefreshMs(state: DataState, settledMs: number): number {
  return state === 'waiting' ? 10_000 : settledMs;
}
