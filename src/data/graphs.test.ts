import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../io/npyFile.js';
import { graphsFromArrays, loadGraphs } from './graphs.js';

/** The graph loader: the committed fixture, its seeded generator, and errors naming the argument and shape. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'graphs');

test('loadGraphs reads the committed fixture: 6 graphs of 5 nodes, 3 features, undirected with self-loops', () => {
  const { x, adjacency: a } = loadGraphs(join(fixtures, 'features.npy'), join(fixtures, 'adjacency.npy'));
  assert.deepEqual(x.shape, [6, 5, 3]);
  assert.deepEqual(a.shape, [6, 5, 5]);
  const A = (g: number, i: number, j: number): number => a.data[(g * 5 + i) * 5 + j];
  for (let g = 0; g < 6; g++)
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) assert.equal(A(g, i, j), A(g, j, i));
  // the 5-node star (graph 4): centre 0 joined to all; the 4-node path (graph 1): node 4 is padding
  for (let j = 0; j < 5; j++) assert.equal(A(4, 0, j), 1);
  for (let j = 0; j < 5; j++) assert.equal(A(1, 4, j), 0);
  for (let c = 0; c < 3; c++) assert.equal(x.data[(1 * 5 + 4) * 3 + c], 0);
  assert.equal(A(2, 0, 4), 1, 'the 5-cycle closes');
});

test('the seeded generator reproduces the committed fixture byte for byte', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-graphs-'));
  try {
    const r = spawnSync(process.execPath, [join(fixtures, 'generate.js'), dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const f of ['features.npy', 'adjacency.npy'])
      assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(fixtures, f))), f);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadGraphs: wrong shapes and non-finite entries are errors naming the argument and the shapes', () => {
  const arr = (shape: number[], fill = 0) => ({
    shape,
    dtype: 'float64' as const,
    data: new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(fill),
    fortranOrder: false as const,
  });
  assert.throws(
    () => graphsFromArrays(arr([6, 15]), arr([6, 5, 5])),
    /features: node features must have shape \(N, V, C\).*got \(6, 15\)/,
  );
  assert.throws(
    () => graphsFromArrays(arr([6, 5, 3]), arr([5, 5, 5])),
    /adjacency: the adjacency must have shape \(N, V, V\) = \(6, 5, 5\).*got \(5, 5, 5\)/,
  );
  assert.throws(() => graphsFromArrays(arr([6, 5, 3]), arr([6, 5, 4])), /got \(6, 5, 4\)/);
  assert.throws(
    () =>
      graphsFromArrays(arr([1, 2, 1]), arr([1, 2, 2], NaN), { features: '--x1', adjacency: '--adjacency' }),
    /--adjacency: entry 0 is NaN/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'ntk-graphs-'));
  try {
    writeNpy(join(dir, 'x.npy'), new Float64Array(6), [1, 2, 3]);
    writeNpy(join(dir, 'a.npy'), new Float64Array(9), [1, 3, 3]);
    assert.throws(
      () => loadGraphs(join(dir, 'x.npy'), join(dir, 'a.npy')),
      (e: Error) => e.name === 'NtkInputError' && e.message.includes(`adjacency ${join(dir, 'a.npy')}`),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
