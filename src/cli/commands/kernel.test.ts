import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMatrix, writeMatrix } from '../../io/npyFile.js';
import { Matrix } from '../../linalg/matrix.js';
import { PRNGKey, normal } from '../../random/index.js';
import { modelFromJson } from '../../nn/model.js';
import { kernelFn } from '../../kernels/kernelFn.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const bin = join(root, 'bin', 'ntk.js');
const dir = mkdtempSync(join(tmpdir(), 'ntk-kernel-cli-'));
const p = (f: string): string => join(dir, f);
const MODEL = {
  parameterization: 'ntk',
  layers: [
    { type: 'Dense', width: 512, W_std: 1.5, b_std: 0.1 },
    { type: 'Erf' },
    { type: 'Dense', width: 1, W_std: 1.5, b_std: 0.1 },
  ],
};
writeFileSync(p('m.json'), JSON.stringify(MODEL));
writeFileSync(p('m10.json'), JSON.stringify({ ...MODEL, inputShape: [10] }));
writeFileSync(p('bad.json'), JSON.stringify({ layers: [{ type: 'Dense', width: 4 }, { type: 'Tanh' }] }));
const x1 = new Matrix(7, 3, normal(PRNGKey(1), 21));
const x2 = new Matrix(4, 3, normal(PRNGKey(2), 12));
writeMatrix(p('x1.npy'), x1);
writeMatrix(p('x2.npy'), x2);
writeMatrix(p('x4.npy'), new Matrix(2, 4, normal(PRNGKey(3), 8)));
const xnan = x1.clone();
xnan.data[5] = NaN;
writeMatrix(p('xnan.npy'), xnan);

function ntk(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'kernel', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NTK_QUIET: '1' },
  });
  return { status: r.status, stderr: r.stderr };
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('ntk kernel writes the N1×N2 NNGP / NTK of kernelFn', () => {
  const net = modelFromJson(MODEL).net;
  let r = ntk([
    '--model',
    p('m.json'),
    '--x1',
    p('x1.npy'),
    '--x2',
    p('x2.npy'),
    '--get',
    'nngp',
    '--out',
    p('k.npy'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readMatrix(p('k.npy')).data, kernelFn(net, x1, x2).nngp!.data);
  r = ntk(['--model', p('m.json'), '--x1', p('x1.npy'), '--get', 'ntk', '--out', p('k.npy')]);
  assert.equal(r.status, 0, r.stderr);
  const K = readMatrix(p('k.npy'));
  assert.equal(K.rows, 7);
  assert.deepEqual(K.data, kernelFn(net, x1).ntk!.data);
});

test('ntk kernel: bad input gives one clear error line', () => {
  const cases: [string[], RegExp][] = [
    [
      ['--model', p('m.json'), '--x1', p('x1.npy'), '--x2', p('x4.npy'), '--out', p('o.npy')],
      /--x2 .*x4.npy has 4 features per row but --x1 .*x1.npy has 3/,
    ],
    [
      ['--model', p('m10.json'), '--x1', p('x1.npy'), '--out', p('o.npy')],
      /has 3 features per row but the model .* expects inputShape \[10\]/,
    ],
    [
      ['--model', p('m.json'), '--x1', p('xnan.npy'), '--out', p('o.npy')],
      /--x1 .*xnan.npy: entry \(1, 2\) is NaN/,
    ],
    [
      ['--model', p('bad.json'), '--x1', p('x1.npy'), '--out', p('o.npy')],
      /layers\[1\]\.type: unknown layer type 'Tanh'; known types: Dense/,
    ],
    [
      ['--model', p('m.json'), '--x1', p('x1.npy'), '--get', 'both', '--out', p('o.npy')],
      /--get must be 'nngp' or 'ntk'/,
    ],
  ];
  for (const [args, re] of cases) {
    const r = ntk(args);
    assert.equal(r.status, 1, `expected failure for ${args.join(' ')}`);
    assert.match(r.stderr, re);
  }
});
