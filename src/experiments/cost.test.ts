import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allExperiments } from './all.js';
import { MACHINE, PAPER_BUDGET, experimentCost, field, fieldList, mlpParams } from './cost.js';
import { targetAlignment } from './seed000/target-alignment.js';
import { NtkInputError } from '../errors.js';

test('mlpParams counts weights and biases of d → width^depth → out', () => {
  // 2→3→3→1: (2·3 + 3) + (3·3 + 3) + (3·1 + 1) = 9 + 12 + 4
  assert.equal(mlpParams(2, 3, 2, 1), 25);
});

test('every paper config is valid and its cost fits the budget (≤ 12 h in all, ≤ 3 h each, memory)', () => {
  const costs = allExperiments.map((e) => experimentCost(e, 'paper'));
  const total = costs.reduce((a, c) => a + c.seconds, 0);
  const lines = costs.map(
    (c) =>
      `| ${c.id} | ${c.flop.toExponential(2)} | ${(c.seconds / 60).toFixed(1)} | ${(c.upperSeconds / 60).toFixed(1)} | ${(c.bytes / 2 ** 20).toFixed(0)} |`,
  );
  for (const c of costs) {
    assert.ok(c.seconds <= PAPER_BUDGET.experimentSeconds, `${c.id} over 3 h:\n${lines.join('\n')}`);
    assert.ok(c.bytes <= MACHINE.memoryBytes, `${c.id} needs ${c.bytes} bytes`);
  }
  assert.ok(
    total <= PAPER_BUDGET.totalSeconds,
    `paper preset ${(total / 3600).toFixed(1)} h:\n${lines.join('\n')}`,
  );
  if (process.env.NTK_COST_TABLE)
    process.stdout.write(
      `${lines.join('\n')}\ntotal ${(total / 3600).toFixed(2)} h; upper ${(costs.reduce((a, c) => a + c.upperSeconds, 0) / 3600).toFixed(1)} h\n`,
    );
});

test('every quick config is valid too', () => {
  for (const e of allExperiments) assert.ok(experimentCost(e, 'quick').seconds > 0);
});

test("seed 000's paper config is the paper's setup: N = 10000, 6 layers, t = 20000, Lanczos eigenpairs", () => {
  const c = targetAlignment.presets.paper;
  assert.equal(c.n, 10000);
  assert.equal(c.depth, 6);
  assert.equal(c.steps, 20000);
  assert.ok(c.topK >= 100);
});

test('a bad config field is refused naming it', () => {
  assert.throws(
    () => field({ n: -1 }, 'n', { min: 2 }),
    (e: Error) => e instanceof NtkInputError && /config\.n must be .*≥ 2, got -1/.test(e.message),
  );
  assert.throws(() => fieldList({ w: [] }, 'w'), /config\.w must be a non-empty array/);
  assert.throws(
    () =>
      experimentCost(
        {
          ...targetAlignment,
          presets: { ...targetAlignment.presets, paper: { ...targetAlignment.presets.paper, width: 1.5 } },
        } as never,
        'paper',
      ),
    /config\.width must be an integer/,
  );
});
