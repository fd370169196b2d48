// The API base: NEXT_PUBLIC_API_URL at build time (e.g. https://api.example.org/api for a
// separate frontend container), else the same origin's /api.

export const API_BASE = (process.env.NEXT_PUBLIC_API_URL || '/api').replace(/\/+$/, '');

export function apiUrl(path: string, query?: Record<string, string | number | undefined>): string {
  const clean = path.startsWith('/') ? path : `/${path}`;
  const params = new URLSearchParams();
  if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
  }
  const qs = params.toString();
  return `${API_BASE}${clean}${qs ? `?${qs}` : ''}`;
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

export async function fetchJson<T>(url: string, signal?: AbortSignal, timeoutMs = 15_000): Promise<T> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const onAbort = () => timeout.abort();
  signal?.addEventListener('abort', onAbort);
  let response: Response;
  try {
    response = await fetch(url, { signal: timeout.signal, headers: { Accept: 'application/json' } });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(
      timeout.signal.aborted ? 'The API did not answer in time.' : 'The API could not be reached.',
      0,
    );
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
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
