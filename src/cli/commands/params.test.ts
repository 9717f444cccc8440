import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { empiricalNtk } from '../../empirical/empiricalNtk.js';
import { readParamsDir } from '../../io/paramsDir.js';
import { readMatrix, writeMatrix } from '../../io/npyFile.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import { Matrix } from '../../linalg/matrix.js';
import { loadModel } from '../../nn/model.js';
import { flattenParams } from '../../nn/params.js';
import { PRNGKey, normal } from '../../random/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const bin = join(root, 'bin', 'ntk.js');
const dir = mkdtempSync(join(tmpdir(), 'ntk-params-cli-'));
const p = (f: string): string => join(dir, f);
const x = new Matrix(6, 3, normal(PRNGKey(1), 18));
writeMatrix(p('x.npy'), x);
writeFileSync(
  p('m.json'),
  JSON.stringify({
    parameterization: 'ntk',
    layers: [
      { type: 'Dense', width: 12, W_std: 1.5, b_std: 0.1 },
      { type: 'Erf' },
      { type: 'Dense', width: 2, W_std: 1.5, b_std: null },
    ],
  }),
);

function ntk(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NTK_QUIET: '1' },
  });
  return { status: r.status, stderr: r.stderr };
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('ntk params init writes the seeded init; ntk kernel --empirical reads it (--params) or re-creates it (--seed)', () => {
  const r = ntk([
    'params',
    'init',
    '--model',
    p('m.json'),
    '--seed',
    '7',
    '--input-shape',
    '3',
    '--out',
    p('params'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(p('params')).sort(), ['dense0.W.npy', 'dense0.b.npy', 'dense1.W.npy']);
  const model = loadModel(p('m.json'));
  const params = model.net.init(PRNGKey(7), [3]);
  assert.deepEqual(flattenParams(readParamsDir(p('params'), model.net, [3])), flattenParams(params));
  const want = empiricalNtk(model.net, params, x);
  for (const [extra, out] of [
    [['--params', p('params'), '--implementation', 'jacobian'], 'Kp.npy'],
    [['--seed', '7'], 'Ks.npy'],
  ] as const) {
    const k = ntk([
      'kernel',
      '--model',
      p('m.json'),
      '--x1',
      p('x.npy'),
      '--empirical',
      ...extra,
      '--get',
      'ntk',
      '--out',
      p(out),
    ]);
    assert.equal(k.status, 0, k.stderr);
    const K = readMatrix(p(out));
    for (let i = 0; i < 36; i++)
      assert.ok(Math.abs(K.data[i] - want.data[i]) <= 1e-12 * Math.abs(want.data[0]));
  }
  // Monte Carlo through the CLI (small: width 256, 16 samples) lands near the analytic kernel.
  const mc = ntk([
    'kernel',
    '--model',
    p('m.json'),
    '--x1',
    p('x.npy'),
    '--mc-width',
    '256',
    '--mc-samples',
    '16',
    '--seed',
    '1',
    '--get',
    'ntk',
    '--out',
    p('Kmc.npy'),
  ]);
  assert.equal(mc.status, 0, mc.stderr);
  const A = kernelFn(model.net, x, null, { get: 'ntk' }).ntk!;
  const M = readMatrix(p('Kmc.npy'));
  let num = 0;
  let den = 0;
  for (let i = 0; i < 36; i++) {
    num += (M.data[i] - A.data[i]) ** 2;
    den += A.data[i] ** 2;
  }
  assert.ok(Math.sqrt(num / den) <= 0.1, `MC vs analytic ${Math.sqrt(num / den)}`);
});

test('CLI bad input: missing --input-shape, wrong parameter shapes, conflicting options', () => {
  let r = ntk(['params', 'init', '--model', p('m.json'), '--seed', '1', '--out', p('q')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--input-shape is required/);
  r = ntk(['params', 'init', '--model', p('m.json'), '--seed', '1', '--input-shape', '4', '--out', p('q4')]);
  assert.equal(r.status, 0, r.stderr);
  r = ntk([
    'kernel',
    '--model',
    p('m.json'),
    '--x1',
    p('x.npy'),
    '--empirical',
    '--params',
    p('q4'),
    '--out',
    p('K.npy'),
  ]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /dense0\.W\.npy has shape \(4, 12\), the model expects \(3, 12\)/);
  r = ntk(['kernel', '--model', p('m.json'), '--x1', p('x.npy'), '--empirical', '--out', p('K.npy')]);
  assert.match(r.stderr, /exactly one of --params DIR or --seed s/);
  r = ntk([
    'kernel',
    '--model',
    p('m.json'),
    '--x1',
    p('x.npy'),
    '--empirical',
    '--seed',
    '1',
    '--mc-width',
    '8',
    '--out',
    p('K.npy'),
  ]);
  assert.match(r.stderr, /exclude each other/);
  r = ntk([
    'kernel',
    '--model',
    p('m.json'),
    '--x1',
    p('x.npy'),
    '--empirical',
    '--seed',
    '1',
    '--memory-limit',
    '100',
    '--out',
    p('K.npy'),
  ]);
  assert.match(r.stderr, /above the limit/);
});
