import { cite, jacotGabrielHongler2018 } from './bibliography.js';
import type { Experiment, Metrics, VerdictResult } from './types.js';

const source = cite(jacotGabrielHongler2018, 'Section 5 (test fixture)');

/**
 * Tiny experiments for the runner and report tests (fast, no library code). Not registered in all.ts.
 * `line` draws y = a·x + noise from its key and claims the fitted slope is within 0.05 of a.
 */
export function lineExperiment(
  id = '000-test-line',
  counter = { runs: 0 },
): Experiment<{ a: number; points: number }> {
  return {
    id,
    source,
    claim: 'least squares recovers the slope a of y = a·x from noisy points (test fixture)',
    presets: { quick: { a: 2, points: 40 }, paper: { a: 2, points: 400 } },
    statement: 'a fixture',
    ruleVersion: 1,
    cost: () => ({ flop: 1e6, bytes: 1e3 }),
    expectedSeconds: { quick: 0.01, paper: 0.01 },
    headline: ['slope'],
    async run(c, ctx) {
      counter.runs++;
      const noise = ctx.key[0] / 2 ** 32 - 0.5; // deterministic from the key
      const rows = Array.from({ length: c.points }, (_, i) => {
        const x = i / c.points;
        return { x, y: c.a * x + 0.01 * noise * Math.sin(7 * i), kind: i % 2 === 0 ? 'even' : 'odd' };
      });
      let sxy = 0;
      let sxx = 0;
      for (const r of rows) {
        sxy += r.x * r.y;
        sxx += r.x * r.x;
      }
      ctx.progress(1);
      return {
        metrics: { slope: sxy / sxx, a: c.a, points: c.points, divergent: Infinity },
        figures: [
          {
            id: 'fit',
            title: 'y vs x',
            caption: 'points and fit',
            data: rows,
            chart: {
              kind: 'line-points',
              x: { field: 'x' },
              y: { field: 'y' },
              series: { field: 'kind' },
              rules: [{ axis: 'y', value: 1, label: 'one' }],
            },
          },
          {
            id: 'bars',
            title: 'bars',
            caption: 'bar chart',
            data: rows.slice(0, 6),
            chart: {
              kind: 'bar',
              x: { field: 'x', type: 'ordinal' },
              y: { field: 'y' },
              series: { field: 'kind' },
            },
          },
          {
            id: 'heat',
            title: 'heat',
            caption: 'heatmap',
            data: rows.slice(0, 8).map((r, i) => ({ i: i % 4, j: Math.floor(i / 4), v: r.y })),
            chart: { kind: 'heatmap', x: { field: 'i' }, y: { field: 'j' }, color: { field: 'v' } },
          },
          {
            id: 'logy',
            title: 'log',
            caption: 'log axis with a zero dropped',
            data: rows,
            chart: {
              kind: 'scatter',
              x: { field: 'x' },
              y: { field: 'y', scale: 'log' },
              facet: { field: 'kind' },
            },
          },
        ],
      };
    },
    verdict(m: Metrics): VerdictResult {
      const s = m.slope;
      const a = m.a;
      if (typeof s !== 'number' || typeof a !== 'number')
        throw new Error('metrics slope and a must be numbers');
      const err = Math.abs(s - a);
      const threshold = 'holds if |slope − a| ≤ 0.05; partial if ≤ 0.5; fails otherwise';
      const reason = `|slope − a| = ${err}`;
      return { verdict: err <= 0.05 ? 'holds' : err <= 0.5 ? 'partial' : 'fails', threshold, reason };
    },
  };
}

/** An experiment whose run throws (the runner must record an error and go on). */
export function brokenExperiment(id = '001-test-broken'): Experiment<{ x: number }> {
  return {
    id,
    source,
    claim: 'a run that throws (test fixture)',
    presets: { quick: { x: 1 }, paper: { x: 1 } },
    statement: 'a fixture',
    ruleVersion: 1,
    cost: () => ({ flop: 1e6, bytes: 1e3 }),
    expectedSeconds: { quick: 0.01, paper: 0.01 },
    headline: [],
    async run() {
      throw new Error('deliberate failure');
    },
    verdict: () => ({ verdict: 'fails', threshold: 'n/a', reason: 'n/a' }),
  };
}

/** An experiment that waits until aborted (checks the signal), for the interrupt test. */
export function waitingExperiment(id = '002-test-wait', onStart?: () => void): Experiment<{ ms: number }> {
  return {
    id,
    source,
    claim: 'a long run that honours the abort signal (test fixture)',
    presets: { quick: { ms: 5000 }, paper: { ms: 5000 } },
    statement: 'a fixture',
    ruleVersion: 1,
    cost: () => ({ flop: 1e6, bytes: 1e3 }),
    expectedSeconds: { quick: 5, paper: 5 },
    headline: [],
    async run(c, ctx) {
      onStart?.();
      const t0 = Date.now();
      while (Date.now() - t0 < c.ms) {
        await new Promise((r) => setTimeout(r, 5));
        await ctx.checkpoint();
      }
      return { metrics: { waited: c.ms }, figures: [] };
    },
    verdict: () => ({ verdict: 'holds', threshold: 'always', reason: 'waited' }),
  };
}
