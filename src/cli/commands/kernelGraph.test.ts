import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGraphs } from '../../data/graphs.js';
import { readMatrix, writeNpy } from '../../io/npyFile.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import { modelFromJson } from '../../nn/model.js';

/** `ntk kernel --adjacency` with the committed graph fixture and a graph model file (Aggregate). */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const bin = join(root, 'bin', 'ntk.js');
const fx = (f: string): string => join(root, 'test', 'fixtures', 'graphs', f);
const MODEL = {
  parameterization: 'ntk',
  layers: [
    { type: 'Dense', width: 256, W_std: 1.4, b_std: 0.1 },
    { type: 'Relu' },
    { type: 'Aggregate' },
    { type: 'Dense', width: 256, W_std: 1.4, b_std: 0.1 },
    { type: 'Relu' },
    { type: 'GlobalAvgPool' },
    { type: 'Dense', width: 1, W_std: 1.4, b_std: 0.1 },
  ],
};

function ntk(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'kernel', ...args], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('ntk kernel --adjacency / --adjacency2: graph inputs and an Aggregate model give kernelFn with pattern', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-kernel-graph-'));
  const p = (f: string): string => join(dir, f);
  try {
    writeFileSync(p('gnn.json'), JSON.stringify(MODEL));
    const g = loadGraphs(fx('features.npy'), fx('adjacency.npy'));
    const net = modelFromJson(MODEL).net;
    // x2: the last two graphs
    writeNpy(p('x2.npy'), g.x.data.subarray(4 * 15), [2, 5, 3]);
    writeNpy(p('a2.npy'), g.adjacency.data.subarray(4 * 25), [2, 5, 5]);
    const base = ['--model', p('gnn.json'), '--x1', fx('features.npy'), '--adjacency', fx('adjacency.npy')];
    const r = ntk([...base, '--get', 'ntk', '--out', p('K.npy')]);
    assert.equal(r.status, 0, r.stderr);
    const K = readMatrix(p('K.npy'));
    const ref = kernelFn(net, g.x, null, { pattern: { x1: g.adjacency } }).ntk;
    assert.deepEqual([K.rows, K.cols], [6, 6]);
    assert.deepEqual(K.data, ref.data);
    const r2 = ntk([
      ...base,
      '--x2',
      p('x2.npy'),
      '--adjacency2',
      p('a2.npy'),
      '--get',
      'nngp',
      '--out',
      p('K2.npy'),
    ]);
    assert.equal(r2.status, 0, r2.stderr);
    const K2 = readMatrix(p('K2.npy'));
    const full = kernelFn(net, g.x, null, { pattern: { x1: g.adjacency }, get: 'nngp' }).nngp;
    assert.deepEqual([K2.rows, K2.cols], [6, 2]);
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 2; j++)
        assert.ok(Math.abs(K2.get(i, j) - full.get(i, 4 + j)) <= 1e-12 * Math.abs(full.get(i, 4 + j)));

    const bad = (args: string[], re: RegExp): void => {
      const b = ntk([...args, '--out', p('bad.npy')]);
      assert.equal(b.status, 1, `expected a refusal of ${args.join(' ')}`);
      assert.match(b.stderr, re);
    };
    bad([...base, '--x2', p('x2.npy')], /--x2 .* needs --adjacency2/);
    bad([...base, '--adjacency2', p('a2.npy')], /--adjacency2 is given without --x2/);
    bad(
      [...base.slice(0, 4), '--adjacency', p('a2.npy')],
      /--adjacency .*a2\.npy: the adjacency must have shape \(N, V, V\) = \(6, 5, 5\).*got \(2, 5, 5\)/,
    );
    bad(['--model', p('gnn.json'), '--x1', fx('features.npy')], /Aggregate: the kernel has no adjacency/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
