import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import 'uplot/dist/uPlot.min.css';
import './globals.css';
import { Shell } from '@/components/Shell';
import { THEME_BOOT_SCRIPT } from '@/lib/prefs';

export const metadata: Metadata = {
  title: 'Ocean Data Dashboard',
  description: 'Sea surface temperature, chlorophyll-a, salinity, waves and currents at twelve ocean sites.',
  icons: { icon: '/favicon.svg' },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  // theme-color comes from the palette in use (applyTheme in lib/prefs.ts).
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <Shell>{children}</Shell>
      </body>
    </html>
  );
}
