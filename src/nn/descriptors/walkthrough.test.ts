import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelFn } from '../../kernels/kernelFn.js';
import { compileFused } from '../../kernels/fused.js';
import { PRNGKey } from '../../random/keys.js';
import { normal } from '../../random/normal.js';
import { descriptorProblems } from '../descriptorCheck.testutil.js';
import { modelFromJson } from '../model.js';
import { registerLayerType } from '../registry.js';
import { Square, squareType } from './square.testutil.js';

/**
 * docs/architecture.md, "Adding an activation": the one new file (./square.testutil.ts) plus one line (here the
 * registration a line in src/nn/layerTypes.ts would make) give a layer that model files, the registry check,
 * the fused kernel path and the record path all accept, with the closed-form kernel.
 */
registerLayerType(squareType);

test('a layer type added as one file: model file, registry check, fused and record kernels', () => {
  assert.deepEqual(descriptorProblems(squareType), []);
  const model = modelFromJson({
    layers: [
      { type: 'Dense', width: 8, W_std: 1.2, b_std: 0.3 },
      { type: 'Square' },
      { type: 'Dense', width: 1, W_std: 0.7, b_std: 0.1 },
    ],
  });
  const d = 4;
  const n = 5;
  const x = { shape: [n, d], data: normal(PRNGKey(3), n * d) };
  const p = compileFused(model.net, d);
  assert.ok(p !== null && p.interp !== null, 'the fused per-entry interpreter runs the new layer');
  const r = kernelFn(model.net, x, null, { threads: 1 });
  // by hand (docs/conventions.md §1): Σ¹ = 1.44·Σ⁰ + 0.09, Σ² = q1·q2 + 2(Σ¹)², Θ² = 4Σ¹·Σ¹; Σ³ = 0.49·Σ² + 0.01, Θ³ = Σ³ + 0.49·Θ²
  const s0 = (i: number, j: number): number => {
    let s = 0;
    for (let c = 0; c < d; c++) s += x.data[i * d + c] * x.data[j * d + c];
    return s / d;
  };
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const s1 = 1.44 * s0(i, j) + 0.09;
      const q1 = 1.44 * s0(i, i) + 0.09;
      const q2 = 1.44 * s0(j, j) + 0.09;
      const s2 = q1 * q2 + 2 * s1 * s1;
      const t2 = 4 * s1 * s1;
      const s3 = 0.49 * s2 + 0.01;
      const t3 = s3 + 0.49 * t2;
      assert.ok(Math.abs(r.nngp!.get(i, j) - s3) <= 1e-12 * Math.abs(s3), `Σ[${i},${j}]`);
      assert.ok(Math.abs(r.ntk!.get(i, j) - t3) <= 1e-12 * Math.abs(t3), `Θ[${i},${j}]`);
    }
  // the record path (any architecture) gives the same numbers through the layer's kernel map
  const lone = modelFromJson({ layers: [{ type: 'Dense', width: 3 }, { type: 'Square' }] });
  const k = kernelFn(lone.net, x, x, { threads: 1 });
  const q = (i: number): number => s0(i, i);
  assert.ok(Math.abs(k.nngp!.get(0, 1) - (q(0) * q(1) + 2 * s0(0, 1) ** 2)) <= 1e-12);
  assert.equal(Square().type, 'Square');
});
