import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from '../linalg/matrix.js';
import { PRNGKey } from '../random/index.js';
import { kernelFn } from '../kernels/kernelFn.js';
import { Dense, Relu, serial, Elementwise } from './index.js';
import { layerFromConfig, modelFromJson, withHiddenWidth } from './model.js';
import type { Layer, Params } from './types.js';

const X = Matrix.fromRows([
  [1, 2, 0],
  [-0.5, 1.5, 1],
  [3, -1, 0.2],
]);
const EXAMPLE_MODEL = {
  parameterization: 'ntk',
  layers: [
    { type: 'Dense', width: 512, W_std: 1.5, b_std: 0.1 },
    { type: 'Relu' },
    { type: 'Dense', width: 1, W_std: 1.5, b_std: 0.1 },
  ],
};

test('the example model file builds the same network as code', () => {
  const m = modelFromJson(EXAMPLE_MODEL);
  const code = serial(
    Dense({ width: 512, W_std: 1.5, b_std: 0.1 }),
    Relu(),
    Dense({ width: 1, W_std: 1.5, b_std: 0.1 }),
  );
  assert.deepEqual(kernelFn(m.net, X).ntk!.data, kernelFn(code, X).ntk!.data);
  assert.equal(m.parameterization, 'ntk');
});

test('nested combinators, b_std null, parameterization, round trip through layer.config', () => {
  const json = {
    parameterization: 'standard',
    inputShape: [3],
    layers: [
      { type: 'Dense', width: 8, W_std: 1, b_std: null },
      { type: 'FanOut', n: 2 },
      {
        type: 'parallel',
        layers: [
          {
            type: 'serial',
            layers: [
              { type: 'Erf', a: 1, b: 0.5, c: 0 },
              { type: 'Dense', width: 8, W_std: 1.2, b_std: 0.1 },
            ],
          },
          { type: 'Identity' },
        ],
      },
      { type: 'FanInSum' },
      { type: 'Elementwise', fn: 'tanh' },
      { type: 'Dense', width: 1, W_std: 1, b_std: 0 },
    ],
  };
  const m = modelFromJson(json);
  assert.deepEqual(m.inputShape, [3]);
  const p = m.net.init(PRNGKey(0), [3]) as Params[];
  assert.deepEqual(Object.keys(p[0]), ['W']); // no bias tensor
  assert.equal((m.net.children[0] as Layer & { parameterization: string }).parameterization, 'standard');
  const rebuilt = layerFromConfig(m.net.config);
  assert.deepEqual(kernelFn(rebuilt, X).ntk!.data, kernelFn(m.net, X).ntk!.data);
});

test('withHiddenWidth sets every Dense width except the readout, through nested combinators', () => {
  const json = {
    layers: [
      { type: 'Dense', width: 3, W_std: 1, b_std: 0 },
      { type: 'FanOut', n: 2 },
      {
        type: 'parallel',
        layers: [
          { type: 'serial', layers: [{ type: 'Relu' }, { type: 'Dense', width: 3 }] },
          { type: 'Identity' },
        ],
      },
      { type: 'FanInSum' },
      { type: 'Dense', width: 2 },
    ],
  };
  const m = withHiddenWidth(modelFromJson(json), 64);
  const widths: number[] = [];
  const walk = (l: Layer): void => {
    if (l.type === 'Dense') widths.push(l.config.width as number);
    l.children.forEach(walk);
  };
  walk(m.net);
  assert.deepEqual(widths, [64, 64, 2]);
  assert.equal((json.layers[0] as { width: number }).width, 3, 'the original JSON is not modified');
});

test('model errors name the JSON path', () => {
  assert.throws(
    () => modelFromJson({ layers: [{ type: 'Dense', width: 4 }, { type: 'Rleu' }] }),
    /layers\[1\]\.type: unknown layer type 'Rleu'; known types: Dense, .*Relu/,
  );
  assert.throws(
    () => modelFromJson({ layers: [{ type: 'Dense', W_std: 1 }] }),
    /layers\[0\]\.width: is required/,
  );
  assert.throws(
    () =>
      modelFromJson({
        layers: [{ type: 'Dense', width: 4 }, { type: 'Relu' }, { type: 'Dense', width: 1, W_std: -1.5 }],
      }),
    /layers\[2\]\.W_std: /,
  );
  assert.throws(
    () => modelFromJson({ layers: [{ type: 'serial', layers: [{ type: 'Dense', width: 2, b_std: -1 }] }] }),
    /layers\[0\]\.layers\[0\]\.b_std: /,
  );
  assert.throws(
    () => modelFromJson({ layers: [{ type: 'Dense', width: 2, widht: 3 }] }),
    /layers\[0\]: Unrecognized key: "widht"/,
  );
  assert.throws(
    () => modelFromJson({ parameterization: 'foo', layers: [{ type: 'Relu' }] }),
    /model\.parameterization/,
  );
  assert.throws(() => modelFromJson({ layers: [] }), /model\.layers/);
  assert.throws(
    () => layerFromConfig(Elementwise({ fn: Math.cos, dfn: (x) => -Math.sin(x) }).config),
    /layer\.fn/,
  );
});
