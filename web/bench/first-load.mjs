#!/usr/bin/env node
// First-load benchmark of the dashboard (not a timed test): the REAL oceandash serving web/out
// on loopback with seeded data, a fresh headless Chromium context per run (cold cache).
// Reports, per run and as the median: time from navigation start until the 12 map markers are
// drawn, until the latest values are visible, DOMContentLoaded, and the compressed bytes of the
// JavaScript loaded by the first view (transfer sizes as the server sent them, gzip).
//
//   scripts/web.sh bench [runs]      (or: cd web && node bench/first-load.mjs [runs])

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchBrowser, seed, startServer, WEB_DIR } from '../e2e/harness.mjs';

const RUNS = Number(process.argv[2] || 7);

// Records, in the page, when markers and latest values first appear.
const PROBE = `(() => {
  window.__marks = {};
  const check = () => {
    const m = window.__marks;
    const now = performance.now();
    if (m.markers == null && document.querySelectorAll('[data-testid=map-marker]').length >= 12 &&
        document.querySelectorAll('[data-testid=map-marker][data-has-value=true]').length > 0) m.markers = now;
    if (m.latest == null && document.querySelectorAll('[data-testid=latest-value]').length > 0) m.latest = now;
    if (m.markers != null && m.latest != null) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();`;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// Static cross-check: gzip -6 of every script index.html references.
function staticScriptBytes() {
  const html = readFileSync(join(WEB_DIR, 'out/index.html'), 'utf8');
  const srcs = [...new Set([...html.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+\.js)"/g)].map((m) => m[1]))];
  let raw = 0;
  let gz = 0;
  for (const src of srcs) {
    const bytes = readFileSync(join(WEB_DIR, 'out', src));
    raw += bytes.length;
    gz += gzipSync(bytes, { level: 6 }).length;
  }
  return { files: srcs.length, raw, gz };
}

const server = await startServer();
const browser = await launchBrowser();
try {
  await seed(server.base);
  const runs = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript(PROBE);
    await page.goto(`${server.base}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.__marks.markers != null && window.__marks.latest != null, null, { timeout: 30_000 });
    const result = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const scripts = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.endsWith('.js') && e.startTime <= window.__marks.latest);
      return {
        markers: window.__marks.markers,
        latest: window.__marks.latest,
        dcl: nav.domContentLoadedEventEnd,
        jsFiles: scripts.length,
        jsEncoded: scripts.reduce((n, e) => n + e.encodedBodySize, 0),
        jsDecoded: scripts.reduce((n, e) => n + e.decodedBodySize, 0),
        htmlEncoded: nav.encodedBodySize,
        uplot: scripts.some((e) => /uplot/i.test(e.name)),
      };
    });
    await context.close();
    if (i === 0) continue; // warm-up: the server's gzip cache and the OS page cache
    runs.push(result);
    console.log(
      `run ${i}: markers ${result.markers.toFixed(0)} ms, latest ${result.latest.toFixed(0)} ms, DOMContentLoaded ${result.dcl.toFixed(0)} ms, JS ${result.jsFiles} files ${(result.jsEncoded / 1024).toFixed(1)} KiB gzip (${(result.jsDecoded / 1024).toFixed(1)} KiB raw)`,
    );
  }
  const st = staticScriptBytes();
  const summary = {
    runs: runs.length,
    markers_ms_median: Math.round(median(runs.map((r) => r.markers))),
    latest_ms_median: Math.round(median(runs.map((r) => r.latest))),
    dcl_ms_median: Math.round(median(runs.map((r) => r.dcl))),
    first_load_js_gzip_kib: +(runs[0].jsEncoded / 1024).toFixed(1),
    first_load_js_raw_kib: +(runs[0].jsDecoded / 1024).toFixed(1),
    first_load_js_files: runs[0].jsFiles,
    html_gzip_kib: +(runs[0].htmlEncoded / 1024).toFixed(1),
    uplot_in_first_load: runs[0].uplot,
    index_html_scripts_gzip6_kib: +(st.gz / 1024).toFixed(1),
    index_html_scripts_files: st.files,
  };
  console.log(JSON.stringify(summary, null, 2));
  if (summary.first_load_js_gzip_kib > 250) {
    console.error('first-load JS is over the 250 KiB budget');
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  await server.stop();
}
