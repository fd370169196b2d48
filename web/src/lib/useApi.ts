'use client';

// Every GET goes through one SWR cache keyed by URL: views that ask for the same URL share one
// request and one answer. SWR's own error retry is off because the dashboard shows a countdown
// to the next try (the backoff below) and a "Retry now" button.

import { useCallback, useEffect, useRef, useState } from 'react';
import useSWR, { type SWRConfiguration } from 'swr';
import { type ApiError, type ApiUrl, fetchJson } from './api';

/** Seconds to wait before each retry after a transient failure. */
export const BACKOFF_S = [2, 4, 8, 15];

export function backoffDelay(attempt: number): number {
  return BACKOFF_S[Math.min(attempt, BACKOFF_S.length - 1)];
}

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** Seconds until the next automatic retry, while one is scheduled. */
  retryIn: number | undefined;
  retryNow: () => void;
}

export interface ApiOptions<T> {
  /** Re-fetch quietly on this interval (ms); a function of the last answer may vary it. */
  refreshMs?: number | ((data: T | undefined) => number);
  /**
   * Once loaded, served from the cache for the life of the page: catalogue data (locations,
   * parameters) that changes only with the server's configuration.
   */
  keep?: boolean;
  /** Another view asking within this many ms gets the cached answer without a new request. */
  freshMs?: number;
}

const BASE: SWRConfiguration = {
  revalidateOnFocus: false,
  shouldRetryOnError: false,
  // A new URL (another range, another parameter) keeps showing the last answer until it loads.
  keepPreviousData: true,
};

/** Fetches `url` (null: nothing yet) through the shared cache, retrying transient failures. */
export function useApi<T>(url: ApiUrl<T> | null, { refreshMs, keep = false, freshMs }: ApiOptions<T> = {}): ApiState<T> {
  const { data, error, mutate } = useSWR<T, ApiError>(url, fetchJson<T>, {
    ...BASE,
    refreshInterval: refreshMs,
    revalidateIfStale: !keep,
    ...(freshMs ? { dedupingInterval: freshMs } : {}),
  });
  return useRetry(data, error, mutate);
}

/** Several URLs fetched together; one answer (in order) once all have answered. */
export function useApiAll<T>(urls: ApiUrl<T>[] | null): ApiState<T[]> {
  const { data, error, mutate } = useSWR<T[], ApiError>(urls, (list: ApiUrl<T>[]) => Promise.all(list.map((u) => fetchJson<T>(u))), BASE);
  return useRetry(data, error, mutate);
}

function useRetry<T>(data: T | undefined, error: ApiError | undefined, mutate: () => Promise<unknown>): ApiState<T> {
  const retryNow = useCallback(() => {
    void mutate();
  }, [mutate]);
  const retryIn = useBackoff(error, retryNow);
  return { data, error, retryIn, retryNow };
}

/** Counts down to the next try after each transient failure (2, 4, 8, 15, 15 … s), then retries. */
function useBackoff(error: ApiError | undefined, retry: () => void): number | undefined {
  const [retryIn, setRetryIn] = useState<number>();
  const attempt = useRef(0);
  useEffect(() => {
    if (!error) {
      attempt.current = 0;
      setRetryIn(undefined);
      return;
    }
    if (!error.transient) return;
    let left = backoffDelay(attempt.current);
    attempt.current += 1;
    setRetryIn(left);
    const ticker = setInterval(() => {
      left -= 1;
      if (left > 0) {
        setRetryIn(left);
        return;
      }
      clearInterval(ticker);
      setRetryIn(undefined);
      retry();
    }, 1000);
    return () => clearInterval(ticker);
  }, [error, retry]);
  return retryIn;
}
