import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelFromJson } from '../nn/model.js';
import { networkDotProduct, preciseLayersOfModel, requireDotProductModel } from './dotProduct.js';
import { fixedContext, fromNumber, toNumber } from './precise/fixed.js';
import { preciseStackKernel } from './precise/stack.js';

const dense = (W: number, b: number | null) => ({ type: 'Dense', width: 64, W_std: W, b_std: b });

test('the high-precision recursion agrees with the float64 kernel maps of src/nn (independent implementations)', () => {
  const acts = [
    { type: 'Relu' },
    { type: 'LeakyRelu', alpha: 0.2 },
    { type: 'Abs' },
    { type: 'ABRelu', a: -0.5, b: 1.5 },
    { type: 'Erf', a: 1.2, b: 0.7, c: 0.1 },
  ];
  const t = new Float64Array([-1, -0.6, -0.1, 0, 0.35, 0.9, 0.999, 1]);
  const c = fixedContext(160);
  for (const act of acts) {
    const model = modelFromJson({ layers: [dense(1.3, 0.2), act, dense(0.9, null), act, dense(1.1, 0.3)] });
    const { layers, reason } = preciseLayersOfModel(model);
    assert.equal(reason, null);
    for (const part of ['nngp', 'ntk'] as const) {
      const f64 = networkDotProduct(model.net, part, 5)(t);
      const pr = preciseStackKernel(
        c,
        layers!,
        Array.from(t, (v) => fromNumber(c, v)),
        c.one,
      )[part];
      for (let i = 0; i < t.length; i++) {
        const p = toNumber(c, pr[i]);
        assert.ok(
          Math.abs(p - f64[i]) <= 1e-12 * (1 + Math.abs(p)),
          `${act.type} ${part} t=${t[i]}: precise ${p} vs nn ${f64[i]}`,
        );
      }
    }
  }
});

test('inputs of norm² r²·d: Φ is evaluated at Σ⁰ = t·r² (a linear network gives W²·r²·t)', () => {
  const model = modelFromJson({ layers: [dense(1.5, null)] });
  const v = networkDotProduct(model.net, 'nngp', 3, 2)(new Float64Array([0.5, -1]));
  assert.ok(Math.abs(v[0] - 2.25 * 2 * 0.5) < 1e-15 && Math.abs(v[1] + 2.25 * 2) < 1e-15);
});

test("'standard' parameterization: the NTK uses n_in = dim (Θ = n_in·Σ⁰ + 1 for one Dense with bias)", () => {
  const model = modelFromJson({ parameterization: 'standard', layers: [dense(1.5, 0.5)] });
  const v = networkDotProduct(model.net, 'ntk', 7)(new Float64Array([0.25]));
  assert.ok(Math.abs(v[0] - (7 * 0.25 + 1)) < 1e-14, `${v[0]}`);
});

test('not a dot-product kernel / unsupported layers: clear errors', () => {
  assert.throws(
    () => requireDotProductModel(modelFromJson({ inputShape: [8, 8, 1], layers: [dense(1, null)] })),
    /not a dot-product kernel: the model's inputShape is \[8, 8, 1\]/,
  );
  const g = preciseLayersOfModel(
    modelFromJson({ layers: [dense(1, 0.1), { type: 'Gelu' }, dense(1, null)] }),
  );
  assert.equal(g.layers, null);
  assert.match(g.reason!, /'Gelu' has no high-precision kernel map/);
  assert.throws(
    () =>
      networkDotProduct(modelFromJson({ layers: [dense(1, null)] }).net, 'ntk', 3)(new Float64Array([1.5])),
    /outside \[−1, 1\]/,
  );
  assert.throws(
    () => preciseStackKernel(fixedContext(64), [{ type: 'ABRelu', a: 0, b: 1 }], [0n], 1n << 64n),
    /must follow a Dense layer/,
  );
});
