// Shared by the end-to-end tests and the first-load benchmark: starts the REAL oceandash
// (SQLite in a temp dir, the built dashboard as --static), seeds it through the ingest API and
// launches Debian's Chromium through playwright-core.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = resolve(WEB_DIR, '..');
export const API_KEY = 'e2e-test-key-0123456789abcdef';
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Runs the oceandash binary with `args` (cwd: the checkout) and resolves once its JSON start
 * line names the port. `dir` is a temporary folder of the caller's, removed by stop(). Shared
 * with the OpenAPI contract tests (tests/openapi/harness.mjs), so both start the server alike.
 */
export async function launchOceandash({ binary, args, env, dir, startTimeoutMs = 20_000, stopTimeoutMs = 5_000 }) {
  const child = spawn(binary, args, { cwd: REPO_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const stderrWaiters = new Set();
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const waiter of stderrWaiters) waiter();
  });
  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`oceandash did not start in ${startTimeoutMs / 1000} s: ${stderr}`)),
      startTimeoutMs,
    );
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        const start = JSON.parse(line);
        if (start.event !== 'start' || !start.port) throw new Error(`unexpected first line: ${line}`);
        resolvePort(start.port);
      } catch (e) {
        reject(e);
      }
      // Keep draining the access log so the pipe never fills.
      lines.on('line', () => {});
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`oceandash exited with ${code}: ${stderr}`));
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  }).catch((e) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    child,
    /** The temporary directory holding the database; removed by stop(). */
    dir,
    stderr: () => stderr,
    /** Resolves with the stderr text once `pattern` matches it; rejects after `timeoutMs`. */
    waitForStderr(pattern, timeoutMs = 30_000) {
      return new Promise((resolveMatch, reject) => {
        const check = () => {
          if (!pattern.test(stderr)) return false;
          clearTimeout(timer);
          stderrWaiters.delete(check);
          resolveMatch(stderr);
          return true;
        };
        const timer = setTimeout(() => {
          stderrWaiters.delete(check);
          reject(new Error(`oceandash did not log ${pattern} in ${timeoutMs / 1000} s; stderr:\n${stderr}`));
        }, timeoutMs);
        if (!check()) stderrWaiters.add(check);
      });
    },
    async stop() {
      if (child.exitCode == null && child.signalCode == null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, stopTimeoutMs))]);
        if (child.exitCode == null && child.signalCode == null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `oceandash serve` on a free port; resolves once its start line names the port.
 * `scheduler: true` runs the in-server scheduler (on an empty database every source is fetched
 * at start); `sources` (an array) is written as the --sources file; `args` are added to the
 * command line, `env` to the environment.
 */
export async function startServer({
  binary = process.env.OCEANDASH_BIN || join(REPO_DIR, 'build/oceandash'),
  staticDir = join(WEB_DIR, 'out'),
  scheduler = false,
  logLevel = 'warn',
  sources,
  args = [],
  env = {},
} = {}) {
  if (!existsSync(binary)) throw new Error(`${binary} not found: build it with scripts/build.sh --target oceandash`);
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`${staticDir}/index.html not found: run scripts/web.sh build`);
  const dir = mkdtempSync(join(tmpdir(), 'oceandash-web-e2e-'));
  const sourcesArgs = [];
  if (sources) {
    writeFileSync(join(dir, 'sources.json'), JSON.stringify(sources, null, 2));
    sourcesArgs.push('--sources', join(dir, 'sources.json'));
  }
  return launchOceandash({
    binary,
    args: [
      'serve', '--static', staticDir, '--port', '0', '--host', '127.0.0.1', '--database', `sqlite:${join(dir, 'e2e.db')}`,
      ...(scheduler ? [] : ['--no-scheduler']), '--log-level', logLevel, ...sourcesArgs, ...args,
    ],
    env: { ...process.env, OCEAN_API_KEY: API_KEY, ...env },
    dir,
  });
}

/**
 * The seeded data, relative to `now`:
 *  - sst hourly for the last 29 days at monterey-bay (sources ndbc and erddap, erddap 30 min
 *    later), dogger-bank (ndbc, with a 3-day outage) and station-aloha (erddap);
 *  - chlorophyll_a daily at monterey-bay (copernicus) with 2 suspect points, 1 bad and a gap;
 *  - stale sst at benguela-luderitz (4 to 3 days old).
 */
export function seedRows(now = Date.now()) {
  const top = Math.floor(now / HOUR) * HOUR;
  const rows = [];
  const add = (location_id, parameter, t, value, source, quality_flag = 'good') =>
    rows.push({ location_id, parameter, timestamp: new Date(t).toISOString(), value: Math.round(value * 1000) / 1000, quality_flag, source });
  const counts = { montereySst: 0, montereyChl: 0, doggerSst: 0, alohaSst: 0, benguelaSst: 0 };
  for (let k = 1; k <= 29 * 24; k++) {
    const t = top - k * HOUR;
    const diurnal = Math.sin((2 * Math.PI * (t % DAY)) / DAY);
    const trend = (k / (29 * 24)) * 1.5;
    add('monterey-bay', 'sst', t, 13.2 + 0.6 * diurnal - trend, 'ndbc');
    add('monterey-bay', 'sst', t + HOUR / 2, 13.5 + 0.5 * diurnal - trend, 'erddap', k % 97 === 0 ? 'not_evaluated' : 'good');
    counts.montereySst += 2;
    if (!(k > 10 * 24 && k <= 13 * 24)) {
      add('dogger-bank', 'sst', t, 10.1 + 0.3 * diurnal + trend, 'ndbc');
      counts.doggerSst++;
    }
    add('station-aloha', 'sst', t, 25.4 + 0.4 * diurnal, 'erddap');
    counts.alohaSst++;
  }
  for (let d = 1; d <= 29; d++) {
    if (d >= 15 && d <= 19) continue; // a five-day gap (cloud cover)
    const flag = d === 5 || d === 22 ? 'suspect' : d === 9 ? 'bad' : 'good';
    const value = flag === 'bad' ? 42.0 : 1.2 + 0.8 * Math.sin(d / 4);
    add('monterey-bay', 'chlorophyll_a', top - d * DAY, value, 'copernicus', flag);
    counts.montereyChl++;
  }
  for (let h = 72; h <= 96; h += 6) {
    add('benguela-luderitz', 'sst', top - h * HOUR, 15.3, 'erddap');
    counts.benguelaSst++;
  }
  return { rows, counts };
}

export async function seed(base, now = Date.now()) {
  const { rows, counts } = seedRows(now);
  const response = await fetch(`${base}/api/observations/ingest/`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(rows),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`ingest failed ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return { ...body, counts };
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A page in a context of its own (1280×900, light, downloads accepted; `options` override them);
 * `page.errors` collects the page's uncaught errors.
 */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    acceptDownloads: true,
    ...options,
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  return page;
}

/** The JSON body of a GET of `url`, which must answer 200. */
export async function getJson(url) {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}, expected 200`);
  return response.json();
}
