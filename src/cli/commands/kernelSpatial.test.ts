import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMatrix, writeNpy } from '../../io/npyFile.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import { modelFromJson } from '../../nn/model.js';
import { PRNGKey, normal } from '../../random/index.js';

/** `ntk kernel` with NHWC .npy inputs and a convolutional model file. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const bin = join(root, 'bin', 'ntk.js');
const dir = mkdtempSync(join(tmpdir(), 'ntk-kernel-spatial-'));
const p = (f: string): string => join(dir, f);
const MODEL = {
  parameterization: 'ntk',
  inputShape: [5, 5, 2],
  layers: [
    { type: 'Conv', channels: 256, filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
    { type: 'Relu' },
    { type: 'AvgPool', window: [2, 2], strides: [1, 1] },
    { type: 'Conv', channels: 256, filter: [2, 2], padding: 'VALID', W_std: 1.4 },
    { type: 'Relu' },
    { type: 'GlobalAvgPool' },
    { type: 'Dense', width: 1, W_std: 1.4, b_std: 0.1 },
  ],
};
writeFileSync(p('cnn.json'), JSON.stringify(MODEL));
const x1 = normal(PRNGKey(1), 4 * 50);
const x2 = normal(PRNGKey(2), 3 * 50);
writeNpy(p('x1.npy'), x1, [4, 5, 5, 2]);
writeNpy(p('x2.npy'), x2, [3, 5, 5, 2]);
writeNpy(p('x1c.npy'), normal(PRNGKey(3), 4 * 75), [4, 5, 5, 3]);

function ntk(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'kernel', ...args], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('ntk kernel: (N, H, W, C) inputs and a Conv/AvgPool/GlobalAvgPool model file give kernelFn', () => {
  try {
    const r = ntk([
      '--model',
      p('cnn.json'),
      '--x1',
      p('x1.npy'),
      '--x2',
      p('x2.npy'),
      '--get',
      'ntk',
      '--out',
      p('K.npy'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    const K = readMatrix(p('K.npy'));
    const ref = kernelFn(
      modelFromJson(MODEL).net,
      { shape: [4, 5, 5, 2], data: x1 },
      { shape: [3, 5, 5, 2], data: x2 },
    ).ntk!;
    assert.deepEqual([K.rows, K.cols], [4, 3]);
    for (let i = 0; i < K.data.length; i++)
      assert.ok(Math.abs(K.data[i] - ref.data[i]) <= 1e-14 * Math.abs(ref.data[i]));
    const bad = ntk(['--model', p('cnn.json'), '--x1', p('x1c.npy'), '--out', p('K2.npy')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /has 3 channels but the model expects 2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
