// Age, staleness and date formatting. Dates are shown in the viewer's local time, with UTC
// available on hover (title attributes).

export const STALE_AFTER_MS = 2 * 24 * 3600 * 1000;
export const DAY_MS = 24 * 3600 * 1000;

/** "just now", "12 min ago", "3 h ago", "2 d ago". */
export function ageText(timestampMs: number, nowMs: number): string {
  const diff = nowMs - timestampMs;
  if (!Number.isFinite(diff)) return '';
  if (diff < 60_000) return 'just now';
  const minutes = Math.floor(diff / 60_000);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return `${days} d ago`;
}

export function isStale(timestampMs: number, nowMs: number, limitMs = STALE_AFTER_MS): boolean {
  return nowMs - timestampMs > limitMs;
}

export function parseTime(iso: string): number {
  return Date.parse(iso);
}

/** "26 Nov 2026, 07:30" in the viewer's time zone. */
export function formatLocal(ms: number): string {
  return new Date(ms).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** "2026-11-26 07:30 UTC". */
export function formatUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Start of a window of `range` days, rounded to the minute so repeated views share the API's cache. */
export function windowStart(range: number, now = Date.now()): string {
  return new Date(now - range * DAY_MS).toISOString().slice(0, 16) + ':00Z';
}
