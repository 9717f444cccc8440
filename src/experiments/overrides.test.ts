/**
 * Settings varied from a preset (`ntk reproduce --set`): values take the preset field's JSON type, unknown
 * names and bad values are refused naming the field, the experiment's own `cost` checks integers and ranges, and the
 * report's record lists what was varied. The CLI refuses a varied run into a folder that holds the preset's
 * own record of the claim, and writes `varied` into results.json otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyOverrides, parseOverrides, variedFields } from './overrides.js';
import { depthAlignment } from './seed000/depth.js';
import { optimizersAlignment } from './seed000/optimizers.js';
import { targetAlignment } from './seed000/target-alignment.js';
import { firstOrderDynamics } from './seed000/first-order.js';
import { catapultToy } from './seed003/catapult-toy.js';
import { NtkInputError } from '../errors.js';

const paper = depthAlignment.presets.paper;

test('parseOverrides: key=value pairs; no "=" or a key given twice is refused', () => {
  assert.deepEqual(parseOverrides(['lrFactor=0.75', 'depths = 2,6']), { lrFactor: '0.75', depths: '2,6' });
  assert.throws(() => parseOverrides(['lrFactor']), /--set must be key=value, got 'lrFactor'/);
  assert.throws(() => parseOverrides(['=1']), NtkInputError);
  assert.throws(() => parseOverrides(['k=1', 'k=2']), /'k' given twice/);
});

test('applyOverrides: numbers and number lists take the preset field’s type; the rest of the config stays', () => {
  const c = applyOverrides(depthAlignment, paper, { lrFactor: '0.75', depths: '2, 6' });
  assert.equal(c.lrFactor, 0.75);
  assert.deepEqual(c.depths, [2, 6]);
  assert.equal(c.n, 10000);
  assert.equal(c.steps, 20000);
  assert.equal(paper.lrFactor, 1.5, 'the preset itself is unchanged');
  assert.deepEqual(variedFields(paper, c), ['depths=[2,6]', 'lrFactor=0.75']);
  assert.deepEqual(variedFields(paper, paper), []);
});

test('applyOverrides: an unknown setting, a non-number, a fraction for an integer and an out-of-range value are refused', () => {
  assert.throws(
    () => applyOverrides(depthAlignment, paper, { lrFactr: '1' }),
    /--set lrFactr: 000-depth has no such setting \(it has: n, width, depths/,
  );
  assert.throws(
    () => applyOverrides(depthAlignment, paper, { lrFactor: 'fast' }),
    /expected a finite number, got 'fast'/,
  );
  assert.throws(
    () => applyOverrides(depthAlignment, paper, { depths: '2,4.5' }),
    /config.depths\[1\] must be an integer ≥ 1, got 4.5/,
  );
  assert.throws(
    () => applyOverrides(depthAlignment, paper, { lrFactor: '2.5' }),
    /config.lrFactor must be a number in \(0, 2\), got 2.5/,
  );
  assert.throws(
    () => applyOverrides(depthAlignment, paper, { width: '0' }),
    /config.width must be an integer ≥ 1, got 0/,
  );
});

test('applyOverrides: integers are the experiment’s counts, not whole-number values of real settings', () => {
  // A factor whose preset value happens to be 1 is real-valued; counts are integers even where 0 is allowed.
  const opt = optimizersAlignment.presets.paper;
  assert.equal(opt.sgdLrFactor, 1);
  assert.equal(applyOverrides(optimizersAlignment, opt, { sgdLrFactor: '0.5' }).sgdLrFactor, 0.5);
  assert.equal(applyOverrides(optimizersAlignment, opt, { adamLr: '3e-4' }).adamLr, 3e-4);
  assert.throws(
    () => applyOverrides(optimizersAlignment, opt, { sgdLrFactor: '2' }),
    /config.sgdLrFactor must be a number in \(0, 2\), got 2/,
  );
  assert.throws(
    () => applyOverrides(optimizersAlignment, opt, { adamLr: '0' }),
    /config.adamLr must be a number in \(0, 1\), got 0/,
  );
  assert.throws(
    () => applyOverrides(optimizersAlignment, opt, { snapshots: '2.5' }),
    /config.snapshots must be an integer ≥ 0, got 2.5/,
  );
  const ta = targetAlignment.presets.paper;
  assert.throws(
    () => applyOverrides(targetAlignment, ta, { steps: '20000.5' }),
    /config.steps must be an integer ≥ 0, got 20000.5/,
  );
  assert.throws(
    () => applyOverrides(targetAlignment, ta, { lrFactor: '-1' }),
    /config.lrFactor must be a number in \(0, 2\), got -1/,
  );
  const fo = firstOrderDynamics.presets.paper;
  assert.equal(applyOverrides(firstOrderDynamics, fo, { steps: '300' }).earlyStep, 30);
  assert.throws(
    () => applyOverrides(firstOrderDynamics, fo, { steps: '20' }),
    /config.earlyStep must be ≤ steps = 20, got 30/,
  );
  const toy = catapultToy.presets.paper;
  assert.equal(toy.gridEnd, 6);
  assert.equal(applyOverrides(catapultToy, toy, { gridEnd: '5.5' }).gridEnd, 5.5);
  assert.throws(
    () => applyOverrides(catapultToy, toy, { gridStep: '0' }),
    /config.gridStep must be a number in \(0, Infinity\), got 0/,
  );
});

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ntk = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin', 'ntk.js'), 'reproduce', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NTK_QUIET: '1' },
  });

test('ntk reproduce --set: the varied run records what it varied; it never replaces the preset’s own record', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-set-'));
  try {
    const out = join(dir, 'report');
    const args = ['003-catapult-toy', '--preset', 'quick', '--no-png', '--no-cache', '--out', out];
    const varied = ntk(...args, '--set', 'checkSteps=50');
    assert.equal(varied.status, 0, varied.stderr);
    const rec = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).claims[0];
    assert.deepEqual(rec.varied, ['checkSteps=50']);
    assert.equal(rec.config.checkSteps, 50);
    assert.match(
      readFileSync(join(out, 'index.html'), 'utf8'),
      /Varied from the quick preset:<\/b> checkSteps=50/,
    );
    // the preset's own run replaces the varied record; a varied run then refuses to replace it
    const own = ntk(...args);
    assert.equal(own.status, 0, own.stderr);
    const before = readFileSync(join(out, 'results.json'), 'utf8');
    assert.equal(JSON.parse(before).claims[0].varied, undefined);
    const refused = ntk(...args, '--set', 'checkSteps=50');
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(
      refused.stderr,
      /--set: .*results\.(quick\.)?json holds the quick preset's own record of 003-catapult-toy/,
    );
    assert.equal(readFileSync(join(out, 'results.json'), 'utf8'), before, 'results.json untouched');
    const bad = ntk(...args.slice(0, -1), join(dir, 'other'), '--set', 'checkStep=50');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--set checkStep: 003-catapult-toy has no such setting/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
