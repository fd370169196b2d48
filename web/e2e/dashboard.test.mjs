// End-to-end: the built dashboard (web/out) served by the REAL build/oceandash on SQLite,
// seeded through the ingest API, driven in Debian's Chromium via playwright-core.
// Run: scripts/web.sh test (or: cd web && node --test e2e/). SCREENSHOT_DIR=../docs/screenshots
// refreshes the screenshots in the docs; by default they go to web/e2e/artifacts.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchBrowser, newPage, seed, startServer, WEB_DIR } from './harness.mjs';

const repoRoot = resolve(WEB_DIR, '..');

const SHOTS = resolve(WEB_DIR, process.env.SCREENSHOT_DIR || 'e2e/artifacts');
mkdirSync(SHOTS, { recursive: true });

let server;
let browser;
let seeded;


async function shot(page, name, fullPage = true) {
  await page.waitForTimeout(300); // let transitions settle
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

async function chartPoints(page, parameter) {
  const chart = page.locator(`[data-testid=chart-card][data-parameter=${parameter}] [data-testid=chart][data-ready=true]`);
  await chart.waitFor();
  return Number(await chart.getAttribute('data-points'));
}

before(async () => {
  server = await startServer();
  seeded = await seed(server.base);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('dashboard', () => {
  it('shows one map marker per location, coloured where there is data', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.base}/`);
    const markers = page.locator('[data-testid=map-marker]');
    await page.locator('[data-testid=latest-card]').first().waitFor();
    assert.equal(await markers.count(), 12);
    assert.equal(await page.locator('[data-testid=map-marker][data-has-value=true]').count(), 4);
    // Hover shows name, value and age.
    await page.locator('[data-testid=map-marker][data-location=monterey-bay]').hover();
    const tip = page.locator('[data-testid=map-tooltip]');
    await tip.waitFor();
    const text = await tip.innerText();
    assert.match(text, /Monterey Bay/);
    assert.match(text, /°C/);
    assert.match(text, /ago/);
    // Keyboard focus shows it too.
    await page.locator('[data-testid=map-marker][data-location=station-aloha]').focus();
    assert.match(await tip.innerText(), /Station ALOHA/);
    await page.mouse.move(0, 0);
    await page.locator('body').focus();
    await shot(page, 'map', false);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it('lists the latest values with age, flag, source, staleness and sparklines', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.base}/`);
    const cards = page.locator('[data-testid=latest-card]');
    await cards.first().waitFor();
    assert.equal(await cards.count(), 12);
    const monterey = page.locator('[data-testid=latest-card][data-location=monterey-bay]');
    const text = await monterey.innerText();
    assert.match(text, /Sea surface temperature/);
    assert.match(text, /Chlorophyll-a/);
    assert.match(text, /copernicus/);
    assert.match(text, /\d+ h ago/);
    // Benguela's latest is 3 days old: marked stale.
    assert.equal(await page.locator('[data-testid=latest-card][data-location=benguela-luderitz] [data-testid=stale]').count(), 1);
    assert.match(await page.locator('[data-testid=latest-card][data-location=kerama-reefs]').innerText(), /No observations/);
    // Sparkline of the selected parameter, fetched for visible cards.
    await page.locator('[data-testid=latest-card][data-location=monterey-bay] [data-testid=sparkline] svg').waitFor();
    const sparkPoints = Number(await page.locator('[data-testid=latest-card][data-location=monterey-bay] [data-testid=sparkline]').getAttribute('data-points'));
    assert.ok(sparkPoints > 10 && sparkPoints <= 60, `sparkline points ${sparkPoints}`);
    // Bring every card into view so all sparklines load, then picture the section.
    for (const card of await cards.all()) await card.scrollIntoViewIfNeeded();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    await page.locator('section[aria-labelledby=latest-heading]').screenshot({ path: join(SHOTS, 'latest.png') });
    // °F toggle converts and is remembered across reloads.
    await page.click('[data-testid=unit-f]');
    assert.match(await monterey.innerText(), /°F/);
    await page.reload();
    await page.locator('[data-testid=latest-card]').first().waitFor();
    assert.match(await page.locator('[data-testid=latest-card][data-location=monterey-bay]').innerText(), /°F/);
    await page.click('[data-testid=unit-c]');
    await page.context().close();
  });

  it('opens a location from its marker and charts every seeded point', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.base}/`);
    await page.locator('[data-testid=map-marker][data-location=monterey-bay]').click();
    await page.waitForURL(/\/location\/\?id=monterey-bay/);
    assert.equal(await chartPoints(page, 'sst'), seeded.counts.montereySst);
    assert.equal(await chartPoints(page, 'chlorophyll_a'), seeded.counts.montereyChl);
    // Two sources of SST drawn as two series.
    assert.equal(await page.locator('[data-testid=chart-card][data-parameter=sst] [data-testid=chart]').getAttribute('data-series'), '2');
    const chl = await page.locator('[data-testid=chart-card][data-parameter=chlorophyll_a]').innerText();
    assert.match(chl, /suspect \(2\)/);
    assert.match(chl, /bad \(1\)/);
    assert.match(await page.locator('[data-testid=chart-card][data-parameter=sst] [data-testid=stats]').innerText(), /MIN[\s\S]*MEAN[\s\S]*MAX/i);
    await shot(page, 'location');
    await page.context().close();
  });

  it('switches the range (7 days: fewer points) and keeps it in the URL', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.base}/location/?id=monterey-bay`);
    const all = await chartPoints(page, 'sst');
    await page.click('[data-testid=range-switch] button[data-range="7"]');
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid=chart-card][data-parameter=sst] [data-testid=chart]')?.getAttribute('data-points')) < n,
      all,
    );
    const week = await chartPoints(page, 'sst');
    assert.ok(week >= 7 * 24 * 2 - 4 && week <= 7 * 24 * 2 + 2, `7-day points ${week}`);
    assert.match(page.url(), /range=7/);
    await page.reload();
    assert.equal(await chartPoints(page, 'sst'), week);
    assert.equal(await page.locator('[data-testid=range-switch] button[aria-pressed=true]').getAttribute('data-range'), '7');
    await page.context().close();
  });

  it('downloads exactly the rows shown as CSV', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.base}/location/?id=monterey-bay&range=14`);
    const shown = await chartPoints(page, 'sst');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=chart-card][data-parameter=sst] [data-testid=csv-download]'),
    ]);
    assert.match(download.suggestedFilename(), /^monterey-bay_sst_14d_degC\.csv$/);
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(lines[0], 'timestamp,value,quality_flag,source');
    assert.equal(lines.length - 1, shown);
    assert.match(lines[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z,\d+(\.\d+)?,(good|not_evaluated),(ndbc|erddap)$/);
    const sources = new Set(lines.slice(1).map((l) => l.split(',')[3]));
    assert.deepEqual([...sources].sort(), ['erddap', 'ndbc']);
    // Chlorophyll CSV keeps the flags (within 14 days: one suspect day, one bad day).
    const [chl] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=chart-card][data-parameter=chlorophyll_a] [data-testid=csv-download]'),
    ]);
    const chlText = readFileSync(await chl.path(), 'utf8');
    assert.equal((chlText.match(/,suspect,/g) || []).length, 1);
    assert.equal((chlText.match(/,bad,/g) || []).length, 1);
    await page.context().close();
  });

  it('compares two locations on one chart', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.base}/compare/?parameter=sst&locations=monterey-bay,dogger-bank`);
    const chart = page.locator('[data-testid=compare-card] [data-testid=chart][data-ready=true]');
    await chart.waitFor();
    assert.equal(await chart.getAttribute('data-series'), '2');
    // Monterey's main source plus Dogger Bank (with its outage).
    assert.equal(Number(await chart.getAttribute('data-points')), seeded.counts.montereySst / 2 + seeded.counts.doggerSst);
    // Adding a third location updates chart and URL.
    await page.locator('[data-testid=compare-locations] input[data-location=station-aloha]').check();
    await page.waitForFunction(() => document.querySelector('[data-testid=compare-card] [data-testid=chart]')?.getAttribute('data-series') === '3');
    assert.match(page.url(), /locations=monterey-bay,dogger-bank,station-aloha/);
    await shot(page, 'compare');
    await page.context().close();
  });

  it('shares one request per resource between views (the client cache)', async () => {
    const page = await newPage(browser);
    const asked = new Map();
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith('/api/')) asked.set(pathname, (asked.get(pathname) ?? 0) + 1);
    });
    await page.goto(`${server.base}/`);
    await page.locator('[data-testid=latest-card]').first().waitFor();
    // Compare, then a location from its legend, then back to the map: in-app navigation, so
    // locations, parameters and the latest values are asked for once.
    await page.click('nav a[href="/compare/"]');
    await page.locator('[data-testid=compare-card] [data-testid=chart][data-ready=true]').waitFor();
    await page.locator('[data-testid=compare-card] .chart-legend a').first().click();
    await chartPoints(page, 'sst');
    await page.click('nav a[href="/"]');
    await page.locator('[data-testid=latest-card]').first().waitFor();
    await page.locator('[data-testid=map-marker]').first().waitFor();
    for (const path of ['/api/locations/', '/api/parameters/', '/api/observations/latest/']) {
      assert.equal(asked.get(path), 1, `${path} asked ${asked.get(path)} times: ${JSON.stringify([...asked])}`);
    }
    await page.context().close();
  });

  it('shows the sources with their status', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.base}/sources/`);
    await page.locator('[data-testid=source-card]').first().waitFor();
    const ids = await page.locator('[data-testid=source-card]').evaluateAll((els) => els.map((e) => e.dataset.source).sort());
    // The configured sources (config/sources.json) and the sources that wrote the seeded rows.
    const configured = JSON.parse(readFileSync(join(repoRoot, 'config/sources.json'), 'utf8')).map((s) => s.id);
    assert.deepEqual(ids, [...new Set([...configured, 'copernicus', 'erddap', 'ndbc'])].sort());
    assert.match(await page.locator('[data-testid=source-card][data-source=ndbc]').innerText(), /Last success/);
    const noaa = await page.locator('[data-testid=source-card][data-source=noaa]').innerText();
    assert.match(noaa, /every 6 h/);
    assert.match(noaa, /MUR|JPL/);
    assert.equal(await page.locator('[data-testid=demo-banner]').count(), 0);
    await page.context().close();
  });

  it('renders schedule, attribution and licence fields and the demo banner when the API has them', async () => {
    // The fields the data-sources work is adding, answered here by the browser on the real
    // server's behalf; everything else still comes from oceandash.
    const page = await newPage(browser);
    const hour = 3_600_000;
    const iso = (ms) => new Date(ms).toISOString();
    const now = Date.now();
    await page.route('**/api/health/', async (route) => {
      const real = await (await route.fetch()).json();
      await route.fulfill({ json: { ...real, demo: true } });
    });
    await page.route('**/api/sources/', (route) =>
      route.fulfill({
        json: [
          {
            id: 'ndbc', name: 'NOAA NDBC buoys', rows: 1320, schedule: '10 * * * *',
            last_run: { started: iso(now - hour), finished: iso(now - hour + 4000), ok: true, rows: 24 },
            last_success: iso(now - hour + 4000), last_error: { time: iso(now - 30 * hour), message: 'HTTP 503 from upstream' },
            next_run: iso(now + 0.6 * hour), attribution: 'National Data Buoy Center, NOAA.', license: 'Public domain (US Government work)', demo: true,
          },
          {
            id: 'copernicus', name: 'Copernicus Marine Service', rows: 24, schedule: '0 6 * * *',
            last_run: { started: iso(now - 2 * hour), finished: iso(now - 2 * hour), ok: false, rows: 0 },
            last_success: iso(now - 26 * hour), last_error: { time: iso(now - 2 * hour), message: 'authentication failed (check COPERNICUS credentials)' },
            next_run: iso(now + 20 * hour), attribution: 'Generated using E.U. Copernicus Marine Service Information.', license: 'Copernicus Marine licence', doi: '10.48670/moi-00019',
          },
          { id: 'manual', rows: 3, last_run: null, last_success: null, last_error: null },
        ],
      }),
    );
    await page.goto(`${server.base}/sources/`);
    await page.locator('[data-testid=source-card]').first().waitFor();
    await page.locator('[data-testid=demo-banner]').waitFor();
    assert.match(await page.locator('[data-testid=demo-banner]').innerText(), /Demo data — synthesised samples, not measurements/);
    const ndbc = await page.locator('[data-testid=source-card][data-source=ndbc]').innerText();
    assert.match(ndbc, /NOAA NDBC buoys/);
    assert.match(ndbc, /Healthy/);
    assert.match(ndbc, /in \d+ min/);
    assert.match(ndbc, /National Data Buoy Center/);
    assert.match(ndbc, /every hour at :10/);
    const cop = await page.locator('[data-testid=source-card][data-source=copernicus]').innerText();
    assert.match(cop, /Failing/);
    assert.match(cop, /authentication failed/);
    assert.match(cop, /Copernicus Marine licence/);
    assert.match(cop, /10\.48670/);
    await shot(page, 'sources');
    // The banner shows everywhere.
    await page.goto(`${server.base}/`);
    await page.locator('[data-testid=demo-banner]').waitFor();
    await page.context().close();
  });

  it('renders a dark theme (system preference and toggle)', async () => {
    const page = await newPage(browser, { colorScheme: 'dark' });
    await page.goto(`${server.base}/location/?id=monterey-bay`);
    await chartPoints(page, 'sst');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(13, 20, 28)');
    await shot(page, 'dark');
    await page.goto(`${server.base}/`);
    await page.locator('[data-testid=latest-card]').first().waitFor();
    await shot(page, 'dark-map', false);
    // The toggle: auto -> light -> dark, remembered.
    await page.click('[data-testid=theme-toggle]');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    await page.reload();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    await page.context().close();
  });

  it('works on a phone-sized viewport without horizontal overflow', async () => {
    const page = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    for (const path of ['/', '/location/?id=monterey-bay', '/compare/?parameter=sst&locations=monterey-bay,station-aloha', '/sources/']) {
      await page.goto(`${server.base}${path}`);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - 390);
      assert.ok(overflow <= 0, `${path} overflows by ${overflow}px`);
      if (path === '/') await shot(page, 'phone', false);
      if (path.startsWith('/location')) await shot(page, 'phone-location', false);
    }
    // One column of cards.
    await page.goto(`${server.base}/`);
    await page.locator('[data-testid=latest-card]').nth(1).waitFor();
    const [a, b] = await page.locator('[data-testid=latest-card]').evaluateAll((els) => els.slice(0, 2).map((e) => e.getBoundingClientRect().left));
    assert.equal(a, b);
    await page.context().close();
  });

  it('shows a clear error and retries when the API is unreachable', async () => {
    const page = await newPage(browser);
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.goto(`${server.base}/`);
    const error = page.locator('[data-testid=error-state]').first();
    await error.waitFor();
    assert.match(await error.innerText(), /not reachable/);
    assert.match(await error.innerText(), /Trying again in \d+ s/);
    await shot(page, 'error', false);
    // The API comes back: "Retry now" recovers without a reload.
    await page.unroute('**/api/**');
    await page.click('[data-testid=retry-now]');
    await page.locator('[data-testid=latest-card]').first().waitFor();
    assert.equal(await page.locator('[data-testid=map-marker]').count(), 12);
    await page.context().close();
  });

  it('says so when the server itself stops', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.base}/location/?id=monterey-bay`);
    await chartPoints(page, 'sst');
    await server.stop();
    await page.click('[data-testid=range-switch] button[data-range="14"]');
    await page.locator('[data-testid=error-state]').first().waitFor({ timeout: 20_000 });
    assert.match(await page.locator('[data-testid=error-state]').first().innerText(), /not reachable|trouble/);
    await page.context().close();
  });
});
