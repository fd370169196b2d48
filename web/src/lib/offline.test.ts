import { describe, expect, it } from 'vitest';
import { dataState, DEMO_COMMAND, showOfflineNotice, sourcesRefreshMs } from './offline';
import type { Observation, Source } from './types';

const failedRun = { started: '2026-12-07T10:00:00Z', finished: '2026-12-07T10:00:05Z', ok: false, rows: 0 };
const goodRun = { started: '2026-12-07T10:00:00Z', finished: '2026-12-07T10:00:05Z', ok: true, rows: 0 };

function source(id: string, fields: Partial<Source> = {}): Source {
  return {
    id,
    configured: true,
    schedule: null,
    next_run: null,
    rows: 0,
    last_run: null,
    last_success: null,
    last_error: null,
    backfill: [],
    ...fields,
  };
}

const failed = (id: string) =>
  source(id, { last_run: failedRun, last_error: { time: failedRun.finished, message: 'could not connect' } });

const observation: Observation = {
  location_id: 'monterey-bay',
  parameter: 'sst',
  timestamp: '2026-12-07T09:00:00Z',
  value: 14.2,
  quality_flag: 'good',
  source: 'manual',
};

describe('dataState', () => {
  it('is all-failed when nothing is stored and every last run failed', () => {
    const sources = [failed('noaa'), failed('ndbc'), failed('copernicus-sst')];
    expect(dataState(sources)).toBe('all-failed');
    expect(dataState(sources, [])).toBe('all-failed');
    expect(showOfflineNotice(dataState(sources, []))).toBe(true);
  });

  it('waits while a first run has not finished', () => {
    expect(dataState([source('noaa'), source('ndbc')], [])).toBe('waiting');
    // One source failed fast, another is still fetching.
    expect(dataState([failed('noaa'), source('ndbc')], [])).toBe('waiting');
    expect(showOfflineNotice('waiting')).toBe(false);
  });

  it('is not all-failed when one source succeeded, even without rows', () => {
    const sources = [failed('noaa'), source('ndbc', { last_run: goodRun, last_success: goodRun.finished })];
    expect(dataState(sources, [])).toBe('empty');
    expect(showOfflineNotice(dataState(sources, []))).toBe(false);
  });

  it('is data when the database holds observations, whatever the runs did', () => {
    // Rows written earlier (or by manual ingest) while every last run failed.
    expect(dataState([failed('noaa'), failed('ndbc'), source('manual', { rows: 3, configured: false })])).toBe('data');
    expect(dataState([failed('noaa'), { ...failed('ndbc'), rows: 120 }])).toBe('data');
    // The latest answer has rows although the sources' counts say none (an older cached answer).
    expect(dataState([failed('noaa')], [observation])).toBe('data');
    expect(showOfflineNotice('data')).toBe(false);
  });

  it('never shows the notice in the demo', () => {
    const demoFailed: Source = { ...failed('demo-noaa'), demo: true };
    expect(dataState([demoFailed, failed('demo-ndbc')], [])).toBe('demo');
    expect(showOfflineNotice('demo')).toBe(false);
  });

  it('knows nothing before the sources answer, and nothing failed without sources', () => {
    expect(dataState(undefined, [])).toBe('unknown');
    expect(dataState([], [])).toBe('empty');
    expect(showOfflineNotice('unknown')).toBe(false);
    expect(showOfflineNotice('empty')).toBe(false);
  });

  it('counts a source without a rows field (an older server) as having none', () => {
    const noRows: Partial<Source> = failed('noaa');
    delete noRows.rows;
    expect(dataState([noRows as Source], [])).toBe('all-failed');
  });
});

describe('sourcesRefreshMs', () => {
  it('asks again soon only while a run may still end', () => {
    expect(sourcesRefreshMs('waiting', 300_000)).toBe(10_000);
    expect(sourcesRefreshMs('unknown', 300_000)).toBe(300_000);
    expect(sourcesRefreshMs('all-failed', 300_000)).toBe(300_000);
    expect(sourcesRefreshMs('data', 60_000)).toBe(60_000);
  });
});

describe('DEMO_COMMAND', () => {
  it('is the README command for the offline demo', () => {
    expect(DEMO_COMMAND).toBe('build/oceandash serve --demo --static web/out');
  });
});
