// Opens the dashboard's pages in Debian's Chromium and fails on any Content-Security-Policy
// violation, or when the page's client code did not run (it calls the API on every page).
//
//   node tests/docker/csp-browser.mjs BASE_URL [HOST_RESOLVER_RULES]
//
// Run from the repository root: playwright-core comes from web/node_modules. Certificate errors
// are ignored because the test proxy's certificate comes from Caddy's internal CA.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.cwd(), 'web', 'package.json'));
const { chromium } = require('playwright-core');

const [base, resolverRules] = process.argv.slice(2);
if (!base) {
  console.error('usage: csp-browser.mjs BASE_URL [HOST_RESOLVER_RULES]');
  process.exit(2);
}
const pages = ['/', '/location/?id=monterey-bay', '/compare/', '/sources/'];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', ...(resolverRules ? [`--host-resolver-rules=${resolverRules}`] : [])],
});
let failed = false;
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  for (const path of pages) {
    const page = await context.newPage();
    const violations = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.exposeFunction('reportViolation', (text) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        window.reportViolation(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
      });
    });
    // Under load the client code may take a while to start; its first API call is the sign.
    const apiCall = page
      .waitForRequest((request) => new URL(request.url()).pathname.startsWith('/api/'), {
        timeout: 30000,
      })
      .then(() => true, () => false);
    const response = await page.goto(base + path, { waitUntil: 'load' });
    const calledApi = await apiCall;
    const csp = response.headers()['content-security-policy'] ?? '';
    const problems = [];
    if (!csp) problems.push('no Content-Security-Policy header');
    if (/unsafe-inline|unsafe-eval/.test(csp)) problems.push(`weak policy: ${csp}`);
    if (violations.length) problems.push(...violations);
    if (!calledApi) problems.push('the client code never called the API (it did not run)');
    console.log(`${path}: ${problems.length ? 'FAIL ' + problems.join('; ') : 'ok'}`);
    failed ||= problems.length > 0;
    await page.close();
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
