// Live answers against the document: the real oceandash answers every documented operation
// with every documented status (and media type and error code), each answer is checked against
// its documented schema and headers, and the last test fails when a documented answer was never
// produced. An undocumented route, status, media type, header or field fails where it is seen.
//
// Four servers, each for answers the others cannot give:
//  - main:   SQLite, API key, seeded through the ingest API, plus one failed fetch run;
//  - demo:   `serve --demo` without an API key (runs, cells, demo fields; writes disabled),
//            reading a backup status file;
//  - broken: SQLite whose tables are dropped under it (500 internal_error), with a backup
//            status file that does not exist yet;
//  - pg:     PostgreSQL behind a loopback proxy that is then cut (503 service_unavailable).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, HTTP_METHODS, key, readDocument, validateDocument } from './contract.mjs';
import { API_KEY, BINARY, REPO_DIR, cleanEnv, request, sqlite, startProxy, startServer } from './harness.mjs';

const run = promisify(execFile);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_BODY_BYTES = 65_536;
const NOW = Math.floor(Date.now() / HOUR) * HOUR;
// A fixed window, so a cached answer and its ETag do not move with the clock between requests.
const WINDOW = `start=${iso(NOW - 7 * DAY)}&end=${iso(NOW + HOUR)}`;
const BEARER = { Authorization: `Bearer ${API_KEY}` };
const AUTH = { ...BEARER, 'Content-Type': 'application/json' };
const ADMIN_CLEANUP = '/api/admin/cleanup/';

// Documented answers this harness cannot produce, each with the reason. Keys as in
// Contract.expectedKeys(). Keep this short: anything listed here can drift unseen.
const UNPRODUCIBLE = new Map([]);

const doc = readDocument();
let contract;
const servers = {};
let pgDatabase;
const cleanups = [];

function iso(ms) {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function seedRows() {
  const rows = [];
  const add = (location_id, parameter, t, value, source, quality_flag = 'good') =>
    rows.push({ location_id, parameter, timestamp: iso(t), value, quality_flag, source });
  for (let h = 1; h <= 72; h++) {
    const t = NOW - h * HOUR;
    add('monterey-bay', 'sst', t, 13 + (h % 7) / 10, 'ndbc');
    add('monterey-bay', 'sst', t + HOUR / 2, 13.4 + (h % 5) / 10, 'erddap', h % 11 ? 'good' : 'not_evaluated');
    add('dogger-bank', 'sst', t, 10.1 + (h % 3) / 10, 'ndbc');
  }
  for (let d = 1; d <= 3; d++) {
    add('monterey-bay', 'chlorophyll_a', NOW - d * DAY, 1.5 + d / 10, 'copernicus', d === 2 ? 'suspect' : 'good');
  }
  add('monterey-bay', 'chlorophyll_a', NOW - 4 * DAY, 420, 'copernicus', 'bad');
  return rows;
}

/** Sends a request to a server and checks the answer against the document; returns both. */
async function call(server, method, target, { headers = {}, body, what } = {}) {
  const res = await request(server.port, { method, target, headers, body });
  const parsed = contract.check(method, target.split('?')[0], res, what || `${method} ${target}`);
  return { res, body: parsed };
}

async function expectError(server, method, target, status, code, options = {}) {
  const { res, body } = await call(server, method, target, options);
  assert.equal(res.status, status, `${method} ${target}: ${res.body.slice(0, 300)}`);
  assert.equal(body.error.code, code);
  return body;
}

async function closedPort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

async function psql(url, sql) {
  await run('psql', ['-v', 'ON_ERROR_STOP=1', '-qAt', url, '-c', sql]);
}

before(async () => {
  // An invalid document fails here, and with it every live test.
  contract = new Contract(doc, await validateDocument(doc));

  const pgUrl = process.env.OCEAN_TEST_PG_URL;
  assert.ok(pgUrl, 'OCEAN_TEST_PG_URL is not set: run tests/openapi/run.sh, which starts PostgreSQL');
  const pg = new URL(pgUrl);
  pgDatabase = { admin: pgUrl, name: `oceandash_openapi_${process.pid}` };
  await psql(pgUrl, `CREATE DATABASE ${pgDatabase.name}`);
  servers.proxy = await startProxy(pg.hostname, Number(pg.port));
  const pgServerUrl = new URL(pgUrl);
  pgServerUrl.port = String(servers.proxy.port);
  pgServerUrl.pathname = `/${pgDatabase.name}`;

  // The backup job's status file as infra/docker/backup/backup.sh writes it; the broken server
  // is pointed at one that does not exist yet (no backup has run).
  const backupDir = mkdtempSync(join(tmpdir(), 'oceandash-openapi-backup-'));
  cleanups.push(() => rmSync(backupDir, { recursive: true, force: true }));
  const backupStatus = join(backupDir, 'status.json');
  writeFileSync(
    backupStatus,
    JSON.stringify({
      last_attempt: iso(Date.now() - HOUR),
      last_success: iso(Date.now() - HOUR),
      last_error: null,
      last_file: 'oceandash-20261207T0317Z.dump',
      last_size_bytes: 123456,
      kept: 3,
      interval_seconds: 86400,
    }),
  );
  const starting = {
    main: startServer({ args: ['--max-body-bytes', String(MAX_BODY_BYTES)] }),
    demo: startServer({ apiKey: null, args: ['--demo', '--backup-status-file', backupStatus] }),
    broken: startServer({ args: ['--backup-status-file', join(backupDir, 'none.json')] }),
    pg: startServer({ database: pgServerUrl.href }),
  };
  // Keep every server that started, so `after` stops them even when another failed.
  const results = await Promise.allSettled(Object.values(starting));
  Object.keys(starting).forEach((name, i) => {
    if (results[i].status === 'fulfilled') servers[name] = results[i].value;
  });
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;

  // The seed is itself a documented answer.
  const seeded = await call(servers.main, 'POST', '/api/observations/ingest/', {
    headers: AUTH,
    body: JSON.stringify(seedRows()),
  });
  assert.equal(seeded.res.status, 200, seeded.res.body);

  // One failed fetch run, so /api/sources/ shows last_run.error and last_error: the NOAA source
  // pointed at a closed loopback port (nothing leaves the machine).
  const dead = await closedPort();
  const fetch = await run(BINARY, ['fetch', 'noaa', '--days', '1', '--database', `sqlite:${servers.main.dbPath}`], {
    cwd: REPO_DIR,
    env: { ...cleanEnv(), OCEAN_SOURCE_NOAA_URL: `http://127.0.0.1:${dead}/erddap`, OCEAN_LOG_LEVEL: 'off' },
  }).then(
    () => assert.fail('fetch from a closed port succeeded'),
    (e) => e,
  );
  assert.equal(fetch.code, 1, `fetch should fail with status 1: ${fetch.stderr}`);

  // The broken server's tables disappear under it; its connections stay open.
  sqlite(
    servers.broken.dbPath,
    'DROP TABLE source_cells; DROP TABLE source_runs; DROP TABLE observations; ' +
      'DROP TABLE observation_series; DROP TABLE climatologies; DROP TABLE daily_records; ' +
      'DROP TABLE locations;',
  );
});

after(async () => {
  await Promise.all(Object.values(servers).map((s) => (s.stop ? s.stop() : s.cut())));
  for (const cleanup of cleanups) cleanup();
  if (pgDatabase) await psql(pgDatabase.admin, `DROP DATABASE IF EXISTS ${pgDatabase.name} WITH (FORCE)`);
});

// Every GET route, with a query that gives a non-trivial answer.
const GETS = [
  '/api/health/',
  '/api/locations/',
  '/api/locations/monterey-bay/',
  '/api/parameters/',
  `/api/observations/?location=monterey-bay&parameter=sst&${WINDOW}`,
  '/api/observations/latest/',
  `/api/observations/series/?location=monterey-bay&parameter=sst&max_points=20&${WINDOW}`,
  `/api/observations/series/?location=monterey-bay&parameter=sst&max_points=20&anomaly=true&${WINDOW}`,
  '/api/heatwaves/?location=monterey-bay',
  '/api/sources/',
  '/api/openapi.json',
];

test('GET routes: 200, then 304 for the ETag they sent', async () => {
  for (const target of GETS) {
    const { res } = await call(servers.main, 'GET', target);
    assert.equal(res.status, 200, `${target}: ${res.body.slice(0, 300)}`);
    if (res.headers.etag) {
      const again = await call(servers.main, 'GET', target, { headers: { 'If-None-Match': res.headers.etag } });
      assert.equal(again.res.status, 304, `${target} with If-None-Match`);
    }
  }
});

test('every operation: 400 for a bad target, 501 for a transfer coding other than chunked', async () => {
  for (const [template, item] of Object.entries(doc.paths)) {
    const path = template.replace('{id}', 'monterey-bay');
    for (const method of HTTP_METHODS.filter((m) => item[m]).map((m) => m.toUpperCase())) {
      await expectError(servers.main, method, `${path}?q=%zz`, 400, 'bad_request');
      await expectError(servers.main, method, path, 501, 'not_implemented', {
        headers: { ...AUTH, 'Transfer-Encoding': 'gzip, chunked' },
        body: method === 'GET' ? undefined : '[]',
      });
    }
  }
});

test('the server serves the repository document', async () => {
  const { body } = await call(servers.main, 'GET', '/api/openapi.json');
  assert.deepEqual(body, doc, `${BINARY} serves another document: rebuild it (scripts/build.sh --target oceandash)`);
});

test('health, and the demo fields', async () => {
  const { body } = await call(servers.main, 'GET', '/api/health/');
  assert.equal(body.status, 'ok');
  const demo = await call(servers.demo, 'GET', '/api/health/');
  assert.equal(demo.body.demo, true);
  assert.ok(demo.body.demo_info.note);
});

test('locations: detail with cells, 404 for an unknown id, 400 for a query', async () => {
  const { body } = await call(servers.main, 'GET', '/api/locations/monterey-bay/');
  assert.ok(body.latest.length >= 2);
  const demo = await call(servers.demo, 'GET', '/api/locations/monterey-bay/');
  assert.ok(demo.body.cells.length > 0, 'the demo fetch records the cells it used');
  await expectError(servers.main, 'GET', '/api/locations/nowhere/', 404, 'not_found');
  const invalid = await expectError(servers.main, 'GET', '/api/locations/monterey-bay/?x=1', 400, 'validation_error');
  assert.ok(invalid.error.message);
});

test('observations: JSON pages, CSV by format and by Accept, with Link to the next page', async () => {
  const base = `/api/observations/?location=monterey-bay&parameter=sst&limit=50&${WINDOW}`;
  const first = await call(servers.main, 'GET', base);
  assert.equal(first.body.count, 144);
  assert.equal(first.body.results.length, 50);
  assert.ok(first.body.next);
  const next = new URL(first.body.next);
  const second = await call(servers.main, 'GET', next.pathname + next.search);
  assert.equal(second.body.results.length, 50);
  const last = await call(servers.main, 'GET', `${base.replace('limit=50', 'limit=1000')}&format=json`);
  assert.equal(last.body.next, null);

  const csv = await call(servers.main, 'GET', `${base}&format=csv`);
  assert.match(csv.res.headers['content-type'], /^text\/csv/);
  assert.match(csv.res.headers.link, /rel="next"/);
  assert.equal(csv.body.trimEnd().split('\r\n').length, 51);
  const accepted = await call(servers.main, 'GET', base.replace('limit=50', 'limit=1000'), {
    headers: { Accept: 'text/csv' },
  });
  assert.match(accepted.res.headers['content-type'], /^text\/csv/);
  assert.equal(accepted.res.headers.link, undefined);
  // A CSV answer without a Link header is cached: 304 for its ETag.
  const revalidated = await call(servers.main, 'GET', base.replace('limit=50', 'limit=1000'), {
    headers: { Accept: 'text/csv', 'If-None-Match': accepted.res.headers.etag },
  });
  assert.equal(revalidated.res.status, 304);

  const invalid = await expectError(servers.main, 'GET', '/api/observations/?limit=0&colour=red', 400, 'validation_error');
  assert.deepEqual(invalid.error.details.map((d) => d.field).sort(), ['colour', 'limit']);
});

test('latest and series: answers and validation errors', async () => {
  const latest = await call(servers.main, 'GET', '/api/observations/latest/?location=monterey-bay,dogger-bank');
  assert.equal(latest.body.length, 3);
  await expectError(servers.main, 'GET', '/api/observations/latest/?location=nowhere', 400, 'validation_error');
  const series = await call(servers.main, 'GET', `/api/observations/series/?location=monterey-bay&parameter=chlorophyll_a&${WINDOW}`);
  assert.deepEqual(series.body.q, [4, 1, 3, 1]);
  const invalid = await expectError(servers.main, 'GET', '/api/observations/series/?location=monterey-bay', 400, 'validation_error');
  assert.deepEqual(invalid.error.details.map((d) => d.field), ['parameter']);
  // No climatology stored here: null, and no per-point arrays.
  const anomaly = await call(servers.main, 'GET', `/api/observations/series/?location=monterey-bay&parameter=sst&anomaly=true&${WINDOW}`);
  assert.equal(anomaly.body.climatology, null);
  assert.equal(anomaly.body.anomaly, undefined);
  assert.equal(latest.body[0].anomaly, null);
});

test('heatwaves: no climatology, 404 for an unknown location, 400 for another parameter', async () => {
  const { body } = await call(servers.main, 'GET', '/api/heatwaves/?location=monterey-bay');
  assert.deepEqual(body, { location: 'monterey-bay', parameter: 'sst', climatology: null, events: [] });
  await expectError(servers.main, 'GET', '/api/heatwaves/?location=nowhere', 404, 'not_found');
  const invalid = await expectError(servers.main, 'GET', '/api/heatwaves/?location=monterey-bay&parameter=salinity', 400, 'validation_error');
  assert.deepEqual(invalid.error.details.map((d) => d.field), ['parameter']);
});

test('sources: configured ones, ingested-only ones, a failed run and the demo runs', async () => {
  const { body } = await call(servers.main, 'GET', '/api/sources/');
  const noaa = body.find((s) => s.id === 'noaa');
  assert.equal(noaa.last_run.ok, false);
  assert.ok(noaa.last_error.message);
  assert.ok(body.some((s) => s.configured === false));
  const demo = await call(servers.demo, 'GET', '/api/sources/');
  assert.ok(demo.body.every((s) => s.demo === true && s.last_run && s.last_run.ok));
});

test('ingest: every error it documents', async () => {
  const target = '/api/observations/ingest/';
  const row = { location_id: 'monterey-bay', parameter: 'sst', timestamp: iso(NOW), value: 14.2, quality_flag: 'good', source: 'manual' };
  const stored = await call(servers.main, 'POST', target, { headers: AUTH, body: JSON.stringify([row]) });
  assert.deepEqual(stored.body, { received: 1, inserted: 1, updated: 0 });
  const again = await call(servers.main, 'POST', target, { headers: AUTH, body: JSON.stringify([{ ...row, value: 14.3 }]) });
  assert.deepEqual(again.body, { received: 1, inserted: 0, updated: 1 });

  const invalid = await expectError(servers.main, 'POST', target, 400, 'validation_error', {
    headers: AUTH,
    body: JSON.stringify([row, { ...row, location_id: 'nowhere', value: 'warm' }]),
  });
  assert.ok(invalid.error.details.every((d) => d.index === 1));
  await expectError(servers.main, 'POST', target, 400, 'bad_request', { headers: AUTH, body: '{"not": "an array"}' });
  await expectError(servers.main, 'POST', target, 400, 'bad_request', { headers: AUTH, body: '[{' });
  // Framing: chunked must be the last transfer coding (400); other codings are not decoded (501).
  await expectError(servers.main, 'POST', target, 400, 'bad_request', {
    headers: { ...AUTH, 'Transfer-Encoding': 'chunked, gzip' },
    body: JSON.stringify([row]),
  });
  await expectError(servers.main, 'POST', target, 501, 'not_implemented', {
    headers: { ...AUTH, 'Transfer-Encoding': 'gzip, chunked' },
    body: JSON.stringify([row]),
  });

  const json = { 'Content-Type': 'application/json' };
  for (const authorization of [undefined, 'Basic b2NlYW46ZGFzaA==', 'Bearer wrong-key-0123456789abcdef']) {
    const headers = authorization ? { ...json, Authorization: authorization } : json;
    const { res } = await call(servers.main, 'POST', target, { headers, body: JSON.stringify([row]) });
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer');
  }
  await expectError(servers.main, 'POST', target, 415, 'unsupported_media_type', {
    headers: { ...AUTH, 'Content-Type': 'text/plain' },
    body: JSON.stringify([row]),
  });
  await expectError(servers.main, 'POST', target, 413, 'payload_too_large', {
    headers: AUTH,
    body: `[${' '.repeat(MAX_BODY_BYTES + 1)}]`,
  });
  await expectError(servers.demo, 'POST', target, 503, 'writes_disabled', { headers: AUTH, body: JSON.stringify([row]) });
});

test('admin cleanup: retention behind the key', async () => {
  const { res, body } = await call(servers.main, 'POST', ADMIN_CLEANUP, { headers: BEARER });
  assert.equal(res.status, 200, res.body);
  assert.equal(body.deleted, 0, 'the seed is younger than the retention window');
  assert.equal(body.retention_days, 30);
  const { res: refused } = await call(servers.main, 'POST', ADMIN_CLEANUP);
  assert.equal(refused.status, 401);
  await expectError(servers.main, 'POST', ADMIN_CLEANUP, 413, 'payload_too_large', {
    headers: BEARER,
    body: ' '.repeat(MAX_BODY_BYTES + 1),
  });
  await expectError(servers.demo, 'POST', ADMIN_CLEANUP, 503, 'writes_disabled', { headers: BEARER });
});

test('health reports the backup job when the server reads its status file', async () => {
  const { body } = await call(servers.demo, 'GET', '/api/health/');
  assert.equal(body.backup.status, 'ok');
  assert.equal(body.backup.kept, 3);
  const none = await call(servers.broken, 'GET', '/api/health/');
  assert.equal(none.body.backup.status, 'none');
  assert.equal(none.body.backup.last_attempt, null);
});

test('unknown paths answer the documented 404', async () => {
  for (const target of ['/api/', '/api/nothing/', '/api/health', '/api/locations/monterey-bay/extra/', '/api/observations/ingest']) {
    const res = await request(servers.main.port, { target });
    const body = contract.check('GET', target, res);
    assert.equal(body.error.code, 'not_found', target);
  }
});

test('other methods answer the documented 405 with Allow', async () => {
  for (const template of Object.keys(doc.paths)) {
    const path = template.replace('{id}', 'monterey-bay');
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      if (doc.paths[template][method.toLowerCase()]) continue;
      const res = await request(servers.main.port, { method, target: path, headers: AUTH, body: method === 'GET' || method === 'OPTIONS' ? undefined : '[]' });
      const body = contract.check(method, path, res);
      assert.equal(body.error.code, 'method_not_allowed', `${method} ${path}`);
    }
  }
});

test('a store that fails answers 500 internal_error where a route reads or writes it', async () => {
  const reads = GETS.filter((t) => !['/api/health/', '/api/parameters/', '/api/openapi.json'].includes(t));
  for (const target of [...reads, '/api/observations/latest/?location=monterey-bay']) {
    await expectError(servers.broken, 'GET', target, 500, 'internal_error');
  }
  const row = { location_id: 'monterey-bay', parameter: 'sst', timestamp: iso(NOW), value: 14.2, source: 'manual' };
  await expectError(servers.broken, 'POST', '/api/observations/ingest/', 500, 'internal_error', {
    headers: AUTH,
    body: JSON.stringify([row]),
  });
  await expectError(servers.broken, 'POST', ADMIN_CLEANUP, 500, 'internal_error', { headers: BEARER });
  // These never touch the store.
  for (const target of ['/api/health/', '/api/parameters/', '/api/openapi.json']) {
    const { res } = await call(servers.broken, 'GET', target);
    assert.equal(res.status, 200, target);
  }
});

test('a database that is gone answers 503 where a route needs it', async () => {
  const before = await call(servers.pg, 'GET', '/api/health/');
  assert.equal(before.body.database_kind, 'postgresql');
  await servers.proxy.cut();
  const health = await call(servers.pg, 'GET', '/api/health/');
  assert.equal(health.res.status, 503);
  assert.equal(health.body.database, 'unavailable');
  const reads = GETS.filter((t) => !['/api/health/', '/api/parameters/', '/api/openapi.json'].includes(t));
  for (const target of reads) {
    await expectError(servers.pg, 'GET', target, 503, 'service_unavailable');
  }
  const row = { location_id: 'monterey-bay', parameter: 'sst', timestamp: iso(NOW), value: 14.2, source: 'manual' };
  await expectError(servers.pg, 'POST', '/api/observations/ingest/', 503, 'service_unavailable', {
    headers: AUTH,
    body: JSON.stringify([row]),
  });
  await expectError(servers.pg, 'POST', ADMIN_CLEANUP, 503, 'service_unavailable', { headers: BEARER });
  for (const target of ['/api/parameters/', '/api/openapi.json']) {
    const { res } = await call(servers.pg, 'GET', target);
    assert.equal(res.status, 200, target);
  }
});

// Last: node:test runs a file's top-level tests in order.
test('every documented answer was produced by some request above', () => {
  const expected = contract.expectedKeys();
  expected.add(key('component', 'NotFound', '404', 'application/json', 'not_found'));
  expected.add(key('component', 'MethodNotAllowed', '405', 'application/json', 'method_not_allowed'));
  for (const [k, reason] of UNPRODUCIBLE) {
    assert.ok(expected.has(k), `UNPRODUCIBLE lists ${k} (${reason}), which the document does not promise`);
    assert.ok(!contract.seen.has(k), `UNPRODUCIBLE lists ${k}, but a test produced it: remove it from the list`);
  }
  const missing = [...expected].filter((k) => !contract.seen.has(k) && !UNPRODUCIBLE.has(k));
  assert.deepEqual(missing, [], 'documented but never produced');
});
