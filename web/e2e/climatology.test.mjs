// End-to-end: climatology, anomalies and marine heatwaves in the dashboard (issue 16), on the
// offline demo as a new user starts it (`serve --demo`): the REAL oceandash loads the demo's
// synthesised samples and its synthetic long daily SST and chlorophyll records, computes and
// stores each site's climatologies (chlorophyll's in log10 space), and the dashboard shows them
// in Debian's Chromium. The demo stages a Strong marine heatwave at kerama-reefs
// (demo/make_demo.py); wave height has no climatology, so its rows must say so.
// Run: scripts/web.sh test (or: cd web && node --test e2e/).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getJson, launchBrowser, newPage, startServer, WEB_DIR } from './harness.mjs';

const SHOTS = resolve(WEB_DIR, process.env.SCREENSHOT_DIR || 'e2e/artifacts');
mkdirSync(SHOTS, { recursive: true });

const HEATWAVE_SITE = 'kerama-reefs';
// An NDBC site: its wave height has no climatology in the demo.
const NO_CLIMATOLOGY_SITE = 'monterey-bay';

let server;
let browser;

before(async () => {
  server = await startServer({ args: ['--demo'] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});



function card(page, location) {
  return page.locator(`[data-testid=latest-card][data-location=${location}]`);
}

describe('climatology in the dashboard (offline demo)', () => {
  it('the API has the staged heatwave the views rely on', async () => {
    const latest = await getJson(`${server.base}/api/observations/latest/`);
    const sst = latest.find((o) => o.location_id === HEATWAVE_SITE && o.parameter === 'sst');
    assert.ok(sst, 'an sst reading at the heatwave site');
    assert.equal(sst.climatology.source, 'demo (synthetic)');
    assert.equal(sst.heatwave?.category, 'Strong');
    const heatwaves = await getJson(`${server.base}/api/heatwaves/?location=${HEATWAVE_SITE}`);
    assert.ok(heatwaves.events.some((e) => e.ongoing && e.category === 'Strong'));
  });

  it('shows anomaly and percentile on the cards, the heatwave line, and no invented climatology', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.base}/`);
    await page.locator('[data-testid=demo-banner]').waitFor();
    const sstRow = card(page, HEATWAVE_SITE).locator('[data-parameter=sst]');
    const anomaly = sstRow.locator('[data-testid=anomaly-text]');
    await anomaly.waitFor();
    assert.match(await anomaly.innerText(), /^\+\d+\.\d °C vs 1991–2020, (\d+(st|nd|rd|th) percentile|at or above the 99th percentile)$/);
    const line = sstRow.locator('[data-testid=heatwave-line]');
    assert.match(await line.innerText(), /^Strong marine heatwave, day \d+$/);
    assert.equal(await line.getAttribute('data-category'), 'Strong');
    // A site with no staged anomaly still has a line, without a heatwave.
    await card(page, 'station-aloha').locator('[data-parameter=sst] [data-testid=anomaly-text]').waitFor();
    assert.equal(await card(page, 'station-aloha').locator('[data-testid=heatwave-line]').count(), 0);
    // Chlorophyll's climatology is in log10 space: the anomaly reads as a ratio to the typical
    // value of its own (synthetic) 2012–2023 baseline.
    const chl = card(page, HEATWAVE_SITE).locator('[data-parameter=chlorophyll_a] [data-testid=anomaly-text]');
    await chl.waitFor();
    assert.match(await chl.innerText(), /^\d+(\.\d)?× typical for 2012–2023, (\d+(st|nd|rd|th) percentile|at or (above the 99th|below the 1st) percentile)$/);
    // Wave height has no climatology: said so, never a number.
    const waves = card(page, NO_CLIMATOLOGY_SITE).locator('[data-parameter=wave_height] [data-testid=climate-context]');
    await waves.waitFor();
    assert.equal(await waves.innerText(), 'no climatology yet');
    await page.screenshot({ path: join(SHOTS, 'climatology-cards.png'), fullPage: false });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it('colours the map by anomaly on a diverging scale with a legend', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.base}/`);
    await page.locator('[data-testid=map-marker][data-has-value=true]').first().waitFor();
    assert.equal(await page.locator('[data-testid=map]').getAttribute('data-mode'), 'value');
    await page.locator('[data-testid=map-mode-anomaly]').click();
    await page.locator('[data-testid=map][data-mode=anomaly]').waitFor();
    assert.match(page.url(), /map=anomaly/);
    assert.match(await page.locator('[data-testid=map-legend]').innerText(), /anomaly[\s\S]*−\d\.\d[\s\S]*\+\d\.\d °C/);
    // The heatwave site is warm (red end), the staged cold site cool (blue end).
    const fill = async (id) => page.locator(`[data-testid=map-marker][data-location=${id}]`).getAttribute('data-fill');
    const rgb = (text) => text.match(/\d+/g).map(Number);
    const [wr, , wb] = rgb(await fill(HEATWAVE_SITE));
    assert.ok(wr > wb, `warm site is red: ${await fill(HEATWAVE_SITE)}`);
    const [cr, , cb] = rgb(await fill('humboldt-callao'));
    assert.ok(cb > cr, `cold site is blue: ${await fill('humboldt-callao')}`);
    assert.ok(Number(await page.locator(`[data-testid=map-marker][data-location=${HEATWAVE_SITE}]`).getAttribute('data-anomaly')) > 1);
    await page.locator(`[data-testid=map-marker][data-location=${HEATWAVE_SITE}]`).hover();
    assert.match(await page.locator('[data-testid=tooltip-context]').innerText(), /vs 1991–2020/);
    await page.screenshot({ path: join(SHOTS, 'climatology-map.png'), fullPage: false });
    await page.locator('[data-testid=map-mode-value]').click();
    await page.locator('[data-testid=map][data-mode=value]').waitFor();
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it('draws the climatology band and the heatwave shading on the SST chart', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.base}/location/?id=${HEATWAVE_SITE}&parameter=sst`);
    const chart = page.locator('[data-testid=chart-card][data-parameter=sst] [data-testid=chart][data-ready=true]');
    await chart.waitFor();
    assert.equal(await chart.getAttribute('data-band'), 'true');
    await chart.locator('.chart-box[data-band-drawn=true]').waitFor();
    assert.ok(Number(await chart.getAttribute('data-shading')) >= 1);
    await chart.locator('.chart-box[data-shaded-drawn]:not([data-shaded-drawn="0"])').waitFor();
    const sstCard = page.locator('[data-testid=chart-card][data-parameter=sst]');
    assert.match(await sstCard.locator('[data-testid=heatwave-line]').innerText(), /^Strong marine heatwave, day \d+$/);
    assert.match(await sstCard.locator('[data-testid=climatology-line]').innerText(), /1991–2020 \(demo \(synthetic\)\)/);
    assert.match(await sstCard.locator('[data-testid=category-key]').first().innerText(), /Strong heatwave/);
    await page.screenshot({ path: join(SHOTS, 'climatology-chart.png'), fullPage: false });
    // Chlorophyll: the band from its own synthetic record, no heatwave shading.
    await page.goto(`${server.base}/location/?id=${HEATWAVE_SITE}&parameter=chlorophyll_a`);
    const chlCard = page.locator('[data-testid=chart-card][data-parameter=chlorophyll_a]');
    const chlChart = chlCard.locator('[data-testid=chart][data-ready=true]');
    await chlChart.waitFor();
    assert.equal(await chlChart.getAttribute('data-band'), 'true');
    await chlChart.locator('.chart-box[data-band-drawn=true]').waitFor();
    assert.match(await chlCard.locator('[data-testid=climatology-line]').innerText(), /2012–2023 \(demo \(synthetic\)\)/);
    // Wave height: no band, and the page says why.
    await page.goto(`${server.base}/location/?id=${NO_CLIMATOLOGY_SITE}&parameter=wave_height`);
    const waveCard = page.locator('[data-testid=chart-card][data-parameter=wave_height]');
    await waveCard.locator('[data-testid=no-climatology]').waitFor();
    assert.equal(await waveCard.locator('[data-testid=no-climatology]').innerText(), 'no climatology yet');
    await waveCard.locator('[data-testid=chart][data-ready=true]').waitFor();
    assert.equal(await waveCard.locator('[data-testid=chart]').getAttribute('data-band'), 'false');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
