// End-to-end: a new user's first start without internet. The REAL build/oceandash starts on an
// EMPTY SQLite database with the scheduler on, so it fetches every source at once; the sources
// (a small --sources file) point at loopback ports, so nothing leaves the machine:
//  - offline: every source at a port nothing listens on: each run fails (connection refused,
//    retried by the HTTP client with backoff, a few seconds); the dashboard must say so and
//    show the demo command, until an observation is stored;
//  - pending: the source's server accepts and never answers, so the first run is still going:
//    no notice;
//  - one source succeeded: an NDBC server on loopback answers a valid file without rows in the
//    window while the other source fails: no notice;
//  - demo: the command the notice gives, run as it is (plus a port and a temp database): no
//    notice, the demo banner instead.
// Run: scripts/web.sh test (or: cd web && node --test e2e/).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { API_KEY, getJson, launchBrowser, newPage, startServer, WEB_DIR } from './harness.mjs';

const DEMO_COMMAND = 'build/oceandash serve --demo --static web/out';
const NOTICE = '[data-testid=offline-notice]';
// Screenshots of the notice are for looking at, not for the docs: always in the artifacts.
const SHOTS = resolve(WEB_DIR, 'e2e/artifacts');
mkdirSync(SHOTS, { recursive: true });

// A failing run logs "fetch: <id>: FAILED: ..." after recording it, a good one "fetch: <id>: N
// rows ...". With connection refused each request is tried 4 times with up to 1 + 2 + 4 s of
// backoff, and the sources run one after the other.
const RUN_TIMEOUT_MS = 45_000;

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

function erddapSource(id, url) {
  return {
    id,
    kind: 'erddap_griddap',
    name: `Sea surface temperature (${id})`,
    parameter: 'sst',
    servers: [{ url, dataset: 'jplMURSST41', variable: 'analysed_sst', units: 'degree_C' }],
    schedule: '0 */6 * * *',
    lookback_days: 2,
    attribution: 'test source on loopback',
    license: 'test',
    doi: '',
  };
}

function ndbcSource(id, url) {
  return {
    id,
    kind: 'ndbc_realtime',
    name: `Buoys (${id})`,
    servers: [{ url }],
    variables: [
      { column: 'WTMP', parameter: 'sst' },
      { column: 'WVHT', parameter: 'wave_height' },
    ],
    schedule: '0 */6 * * *',
    lookback_days: 2,
    attribution: 'test source on loopback',
    license: 'test',
    doi: '',
  };
}

/** The server on an empty database with these sources (a --sources file), fetched at start. */
function startServerWithFile(sources) {
  return startServer({ scheduler: true, logLevel: 'info', sources });
}

/** Waits for the log line of each source's finished run. */
async function waitForRuns(server, ids) {
  for (const id of ids) {
    await server.waitForStderr(new RegExp(`fetch: ${id}: (FAILED|\\d+ rows)`), RUN_TIMEOUT_MS);
  }
}

/** One SST reading at Monterey Bay an hour ago, as a manual ingest. */
function observationNow() {
  return {
    location_id: 'monterey-bay',
    parameter: 'sst',
    timestamp: new Date(Date.now() - 3_600_000).toISOString(),
    value: 14.2,
    quality_flag: 'good',
    source: 'manual',
  };
}



/** Each source as [id, rows stored, whether its last run succeeded]. */
function runs(sources) {
  return sources.map((s) => [s.id, s.rows, s.last_run?.ok]);
}

/** Opens `path` and waits until the page has decided what the data amounts to. */
async function openSettled(page, base, path) {
  await page.goto(`${base}${path}`);
  await page.locator('[data-data-state]:not([data-data-state=unknown])').waitFor({ timeout: 20_000 });
  return page.locator('[data-data-state]').getAttribute('data-data-state');
}

describe('first start offline: every source failed, nothing stored', () => {
  let server;

  before(async () => {
    const port = await closedPort();
    server = await startServerWithFile([
      erddapSource('offline-sst', `http://127.0.0.1:${port}/erddap`),
      erddapSource('offline-sst-2', `http://127.0.0.1:${port}/erddap`),
    ]);
    await waitForRuns(server, ['offline-sst', 'offline-sst-2']);
  });

  after(async () => {
    await server?.stop();
  });

  it('records the failed runs in /api/sources/', async () => {
    const sources = await getJson(`${server.base}/api/sources/`);
    assert.deepEqual(runs(sources), [['offline-sst', 0, false], ['offline-sst-2', 0, false]]);
    assert.match(sources[0].last_error.message, /127\.0\.0\.1|connect/i);
    assert.deepEqual(await getJson(`${server.base}/api/observations/latest/`), []);
  });

  it('says so on the main page with the demo command, ready to copy', async () => {
    const page = await newPage(browser);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
    assert.equal(await openSettled(page, server.base, '/'), 'all-failed');
    const notice = page.locator(NOTICE);
    await notice.waitFor();
    assert.ok(await notice.isVisible());
    assert.match(
      await notice.innerText(),
      /^No data yet: every source failed to fetch \(this machine may be offline\)\. To see the dashboard with demo data, run:/,
    );
    const code = notice.locator('code');
    assert.ok(await code.isVisible());
    assert.equal(await code.innerText(), DEMO_COMMAND);
    // "every source failed" leads to the Sources page, where each error is.
    assert.equal(await notice.locator('a').getAttribute('href'), '/sources/');
    // Copy puts exactly the command on the clipboard.
    await notice.locator('[data-testid=copy-demo-command]').click();
    await page.locator('[data-testid=copy-demo-command]', { hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), DEMO_COMMAND);
    // The map and the cards are still there, empty.
    assert.equal(await page.locator('[data-testid=map-marker]').count(), 12);
    assert.equal(await page.locator('[data-testid=map-marker][data-has-value=true]').count(), 0);
    await page.screenshot({ path: join(SHOTS, 'offline-notice.png') });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it('selects the command for Ctrl+C where the clipboard refuses', async () => {
    const page = await newPage(browser);
    await page.addInitScript(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
    });
    await openSettled(page, server.base, '/');
    await page.locator('[data-testid=copy-demo-command]').click();
    await page.locator('[data-testid=copy-demo-command]', { hasText: 'Selected: press Ctrl+C' }).waitFor();
    assert.equal(await page.evaluate(() => window.getSelection().toString()), DEMO_COMMAND);
    await page.context().close();
  });

  it('says so on the Sources page, beside each failing source', async () => {
    const page = await newPage(browser);
    assert.equal(await openSettled(page, server.base, '/sources/'), 'all-failed');
    const notice = page.locator(NOTICE);
    await notice.waitFor();
    assert.equal(await notice.locator('code').innerText(), DEMO_COMMAND);
    assert.equal(await notice.locator('a').count(), 0);
    for (const id of ['offline-sst', 'offline-sst-2']) {
      assert.match(await page.locator(`[data-testid=source-card][data-source=${id}]`).innerText(), /Failing/);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it('fits a phone and the dark theme', async () => {
    const page = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' });
    for (const path of ['/', '/sources/']) {
      await openSettled(page, server.base, path);
      await page.locator(NOTICE).waitFor();
      const overflow = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - 390);
      assert.ok(overflow <= 0, `${path} overflows by ${overflow}px`);
      const box = await page.locator(`${NOTICE} code`).boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 390, `${path}: the command is cut off (${JSON.stringify(box)})`);
    }
    // The dark palette's accent-soft background and light text.
    const colours = await page.locator(NOTICE).evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
    assert.deepEqual(colours, ['rgb(22, 49, 77)', 'rgb(228, 235, 242)']);
    await page.screenshot({ path: join(SHOTS, 'offline-notice-phone-dark.png') });
    await page.context().close();
  });

  // Last: it stores an observation.
  it('goes away once the database holds an observation, though every run still failed', async () => {
    const response = await fetch(`${server.base}/api/observations/ingest/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify([observationNow()]),
    });
    assert.equal(response.status, 200, await response.text());
    const page = await newPage(browser);
    assert.equal(await openSettled(page, server.base, '/'), 'data');
    await page.locator('[data-testid=map-marker][data-has-value=true]').waitFor();
    assert.equal(await page.locator(NOTICE).count(), 0);
    assert.equal(await openSettled(page, server.base, '/sources/'), 'data');
    assert.match(await page.locator('[data-testid=source-card][data-source=offline-sst]').innerText(), /Failing/);
    assert.equal(await page.locator(NOTICE).count(), 0);
    await page.context().close();
  });
});

describe('first start while the first fetch is still running', () => {
  let server;
  let stalled;
  const sockets = new Set();

  before(async () => {
    // Accepts connections and never answers: the run waits for the client's timeout.
    stalled = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise((r) => stalled.listen(0, '127.0.0.1', r));
    server = await startServerWithFile([erddapSource('stalled-sst', `http://127.0.0.1:${stalled.address().port}/erddap`)]);
    // The run has started: its first request reached the stalled server.
    const deadline = Date.now() + 20_000;
    while (sockets.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(sockets.size > 0, 'the first fetch never connected');
  });

  after(async () => {
    await server?.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => stalled.close(r));
  });

  it('shows no notice while no run has finished', async () => {
    const sources = await getJson(`${server.base}/api/sources/`);
    assert.equal(sources.length, 1);
    assert.equal(sources[0].last_run, null);
    const page = await newPage(browser);
    assert.equal(await openSettled(page, server.base, '/'), 'waiting');
    assert.equal(await page.locator(NOTICE).count(), 0);
    assert.equal(await openSettled(page, server.base, '/sources/'), 'waiting');
    assert.equal(await page.locator(NOTICE).count(), 0);
    await page.context().close();
  });

  it('shows rows stored meanwhile without a reload', async () => {
    const page = await newPage(browser);
    assert.equal(await openSettled(page, server.base, '/'), 'waiting');
    assert.equal(await page.locator('[data-testid=map-marker][data-has-value=true]').count(), 0);
    const response = await fetch(`${server.base}/api/observations/ingest/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify([observationNow()]),
    });
    assert.equal(response.status, 200, await response.text());
    // The page asks /api/sources/ every 10 s while waiting, then fetches the latest values.
    await page.locator('[data-data-state=data]').waitFor({ timeout: 25_000 });
    await page.locator('[data-testid=map-marker][data-location=monterey-bay][data-has-value=true]').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator(NOTICE).count(), 0);
    await page.context().close();
  });
});

describe('first start where one source succeeded without rows', () => {
  let server;
  let ndbc;

  before(async () => {
    // A realtime2 file in the wire format whose only row is years older than the window.
    const file =
      '#YY  MM DD hh mm WDIR WSPD GST  WVHT   DPD   APD MWD   PRES  ATMP  WTMP  DEWP  VIS PTDY  TIDE\n' +
      '#yr  mo dy hr mn degT m/s  m/s     m   sec   sec degT   hPa  degC  degC  degC  nmi  hPa    ft\n' +
      '2020 01 01 00 50 310  7.0  9.0   2.1    11   7.9 295 1019.2  12.9  14.2  10.1   MM +0.4    MM\n';
    ndbc = createHttpServer((request, response) => {
      const ok = /^\/data\/realtime2\/[0-9A-Z]+\.txt$/.test(request.url);
      response.writeHead(ok ? 200 : 404, { 'Content-Type': 'text/plain' });
      response.end(ok ? file : 'not found');
    });
    await new Promise((r) => ndbc.listen(0, '127.0.0.1', r));
    const port = await closedPort();
    server = await startServerWithFile([
      erddapSource('offline-sst', `http://127.0.0.1:${port}/erddap`),
      ndbcSource('quiet-buoys', `http://127.0.0.1:${ndbc.address().port}`),
    ]);
    await waitForRuns(server, ['offline-sst', 'quiet-buoys']);
  });

  after(async () => {
    await server?.stop();
    await new Promise((r) => ndbc.close(r));
  });

  it('shows no notice', async () => {
    const sources = await getJson(`${server.base}/api/sources/`);
    assert.deepEqual(runs(sources), [['offline-sst', 0, false], ['quiet-buoys', 0, true]]);
    assert.deepEqual(await getJson(`${server.base}/api/observations/latest/`), []);
    const page = await newPage(browser);
    assert.equal(await openSettled(page, server.base, '/'), 'empty');
    assert.equal(await page.locator(NOTICE).count(), 0);
    assert.equal(await openSettled(page, server.base, '/sources/'), 'empty');
    assert.equal(await page.locator(NOTICE).count(), 0);
    await page.context().close();
  });
});

describe('the offline demo the notice recommends', () => {
  let server;

  before(async () => {
    // The notice's command with its flags as they are, on a free port and a temp database.
    const args = DEMO_COMMAND.split(' ').slice(1);
    assert.deepEqual(args, ['serve', '--demo', '--static', 'web/out']);
    server = await startServer({ args: ['--demo'] });
  });

  after(async () => {
    await server?.stop();
  });

  it('shows the demo banner and no notice', async () => {
    const page = await newPage(browser);
    assert.equal(await openSettled(page, server.base, '/'), 'demo');
    await page.locator('[data-testid=demo-banner]').waitFor();
    await page.locator('[data-testid=map-marker][data-has-value=true]').first().waitFor();
    assert.equal(await page.locator(NOTICE).count(), 0);
    assert.equal(await openSettled(page, server.base, '/sources/'), 'demo');
    assert.equal(await page.locator(NOTICE).count(), 0);
    await page.context().close();
  });
});
