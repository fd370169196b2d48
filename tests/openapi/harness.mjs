// Starts the REAL oceandash for the contract tests: `serve` on 127.0.0.1, port 0, a temporary
// SQLite database (or a PostgreSQL URL), no scheduler. Also: a raw HTTP client (the tests send
// requests that fetch() would refuse or rewrite), a loopback TCP proxy that can be cut to make
// a database disappear under a running server, and a sqlite3 CLI runner.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import http from 'node:http';

// The server start-up is the dashboard e2e tests' (one way to launch and stop oceandash).
import { launchOceandash } from '../../web/e2e/harness.mjs';

export const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const API_KEY = 'openapi-test-key-0123456789abcdef';
export const BINARY = resolve(process.env.OCEANDASH_BIN || join(REPO_DIR, 'build/oceandash'));

const START_TIMEOUT_MS = 30_000;

/** The caller's environment without the settings that would point oceandash elsewhere. */
export function cleanEnv() {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('OCEAN_') && !name.startsWith('OCEAN_TEST_')) delete env[name];
  }
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'CORS_ALLOWED_ORIGINS']) delete env[name];
  return env;
}

/**
 * Starts `oceandash serve`; resolves once its start line names the port.
 * database: a URL; default a fresh SQLite file in a temporary folder (its path is `dbPath`).
 * apiKey: the bearer key, or null for a server whose writes are disabled.
 * args: extra command-line arguments.
 */
export async function startServer({ database, apiKey = API_KEY, args = [] } = {}) {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} not found: build it with scripts/build.sh --target oceandash`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'oceandash-openapi-'));
  const dbPath = join(dir, 'openapi.db');
  const env = cleanEnv();
  if (apiKey) env.OCEAN_API_KEY = apiKey;
  const server = await launchOceandash({
    binary: BINARY,
    args: [
      'serve',
      '--port', '0',
      '--host', '127.0.0.1',
      '--database', database || `sqlite:${dbPath}`,
      '--no-scheduler',
      '--log-level', 'warn',
      ...args,
    ],
    env,
    dir,
    startTimeoutMs: START_TIMEOUT_MS,
  });
  return { ...server, dbPath };
}

/**
 * One HTTP/1.1 request to 127.0.0.1:port, target sent exactly as given (no normalisation).
 * Resolves {status, headers (lower-case names), body (string)}.
 */
export function request(port, { method = 'GET', target, headers = {}, body } = {}) {
  return new Promise((resolveResponse, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: target, headers, agent: false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolveResponse({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * A TCP proxy on 127.0.0.1 to `target` (host:port). cut() closes the listener and every
 * connection, so the service behind it looks dead (connection refused) to the client.
 */
export async function startProxy(targetHost, targetPort) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((r, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', r);
  });
  return {
    port: server.address().port,
    async cut() {
      const closed = new Promise((r) => server.close(r));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** Runs SQL on a SQLite file with Debian's sqlite3 CLI (scripts/install-deps.sh installs it). */
export function sqlite(dbPath, sql) {
  return execFileSync('sqlite3', ['-bail', '-cmd', '.timeout 10000', dbPath, sql], {
    encoding: 'utf8',
  });
}
