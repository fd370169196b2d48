'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, fetchJson } from './api';

/** Seconds to wait before each retry after a transient failure. */
export const BACKOFF_S = [2, 4, 8, 15];

export function backoffDelay(attempt: number): number {
  return BACKOFF_S[Math.min(attempt, BACKOFF_S.length - 1)];
}

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Seconds until the next automatic retry, while one is scheduled. */
  retryIn: number | undefined;
  retryNow: () => void;
}

/**
 * Fetches `url` (null: nothing yet) and keeps the last good answer. Transient failures are
 * retried with backoff (2, 4, 8, 15, 15 … s); `refreshMs` re-fetches quietly on an interval.
 */
export function useApi<T>(url: string | null, refreshMs?: number): ApiState<T> {
  return useFetch<T>(url, (signal) => fetchJson<T>(url!, signal), refreshMs);
}

/** Several URLs fetched together; one answer (in order) once all have answered. */
export function useApiAll<T>(urls: string[] | null, refreshMs?: number): ApiState<T[]> {
  const key = urls == null ? null : urls.join('\n');
  return useFetch<T[]>(key, (signal) => Promise.all(urls!.map((u) => fetchJson<T>(u, signal))), refreshMs);
}

function useFetch<T>(
  url: string | null,
  load: (signal: AbortSignal) => Promise<T>,
  refreshMs?: number,
): ApiState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(url != null);
  const [retryIn, setRetryIn] = useState<number>();
  const [nonce, setNonce] = useState(0);
  const attempt = useRef(0);
  const lastUrl = useRef<string | null>(null);

  const retryNow = useCallback(() => setNonce((n) => n + 1), []);

  useEffect(() => {
    if (url == null) return;
    if (lastUrl.current !== url) {
      lastUrl.current = url;
      attempt.current = 0;
    }
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ticker: ReturnType<typeof setInterval> | undefined;
    setLoading(true);
    setRetryIn(undefined);
    load(controller.signal)
      .then((body) => {
        attempt.current = 0;
        setData(body);
        setError(undefined);
        setLoading(false);
        if (refreshMs) timer = setTimeout(() => setNonce((n) => n + 1), refreshMs);
      })
      .catch((e: unknown) => {
        if (controller.signal.aborted) return;
        const err = e instanceof ApiError ? e : new ApiError(String(e), 0);
        setError(err);
        setLoading(false);
        if (!err.transient) return;
        let left = backoffDelay(attempt.current);
        attempt.current += 1;
        setRetryIn(left);
        ticker = setInterval(() => {
          left -= 1;
          if (left <= 0) {
            clearInterval(ticker);
            setNonce((n) => n + 1);
          } else {
            setRetryIn(left);
          }
        }, 1000);
      });
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
      if (ticker) clearInterval(ticker);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `load` follows `url`
  }, [url, nonce, refreshMs]);

  return { data, error, loading, retryIn, retryNow };
}
