'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { apiUrl } from '@/lib/api';
import { useTempUnit, useTheme, useThemeAttribute, type ThemePref } from '@/lib/prefs';
import { useApi } from '@/lib/useApi';

const NAV = [
  { href: '/', label: 'Map & latest' },
  { href: '/compare/', label: 'Compare' },
  { href: '/sources/', label: 'Sources' },
];

const THEME_NEXT: Record<ThemePref, ThemePref> = { auto: 'light', light: 'dark', dark: 'auto' };
const THEME_LABEL: Record<ThemePref, string> = { auto: 'Auto', light: 'Light', dark: 'Dark' };

function Logo() {
  return (
    <svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="currentColor" />
      <path d="M5 19c3 0 3-3 6-3s3 3 6 3 3-3 6-3 3 3 4 3" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" />
      <path d="M5 13c3 0 3-3 6-3s3 3 6 3 3-3 6-3 3 3 4 3" fill="none" stroke="#fff" strokeOpacity=".55" strokeWidth="2.4" strokeLinecap="round" />
    </svg>
  );
}

function ThemeIcon({ theme }: { theme: ThemePref }) {
  if (theme === 'dark')
    return (
      <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z" fill="currentColor" />
      </svg>
    );
  if (theme === 'light')
    return (
      <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">
        <circle cx="12" cy="12" r="4.5" fill="currentColor" />
        <g stroke="currentColor" strokeWidth="2" strokeLinecap="round">
          <path d="M12 2v2M12 20v2M2 12h2M20 12h2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
        </g>
      </svg>
    );
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">
      <circle cx="12" cy="12" r="8" fill="none" stroke="currentColor" strokeWidth="2" />
      <path d="M12 4a8 8 0 0 1 0 16z" fill="currentColor" />
    </svg>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const pathname = usePathname() || '/';
  const [unit, setUnit] = useTempUnit();
  const [theme, setTheme] = useTheme();
  useThemeAttribute();
  const health = useApi(apiUrl('/health/'), { refreshMs: 60_000 });
  const demo = health.data?.demo === true;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link href="/" className="brand">
            <Logo />
            Ocean Data
          </Link>
          <nav className="nav" aria-label="Main">
            {NAV.map((item) => {
              const current = item.href === '/' ? pathname === '/' || pathname.startsWith('/location') : pathname.startsWith(item.href);
              return (
                <Link key={item.href} href={item.href} aria-current={current ? 'page' : undefined}>
                  {item.label}
                </Link>
              );
            })}
          </nav>
          <div className="header-tools">
            <div className="segmented" role="group" aria-label="Temperature unit">
              <button type="button" aria-pressed={unit === 'C'} onClick={() => setUnit('C')} data-testid="unit-c">
                °C
              </button>
              <button type="button" aria-pressed={unit === 'F'} onClick={() => setUnit('F')} data-testid="unit-f">
                °F
              </button>
            </div>
            <button
              type="button"
              className="button icon-button"
              onClick={() => setTheme(THEME_NEXT[theme])}
              aria-label={`Colour theme: ${THEME_LABEL[theme]}. Switch to ${THEME_LABEL[THEME_NEXT[theme]]}`}
              title={`Theme: ${THEME_LABEL[theme]}`}
              data-testid="theme-toggle"
            >
              <ThemeIcon theme={theme} />
              <span className="theme-label">{THEME_LABEL[theme]}</span>
            </button>
          </div>
        </div>
      </header>
      {demo && (
        <div className="banner" role="status" data-testid="demo-banner">
          Demo data — synthesised samples, not measurements; climatologies and heatwaves come from a synthetic long daily record
        </div>
      )}
      <main id="main">{children}</main>
      <footer className="site-footer">
        Ocean Data Dashboard{health.data?.version ? ` · API ${health.data.version}` : ''} · times in your local time zone
        (hover for UTC) · coastlines: Natural Earth (public domain) · <a href={apiUrl('/openapi.json')}>API</a> ·{' '}
        <Link href="/sources/">data sources and licences</Link>
      </footer>
    </>
  );
}
