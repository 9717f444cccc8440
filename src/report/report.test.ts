import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runExperiments } from '../experiments/runner.js';
import { brokenExperiment, lineExperiment } from '../experiments/fixtures.testutil.js';
import type { Experiment } from '../experiments/types.js';
import { escapeHtml, formatMetric } from './html.js';
import { writeReport } from './write-report.js';

const CHROMIUM = '/usr/bin/chromium';

/** A tiny registry: two passing experiments (4 figures each, every chart kind), one that throws. */
const experiments = [lineExperiment('000-line-a'), brokenExperiment('001-broken'), { ...lineExperiment('000-line-b'), claim: 'second <claim> & "quotes"', statement: 'said "so" <here>' }] as Experiment[];

async function makeReport(): Promise<{ dir: string; claims: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-report-'));
  const { outcomes } = await runExperiments(experiments, { preset: 'quick' });
  await writeReport(outcomes, { outDir: dir, preset: 'quick', rootSeed: 0, codeVersion: 'test', backend: 'ts' });
  return { dir, claims: outcomes.length };
}

test('results.json: every claim with id, source, claim, verdict, metrics and figure paths that exist', async () => {
  const { dir } = await makeReport();
  try {
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    assert.deepEqual(
      results.claims.map((c: { id: string; verdict: string }) => [c.id, c.verdict]),
      [
        ['000-line-a', 'holds'],
        ['001-broken', 'error'],
        ['000-line-b', 'holds'],
      ],
    );
    const a = results.claims[0];
    assert.deepEqual(Object.keys(a.source).sort(), ['arxiv', 'authors', 'key', 'title', 'url', 'venue', 'where', 'year']);
    assert.deepEqual(a.source.authors, ['Arthur Jacot', 'Franck Gabriel', 'Clément Hongler']);
    assert.equal(a.source.year, 2018);
    assert.equal(a.source.arxiv, '1806.07572');
    assert.equal(a.source.where, 'Section 5 (test fixture)');
    assert.equal(a.seed, undefined);
    assert.equal(a.metrics.points, 40);
    assert.equal(a.metrics.divergent, 'Infinity'); // not silently null
    assert.equal(a.figures.length, 4);
    for (const f of a.figures as string[]) {
      assert.ok(statSync(join(dir, f)).size > 500, f);
      assert.ok(existsSync(join(dir, f.replace(/\.svg$/, '.png'))));
      const data = JSON.parse(readFileSync(join(dir, f.replace(/\.svg$/, '.json')), 'utf8'));
      assert.ok(Array.isArray(data.data) && data.data.length > 0);
    }
    assert.match(results.claims[1].error, /deliberate failure/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the page opens in headless Chromium: every figure renders and the summary lists every claim', async (t) => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') assert.fail(`${CHROMIUM} is missing but CI=true: install Debian's chromium`);
    t.skip(`${CHROMIUM} not installed (apt-get install -y chromium); set CI=true to make this a failure`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const { dir, claims } = await makeReport();
  const profile = mkdtempSync(join(tmpdir(), 'ntk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    await page.goto(pathToFileURL(join(dir, 'index.html')).href, { waitUntil: 'load' });
    const rows = await page.$$eval('#summary tr[data-claim-id]', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-claim-id'), tr.querySelector('[data-verdict]')?.getAttribute('data-verdict')]),
    );
    assert.deepEqual(rows, [
      ['000-line-a', 'holds'],
      ['001-broken', 'error'],
      ['000-line-b', 'holds'],
    ]);
    assert.equal(rows.length, claims);
    // The project compiles without the DOM lib, so the image element's fields are typed here.
    type Img = { getAttribute(n: string): string | null; complete: boolean; naturalWidth: number; naturalHeight: number };
    const imgs = await page.$$eval('img.figure', (els) =>
      (els as unknown as Img[]).map((i) => ({ src: i.getAttribute('src'), ok: i.complete, w: i.naturalWidth, h: i.naturalHeight })),
    );
    assert.equal(imgs.length, 8);
    for (const i of imgs) assert.ok(i.ok && i.w > 100 && i.h > 100, `figure ${i.src} did not render: ${JSON.stringify(i)}`);
    assert.deepEqual(failed, []);
    assert.equal(await page.locator('[id="000-line-b"] p.claim-text').textContent(), 'second <claim> & "quotes"');
    assert.equal(await page.locator('[id="000-line-b"] .statement blockquote').textContent(), 'said "so" <here>');
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the page cites the source of each claim with a link, and names no seed file', async () => {
  const { dir } = await makeReport();
  try {
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const link = '<a href="https://arxiv.org/abs/1806.07572">';
    assert.ok(html.includes(`${link}Jacot, Gabriel &amp; Hongler (2018)</a>`), 'summary row: author–year link');
    assert.ok(
      html.includes(`<cite>${link}Arthur Jacot, Franck Gabriel and Clément Hongler (2018). Neural Tangent Kernel:`),
      'claim section: full reference, linked',
    );
    assert.ok(html.includes('</cite> — Section 5 (test fixture)'), 'claim section: where in the work');
    assert.equal(html.split('<p class="source">').length - 1, 3, 'one citation per claim');
    for (const f of ['index.html', 'results.json']) {
      assert.doesNotMatch(readFileSync(join(dir, f), 'utf8'), /\d{3}_[0-9a-f]{16}\.txt/, f);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HTML escaping and metric formatting', () => {
  assert.equal(escapeHtml(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
  assert.equal(formatMetric(4.000000381469727), '4.00000');
  assert.equal(formatMetric(0.18722386715071887), '0.187224');
  assert.equal(formatMetric(2.98e-14), '2.9800e-14');
  assert.equal(formatMetric(Infinity), 'Infinity');
  assert.equal(formatMetric([1, 2.5]), '[1, 2.5]');
  assert.equal(formatMetric(undefined), '—');
});
