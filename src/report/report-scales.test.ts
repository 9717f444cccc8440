import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiments } from '../experiments/runner.js';
import { lineExperiment } from '../experiments/fixtures.testutil.js';
import type { Experiment, Preset } from '../experiments/types.js';
import { CLAIM_VIEWS } from '../lab/claimViews.js';
import { formatMetric } from './html.js';
import { writeReport } from './write-report.js';

/** A claim whose rule was changed once (v1 → v2), with a formula; and a plain one. */
const changed = {
  ...lineExperiment('000-target-alignment'),
  formula: String.raw`\cos\alpha_t(\bar y, k) = \frac{\sum_{i \le k} \langle \bar y, \bar v_i^t \rangle^2}{\lVert \bar y \rVert_2^2}`,
  ruleVersion: 2,
  earlierRules: [
    {
      version: 1,
      changeReason: 'v1 read the slope of the wrong series',
      changedOn: '2026-12-01',
      verdict: () => ({ verdict: 'fails' as const, threshold: 'old rule', reason: 'old reason' }),
    },
  ],
} as Experiment;
const plain = lineExperiment('001-plain') as unknown as Experiment;

async function report(dir: string, preset: Preset, experiments: Experiment[], paper?: string): Promise<string> {
  const { outcomes } = await runExperiments(experiments, { preset });
  await writeReport(outcomes, {
    outDir: dir,
    preset,
    rootSeed: 0,
    codeVersion: `test-${preset}`,
    backend: 'ts',
    png: false,
    otherResults: paper === undefined ? undefined : { paper },
    labBase: '../site/index.html',
  });
  return readFileSync(join(dir, 'index.html'), 'utf8');
}

/** The summary row of a claim. */
function row(html: string, id: string): string {
  const m = new RegExp(`<tr data-claim-id="${id}">.*?</tr>`, 's').exec(html);
  assert.ok(m, `no summary row for ${id}`);
  return m[0];
}

test('the report shows both scales per claim, earlier rules beside the current one, KaTeX offline and lab links', async () => {
  const paperDir = mkdtempSync(join(tmpdir(), 'ntk-paper-'));
  const quickDir = mkdtempSync(join(tmpdir(), 'ntk-quick-'));
  try {
    // A paper run of one claim only (the committed paper results), then the quick run of both.
    await report(paperDir, 'paper', [changed]);
    const html = await report(quickDir, 'quick', [changed, plain], join(paperDir, 'results.json'));

    const a = row(html, '000-target-alignment');
    assert.match(a, /data-preset="quick">.*data-verdict="holds"/s);
    // The paper cell shows the paper run's own headline number (400 points), not the quick one's (40).
    const slope = (dir: string) => formatMetric(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).claims[0].metrics.slope);
    assert.notEqual(slope(paperDir), slope(quickDir));
    assert.ok(a.includes(`data-preset="paper"><span class="v v-holds" data-verdict="holds">holds</span><br>slope = <span class="num">${slope(paperDir)}</span>`), a);
    assert.ok(a.includes(`data-preset="quick"><span class="v v-holds" data-verdict="holds">holds</span><br>slope = <span class="num">${slope(quickDir)}</span>`), a);
    const b = row(html, '001-plain');
    assert.match(b, /data-preset="paper"><span class="v v-not-run" data-verdict="not-run">not-run<\/span> <span class="meta">not run at paper scale/);
    // The changed rule: current version and the old verdict with its reason, in the row and in results.json.
    assert.match(a, /v2<br>v1: <span class="v v-fails" data-verdict="fails">fails<\/span> <span class="meta">\(v1 read the slope of the wrong series\)/);
    const results = JSON.parse(readFileSync(join(quickDir, 'results.json'), 'utf8'));
    assert.equal(results.claims[0].ruleVersion, 2);
    assert.deepEqual(
      results.claims[0].earlierVerdicts.map((v: { ruleVersion: number; verdict: string; changeReason: string }) => [v.ruleVersion, v.verdict, v.changeReason]),
      [[1, 'fails', 'v1 read the slope of the wrong series']],
    );
    assert.deepEqual(results.claims[1].earlierVerdicts, []);
    // Results kept per preset, for the next run at the other scale.
    assert.ok(existsSync(join(quickDir, 'results.quick.json')));
    assert.ok(existsSync(join(paperDir, 'results.paper.json')));
    // KaTeX: rendered to HTML at write time, stylesheet and fonts bundled, nothing fetched from a network.
    assert.match(html, /<span class="katex-display"><span class="katex">/);
    assert.doesNotMatch(html, /\\frac|\\sum/, 'no raw TeX left in the page');
    assert.match(html, /<link rel="stylesheet" href="katex\/katex.min.css">/);
    assert.doesNotMatch(html, /<link[^>]+href="https?:/);
    assert.ok(readdirSync(join(quickDir, 'katex', 'fonts')).some((f) => f.endsWith('.woff2')));
    // The lab link of a claim that has a view, and none for one that does not.
    const view = CLAIM_VIEWS['000-target-alignment'];
    assert.ok(a.includes(`<a class="lab" href="../site/index.html${view.replace(/&/g, '&amp;')}">lab view</a>`), a);
    assert.match(b, /<td>—<\/td><\/tr>$/);
    // The statement in the source's words sits beside the figures.
    assert.match(html, /<div class="side"><div class="statement"><b>In the source's words<\/b><blockquote>a fixture<\/blockquote>/);
  } finally {
    rmSync(paperDir, { recursive: true, force: true });
    rmSync(quickDir, { recursive: true, force: true });
  }
});
