'use client';

import { apiUrl } from '@/lib/api';
import { describeSchedule } from '@/lib/cron';
import { dataState, showOfflineNotice, sourcesRefreshMs } from '@/lib/offline';
import { ageText, formatLocal, formatUtc, parseTime } from '@/lib/time';
import type { Source, SourceError } from '@/lib/types';
import { useApi } from '@/lib/useApi';
import { useNow } from '@/lib/useNow';
import { ErrorState, Skeleton } from '../ErrorState';
import { OfflineNotice } from '../OfflineNotice';

function When({ iso, now, future = false }: { iso: string | null | undefined; now: number; future?: boolean }) {
  if (!iso) return <span style={{ color: 'var(--faint)' }}>—</span>;
  const ms = parseTime(iso);
  if (!Number.isFinite(ms)) return <span>{iso}</span>;
  const rel = future && ms > now ? inText(ms - now) : ageText(ms, now);
  return (
    <time dateTime={iso} title={formatUtc(ms)}>
      {formatLocal(ms)} <span style={{ color: 'var(--faint)' }}>({rel})</span>
    </time>
  );
}

function inText(diff: number): string {
  const min = Math.round(diff / 60_000);
  if (min < 60) return `in ${Math.max(1, min)} min`;
  const h = Math.round(min / 60);
  return h < 48 ? `in ${h} h` : `in ${Math.round(h / 24)} d`;
}

function errorOf(e: Source['last_error']): SourceError | null {
  return e ?? null;
}

function status(s: Source): 'ok' | 'error' | 'unknown' {
  if (s.last_run?.ok === false) return 'error';
  const err = errorOf(s.last_error);
  if (err?.time && s.last_success && parseTime(err.time) > parseTime(s.last_success)) return 'error';
  if (s.last_success || s.last_run?.ok) return 'ok';
  return 'unknown';
}

const STATUS_TEXT = { ok: 'Healthy', error: 'Failing', unknown: 'No scheduled runs yet' };

export function SourcesView() {
  // Asked more often while no source has delivered (sourcesRefreshMs).
  const sources = useApi(apiUrl('/sources/'), { refreshMs: (data) => sourcesRefreshMs(dataState(data), 60_000) });
  const state = dataState(sources.data);
  const now = useNow();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Data sources</h1>
          <p className="lede" data-data-state={state}>
            Where the measurements come from, how recently each source delivered, and the terms under which its data
            may be used.
          </p>
        </div>
      </div>
      {showOfflineNotice(state) && <OfflineNotice />}
      {sources.error && <ErrorState error={sources.error} retryIn={sources.retryIn} onRetry={sources.retryNow} />}
      {!sources.data ? (
        !sources.error && (
          <div className="grid">
            <Skeleton height={180} />
            <Skeleton height={180} />
          </div>
        )
      ) : sources.data.length === 0 ? (
        <div className="card state" data-testid="sources-empty">
          No source has delivered data yet.
        </div>
      ) : (
        <div className="grid" data-testid="sources">
          {sources.data.map((s) => {
            const st = status(s);
            const err = errorOf(s.last_error);
            return (
              <article className="card source-card" key={s.id} data-testid="source-card" data-source={s.id}>
                <div className="loc-card-head">
                  <h2 style={{ fontSize: '1.05rem' }}>{s.name || s.id}</h2>
                  {s.demo && <span className="badge demo">demo</span>}
                </div>
                {s.name && s.name !== s.id && <div className="coords">{s.id}</div>}
                <div style={{ marginTop: 6, fontSize: '0.9rem' }}>
                  <span className={`status-dot ${st}`} aria-hidden="true" />
                  {STATUS_TEXT[st]}
                </div>
                <dl>
                  {s.rows != null && (
                    <>
                      <dt>Observations</dt>
                      <dd className="num">{s.rows.toLocaleString()}</dd>
                    </>
                  )}
                  <dt>Last success</dt>
                  <dd>
                    <When iso={s.last_success} now={now} />
                  </dd>
                  <dt>Last error</dt>
                  <dd>
                    {err ? (
                      <>
                        {err.time && <When iso={err.time} now={now} />}
                        {err.message && <div className="error-text">{err.message}</div>}
                      </>
                    ) : (
                      <span style={{ color: 'var(--faint)' }}>none</span>
                    )}
                  </dd>
                  {s.last_run && (
                    <>
                      <dt>Last run</dt>
                      <dd>
                        <When iso={s.last_run.finished ?? s.last_run.started} now={now} />
                        {s.last_run.rows != null ? ` · ${s.last_run.rows.toLocaleString()} rows` : ''}
                      </dd>
                    </>
                  )}
                  <dt>Next run</dt>
                  <dd>
                    {s.next_run ? <When iso={s.next_run} now={now} future /> : <span style={{ color: 'var(--faint)' }}>not scheduled</span>}
                    {s.schedule ? (
                      <div style={{ color: 'var(--faint)' }} title={s.schedule}>
                        {describeSchedule(s.schedule)}
                      </div>
                    ) : null}
                  </dd>
                  {s.license && (
                    <>
                      <dt>Licence</dt>
                      <dd>{s.license}</dd>
                    </>
                  )}
                  {s.doi && (
                    <>
                      <dt>DOI</dt>
                      <dd>
                        <a href={s.doi.startsWith('http') ? s.doi : `https://doi.org/${s.doi}`} rel="noreferrer">
                          {s.doi}
                        </a>
                      </dd>
                    </>
                  )}
                </dl>
                {s.attribution && <p className="attribution">{s.attribution}</p>}
              </article>
            );
          })}
        </div>
      )}
    </>
  );
}
