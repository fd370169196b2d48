#!/usr/bin/env node
// Prints the dashboard's Content-Security-Policy as a Caddyfile `header` line, for the web server
// in front of the static export:
//
//   node infra/docker/dashboard-csp.mjs web/out > csp.caddy     # then `import csp.caddy`
//   node infra/docker/dashboard-csp.mjs --value web/out          # the policy alone
//
// A Next.js export runs inline scripts (the theme set before first paint, the React Server
// Components payload) and has a few style attributes, so the policy allows exactly those by their
// SHA-256 hashes instead of 'unsafe-inline' ('unsafe-hashes' lets style attributes match them). The hashes change with every build, which is why the
// policy is made from the export itself, at the time the export is made. NEXT_PUBLIC_API_URL, when
// it names another origin, is added to connect-src.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return htmlFiles(path);
    return entry.name.endsWith('.html') ? [path] : [];
  });
}

const hash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

// Attribute values are hashed as the browser sees them, after character references.
function decodeAttribute(value) {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|quot|apos|lt|gt);/gi, (_, ref) => {
    const lower = ref.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' }[lower];
  });
}

export function dashboardPolicy(outDir, apiUrl = '') {
  const files = htmlFiles(outDir);
  if (files.length === 0) throw new Error(`no .html files under ${outDir}: build the export first`);
  const scripts = new Set();
  const styles = new Set();
  for (const file of files) {
    const html = readFileSync(file, 'utf8');
    // Inline classic or module scripts; data blocks (type="application/json") never run.
    for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      if (/\bsrc\s*=/i.test(attributes)) continue;
      const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attributes)?.[1]?.toLowerCase();
      if (type && !['text/javascript', 'module', 'application/javascript'].includes(type)) continue;
      scripts.add(hash(body));
    }
    for (const [, body] of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) {
      styles.add(hash(body));
    }
    for (const [, quote, value] of html.matchAll(/\sstyle\s*=\s*(["'])([\s\S]*?)\1/gi)) {
      void quote;
      styles.add(hash(decodeAttribute(value)));
    }
  }
  const connect = ["'self'"];
  if (/^https?:\/\//i.test(apiUrl)) connect.push(new URL(apiUrl).origin);
  const styleSources = styles.size ? ["'self'", "'unsafe-hashes'", ...[...styles].sort()] : ["'self'"];
  return [
    "default-src 'self'",
    `script-src 'self' ${[...scripts].sort().join(' ')}`.trim(),
    `style-src ${styleSources.join(' ')}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const args = process.argv.slice(2);
const valueOnly = args[0] === '--value';
const outDir = valueOnly ? args[1] : args[0];
if (!outDir) {
  console.error('usage: dashboard-csp.mjs [--value] OUT_DIR (the static export, e.g. web/out)');
  process.exit(2);
}
try {
  const policy = dashboardPolicy(outDir, process.env.NEXT_PUBLIC_API_URL ?? '');
  console.log(valueOnly ? policy : `header Content-Security-Policy "${policy}"`);
} catch (error) {
  console.error(`dashboard-csp: ${error.message}`);
  process.exit(1);
}
