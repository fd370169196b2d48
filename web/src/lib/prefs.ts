'use client';

// Viewer preferences kept in localStorage: temperature unit and colour theme.

import { useCallback, useLayoutEffect, useSyncExternalStore } from 'react';
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

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** Sets <html data-theme> to the theme in use: the choice, or the system's under "auto". */
export function applyTheme(theme: ThemePref) {
  const dark = theme === 'dark' || (theme === 'auto' && window.matchMedia(DARK_QUERY).matches);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
  // The browser's own bars take the page's surface colour, read from the palette in use.
  const surface = getComputedStyle(document.documentElement).getPropertyValue('--surface').trim();
  let meta = document.querySelector<HTMLMetaElement>('meta[name="theme-color"]');
  if (!meta) {
    meta = document.createElement('meta');
    meta.name = 'theme-color';
    document.head.appendChild(meta);
  }
  meta.content = surface;
}

function storedTheme(): ThemePref {
  const t = read('oceandash.theme');
  return t === 'light' || t === 'dark' ? t : 'auto';
}

export function useTheme(): [ThemePref, (t: ThemePref) => void] {
  const value = useSyncExternalStore(subscribe, storedTheme, () => 'auto' as const) as ThemePref;
  const set = useCallback((t: ThemePref) => {
    write('oceandash.theme', t);
    applyTheme(t);
  }, []);
  return [value, set];
}

function useSystemDark(): boolean {
  return useSyncExternalStore(
    (cb) => {
      const mq = window.matchMedia(DARK_QUERY);
      mq.addEventListener('change', cb);
      return () => mq.removeEventListener('change', cb);
    },
    () => window.matchMedia(DARK_QUERY).matches,
    () => false,
  );
}

/** Whether the page currently renders dark (explicit choice or the system's). */
export function useIsDark(): boolean {
  const [theme] = useTheme();
  const system = useSystemDark();
  return theme === 'dark' || (theme === 'auto' && system);
}

/** Keeps <html data-theme> on the theme in use, following the system while the choice is "auto". */
export function useThemeAttribute() {
  const [theme] = useTheme();
  const system = useSystemDark();
  // A layout effect: it runs before the passive effects that read the palette (TimeChart).
  // It reads the stored choice itself: the hydration pass renders with the server snapshot
  // ("auto"), and applying that would repaint a stored "light" dark on a dark system until
  // the next render.
  useLayoutEffect(() => applyTheme(storedTheme()), [theme, system]);
}

/** Runs before first paint (inline in <head>) so a dark page never flashes light. */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem('oceandash.theme');if(t!=='light'&&t!=='dark')t=matchMedia('${DARK_QUERY}').matches?'dark':'light';document.documentElement.setAttribute('data-theme',t)}catch(e){}`;
