'use client';

import type { ApiError } from '@/lib/api';

/** The API could not answer: what happened, when the next try is, and a way to try now. */
export function ErrorState({
  error,
  retryIn,
  onRetry,
  what = 'data',
}: {
  error: ApiError;
  retryIn?: number;
  onRetry: () => void;
  what?: string;
}) {
  const unreachable = error.status === 0;
  const title = unreachable
    ? 'The ocean data service is not reachable'
    : error.status >= 500
      ? 'The ocean data service is having trouble'
      : `Could not load ${what}`;
  return (
    <div className="card state error" role="alert" data-testid="error-state">
      <div>
        <strong>{title}</strong>
        <p>
          {error.message}
          {retryIn != null ? ` Trying again in ${retryIn} s.` : ''}
        </p>
      </div>
      {(error.transient || retryIn != null) && (
        <button type="button" className="button" onClick={onRetry} data-testid="retry-now">
          Retry now
        </button>
      )}
    </div>
  );
}

export function Skeleton({ height, width = '100%' }: { height: number; width?: number | string }) {
  return <div className="skeleton" style={{ height, width }} aria-hidden="true" />;
}
