// Sources report their schedule as a cron expression (minute hour day month weekday, UTC);
// the common shapes read better in words. Anything else is shown as it is.

const pad = (n: number) => String(n).padStart(2, '0');

export function describeSchedule(expr: string | null | undefined): string {
  if (!expr) return '';
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return expr;
  const [min, hour, dom, mon, dow] = parts;
  const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : null);
  if (dom !== '*' || mon !== '*' || dow !== '*') return `cron ${expr} (UTC)`;
  const m = num(min);
  const h = num(hour);
  if (m != null && hour === '*') return `every hour at :${pad(m)}`;
  const every = /^\*\/(\d+)$/.exec(hour);
  if (m != null && every) return `every ${every[1]} h at :${pad(m)} UTC`;
  if (m != null && h != null) return `daily at ${pad(h)}:${pad(m)} UTC`;
  const everyMin = /^\*\/(\d+)$/.exec(min);
  if (everyMin && hour === '*') return `every ${everyMin[1]} min`;
  return `cron ${expr} (UTC)`;
}
