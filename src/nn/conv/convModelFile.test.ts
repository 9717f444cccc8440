import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { empiricalNtk } from '../../empirical/empiricalNtk.js';
import { readMatrix, writeNpy } from '../../io/npyFile.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import { PRNGKey } from '../../random/index.js';
import { modelFromJson } from '../model.js';
import { randomBatch } from './convChecks.testutil.js';

/**
 * Strided / dilated Conv, ConvTranspose and ConvLocal from a model file: kernelFn on worker threads (layers
 * rebuilt from their configs) equals one thread, the CLI's `ntk kernel` equals kernelFn, and the empirical NTK
 * from per-example gradients equals the one from NTK-vector products (JVP/VJP).
 */
const MODEL = {
  parameterization: 'ntk',
  inputShape: [6, 6, 1],
  layers: [
    {
      type: 'Conv',
      channels: 8,
      filter: [3, 3],
      strides: [2, 2],
      dilation: [1, 1],
      padding: 'SAME',
      W_std: 1.4,
      b_std: 0.1,
    },
    { type: 'Relu' },
    { type: 'ConvTranspose', channels: 6, filter: [3, 3], strides: [2, 2], padding: 'SAME', W_std: 1.3 },
    { type: 'Erf' },
    {
      type: 'ConvLocal',
      channels: 5,
      filter: [2, 2],
      strides: [2, 2],
      padding: 'VALID',
      W_std: 1.2,
      b_std: 0.2,
    },
    { type: 'Relu' },
    { type: 'Conv', channels: 4, filter: [2, 2], dilation: [2, 2], padding: 'CIRCULAR', W_std: 1.4 },
    { type: 'Relu' },
    { type: 'GlobalAvgPool' },
    { type: 'Dense', width: 2, W_std: 1.4, b_std: 0.1 },
  ],
};

test('model file with strided, dilated, transposed and local convolutions: workers, CLI and empirical NTK agree', () => {
  const { net } = modelFromJson(MODEL);
  const x = randomBatch(1, [5, 6, 6, 1]);
  const one = kernelFn(net, x, null, { threads: 1, tileSize: 2 });
  const two = kernelFn(net, x, null, { threads: 2, tileSize: 2 });
  assert.deepEqual(two.ntk.data, one.ntk.data);
  assert.deepEqual(two.nngp.data, one.nngp.data);

  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'ntk-conv-model-'));
  try {
    writeFileSync(join(dir, 'net.json'), JSON.stringify(MODEL));
    writeNpy(join(dir, 'x.npy'), x.data, x.shape);
    const r = spawnSync(
      process.execPath,
      [
        join(root, 'bin', 'ntk.js'),
        'kernel',
        '--model',
        join(dir, 'net.json'),
        '--x1',
        join(dir, 'x.npy'),
        '--get',
        'ntk',
        '--out',
        join(dir, 'K.npy'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const K = readMatrix(join(dir, 'K.npy'));
    for (let i = 0; i < K.data.length; i++)
      assert.ok(Math.abs(K.data[i] - one.ntk.data[i]) <= 1e-12 * Math.abs(one.ntk.data[0]), `CLI entry ${i}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const params = net.init(PRNGKey(4), [6, 6, 1]);
  for (const trace of [true, false]) {
    const a = empiricalNtk(net, params, x, null, { implementation: 'jacobian', trace });
    const b = empiricalNtk(net, params, x, null, { implementation: 'ntvp', trace });
    for (let i = 0; i < a.data.length; i++)
      assert.ok(
        Math.abs(a.data[i] - b.data[i]) <= 1e-11 * Math.max(1, Math.abs(a.data[i])),
        `trace=${trace} entry ${i}`,
      );
  }
});

test('training the model-file network: linearized full-batch GD follows (I − ηK/N)^s with K its empirical NTK', async () => {
  const { linearizedModel, train } = await import('../../train/index.js');
  const { maxLearningRate, predictGradientDescentMse } = await import('../../predict/index.js');
  const { Matrix } = await import('../../linalg/matrix.js');
  const { normal } = await import('../../random/index.js');
  const layers = MODEL.layers.map((l) => (l.type === 'Dense' ? { ...l, width: 1 } : l));
  const { net } = modelFromJson({ ...MODEL, layers });
  const x = randomBatch(7, [8, 6, 6, 1]);
  const y = new Matrix(8, 1, normal(PRNGKey(8), 8));
  const params = net.init(PRNGKey(9), [6, 6, 1]);
  const model = linearizedModel(net, params);
  const K = empiricalNtk(net, params, x);
  const lr = 0.5 * maxLearningRate(K);
  const run = train({ model, xTrain: x, yTrain: y, optimizer: 'gd', lr, steps: 40, recordEvery: 10 });
  const f0 = model.evaluate(model.theta0, x).f;
  const pred = predictGradientDescentMse({
    kTrain: K,
    yTrain: y,
    lr,
    fTrain0: new Matrix(8, 1, f0),
    onWarning: () => {},
  }).predict(run.steps, 'gd');
  for (let k = 0; k < run.steps.length; k++) {
    const a = run.fTrain![k].data;
    const b = pred.fTrain[k].data;
    const scale = Math.max(...b.map(Math.abs));
    for (let i = 0; i < a.length; i++)
      assert.ok(Math.abs(a[i] - b[i]) <= 1e-9 * scale, `step ${run.steps[k]} entry ${i}: ${a[i]} vs ${b[i]}`);
  }
  assert.ok(run.loss[run.loss.length - 1] < run.loss[0], 'the loss decreased');
});
