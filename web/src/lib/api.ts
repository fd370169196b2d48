// The API base: NEXT_PUBLIC_API_URL at build time (e.g. https://api.example.org/api for a
// separate frontend container), else the same origin's /api. Routes, their parameters and their
// answers are typed from the contract (api-types.ts, generated from src/api/openapi.json), so a
// change to the contract shows up here as a type error rather than as a blank chart.

import type { paths } from './api-types';

export const API_BASE = (process.env.NEXT_PUBLIC_API_URL || '/api').replace(/\/+$/, '');

type GetOperation<K extends keyof paths> = paths[K] extends { get: infer Op } ? Op : never;

/** The routes the dashboard can GET, relative to API_BASE: '/locations/', '/locations/{id}/' … */
export type Route = {
  [K in keyof paths]: K extends `/api${infer R}` ? ([GetOperation<K>] extends [never] ? never : R) : never;
}[keyof paths];

type OperationOf<R extends Route> = GetOperation<Extract<`/api${R}`, keyof paths>>;

/** The JSON body of a route's 200 answer. */
export type ResponseOf<R extends Route> =
  OperationOf<R> extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;

type PathParams<R extends Route> = OperationOf<R> extends { parameters: { path: infer P } } ? P : never;
type QueryParams<R extends Route> =
  OperationOf<R> extends { parameters: { query?: infer Q } } ? ([Q] extends [never] ? never : Q) : never;

export interface UrlArgs<R extends Route> {
  path?: PathParams<R>;
  query?: QueryParams<R>;
}

/** A URL that remembers the type of its answer, so `useApi(apiUrl(...))` needs no type argument. */
export type ApiUrl<T> = string & { readonly __answer?: T };

export function apiUrl<R extends Route>(route: R, args: UrlArgs<R> = {}): ApiUrl<ResponseOf<R>> {
  const pathParams = (args.path ?? {}) as Record<string, string | number>;
  const path = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(pathParams[name])));
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries((args.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the server could not be reached. */
    public status: number,
    public code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Worth retrying: unreachable, timed out or a 5xx (database down, restarting). */
  get transient(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** GETs `url` as JSON; every failure is an ApiError (status 0 when the server was not reached). */
export async function fetchJson<T>(url: ApiUrl<T>, timeoutMs = 15_000): Promise<T> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { signal: timeout.signal, headers: { Accept: 'application/json' } });
  } catch {
    throw new ApiError(
      timeout.signal.aborted ? 'The API did not answer in time.' : 'The API could not be reached.',
      0,
    );
  } finally {
    clearTimeout(timer);
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(err?.message || `The API answered ${response.status}.`, response.status, err?.code);
  }
  return body as T;
}
