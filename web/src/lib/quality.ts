import type { QualityFlag } from './types';

/** QARTOD flag numbers as the series endpoint sends them. */
export const QARTOD: Record<number, QualityFlag> = {
  1: 'good',
  2: 'not_evaluated',
  3: 'suspect',
  4: 'bad',
  9: 'missing',
};

export const SUSPECT = 3;
export const BAD = 4;

export function flagName(q: number | null | undefined): QualityFlag | '' {
  if (q == null) return '';
  return QARTOD[q] ?? 'not_evaluated';
}

export function flagLabel(flag: string): string {
  return flag === 'not_evaluated' ? 'not evaluated' : flag;
}
