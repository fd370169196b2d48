'use client';

// Viewer preferences kept in localStorage: temperature unit and colour theme.

import { useCallback, useSyncExternalStore } from 'react';
import type { TempUnit } from './units';

export type ThemePref = 'auto' | 'light' | 'dark';

const EVENT = 'oceandash:prefs';

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  window.dispatchEvent(new Event(EVENT));
}

function subscribe(callback: () => void) {
  window.addEventListener(EVENT, callback);
  window.addEventListener('storage', callback);
  return () => {
    window.removeEventListener(EVENT, callback);
    window.removeEventListener('storage', callback);
  };
}

export function useTempUnit(): [TempUnit, (u: TempUnit) => void] {
  const value = useSyncExternalStore(
    subscribe,
    () => (read('oceandash.tempUnit') === 'F' ? 'F' : 'C'),
    () => 'C' as const,
  ) as TempUnit;
  const set = useCallback((u: TempUnit) => write('oceandash.tempUnit', u), []);
  return [value, set];
}

export function applyTheme(theme: ThemePref) {
  const root = document.documentElement;
  if (theme === 'auto') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', theme);
}

export function useTheme(): [ThemePref, (t: ThemePref) => void] {
  const value = useSyncExternalStore(
    subscribe,
    () => {
      const t = read('oceandash.theme');
      return t === 'light' || t === 'dark' ? t : 'auto';
    },
    () => 'auto' as const,
  ) as ThemePref;
  const set = useCallback((t: ThemePref) => {
    write('oceandash.theme', t);
    applyTheme(t);
  }, []);
  return [value, set];
}

/** Whether the page currently renders dark (explicit choice or the system's). */
export function useIsDark(): boolean {
  const [theme] = useTheme();
  const system = useSyncExternalStore(
    (cb) => {
      const mq = window.matchMedia('(prefers-color-scheme: dark)');
      mq.addEventListener('change', cb);
      return () => mq.removeEventListener('change', cb);
    },
    () => window.matchMedia('(prefers-color-scheme: dark)').matches,
    () => false,
  );
  return theme === 'dark' || (theme === 'auto' && system);
}

/** Runs before first paint (inline in <head>) so a stored dark theme never flashes light. */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem('oceandash.theme');if(t==='light'||t==='dark')document.documentElement.setAttribute('data-theme',t)}catch(e){}`;
