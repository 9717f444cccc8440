import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey } from '../random/keys.js';
import { uniform } from '../random/uniform.js';
import { Abs, ABRelu, LeakyRelu, Relu } from '../nn/activations/abRelu.js';
import { Erf } from '../nn/activations/erf.js';
import { serial } from '../nn/combinators/serial.js';
import { Dense } from '../nn/dense.js';
import type { EntrywiseLayer } from '../nn/entrywise.js';
import { compileFused, fusedTile, fusedVariances, tileScratch } from './fused.js';

/**
 * The fused interpreter writes the closed-form duals of Relu, ABRelu and Erf inline (and Relu four entries at a
 * time); this checks them bit for bit against each activation's one `dual` (src/nn/activations/), on
 * correlations across [−1, 1], at ±1 exactly, past ±1 (rounding) and with zero variances.
 */
function grid(seed: number, n: number): { s: Float64Array; q1: Float64Array; q2: Float64Array } {
  const u = uniform(PRNGKey(seed), 3 * n);
  const q1 = new Float64Array(n);
  const q2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    q1[i] = i === 0 ? 0 : 10 ** (4 * u[i] - 2);
    q2[i] = i === 1 ? 0 : 10 ** (4 * u[n + i] - 2);
  }
  // s[i·n + j] at correlation ρ ∈ [−1.000001, 1.000001], with ±1 exactly on the diagonal ends
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const r = j === 2 ? 1 : j === 3 ? -1 : (2 * u[2 * n + ((i * 7 + j) % n)] - 1) * 1.000001;
      s[i * n + j] = r * Math.sqrt(q1[i] * q2[j]);
    }
  return { s, q1, q2 };
}

for (const [name, make] of [
  ['Relu', () => Relu()],
  ['ABRelu', () => ABRelu({ a: -0.3, b: 1.7 })],
  ['LeakyRelu', () => LeakyRelu({ alpha: 0.1 })],
  ['Abs', () => Abs()],
  ['Erf', () => Erf({ a: 1.3, b: 0.6, c: 0.2 })],
] as [string, () => EntrywiseLayer][]) {
  test(`the fused interpreter's inline ${name} dual is bit-identical to the layer's dual`, () => {
    const act = make();
    const pe = act.entrywise.perEntry;
    assert.ok(pe !== undefined && (pe.kind === 'abrelu' || pe.kind === 'erf'));
    const dual = pe.dual;
    // Dense(W_std = 1, no bias) passes Σ, q unchanged (1·s + 0 = s) and sets Θ = Σ
    const n = 11;
    const p = compileFused(serial(Dense({ width: 3, W_std: 1, b_std: null }), act), 3)!;
    assert.ok(p.interp !== null);
    const { s, q1, q2 } = grid(name.length, n);
    const nngp = s.slice();
    const ntk = new Float64Array(n * n);
    fusedTile(
      p,
      fusedVariances(p, q1),
      fusedVariances(p, q2),
      nngp,
      ntk,
      n,
      0,
      n,
      0,
      n,
      false,
      tileScratch(p, n),
    );
    const out = new Float64Array(2);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        dual(s[i * n + j], q1[i], q2[j], out);
        const e = i * n + j;
        const theta = s[e] + 0; // Θ after the Dense: Σ' + W²·0 (so −0 becomes +0)
        assert.ok(Object.is(nngp[e], out[0]), `Σ'[${i},${j}]: fused ${nngp[e]}, dual ${out[0]}`);
        assert.ok(
          Object.is(ntk[e], out[1] * theta),
          `Θ'[${i},${j}]: fused ${ntk[e]}, dual ${out[1] * theta}`,
        );
      }
  });
}
