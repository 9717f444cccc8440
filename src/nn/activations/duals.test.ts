import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erf } from '../../special/erf.js';
import { normalCdf, normalPdf } from '../../special/normal.js';
import { Identity } from '../identity.js';
import type { Kernel, Layer } from '../types.js';
import { Abs, ABRelu, LeakyRelu, Relu } from './abRelu.js';
import { Elementwise } from './elementwise.js';
import { Erf } from './erf.js';
import { Gelu } from './gelu.js';
import { Cos, Rbf, Sin } from './sin.js';

/**
 * Closed-form duals against the numerical (quadrature) dual of the same φ, on a grid of (q1, q2, ρ)
 * including ρ = ±1 and near-degenerate correlations. Bound: ≤ 1e-6 relative; measured much smaller.
 */

const Q = [0.3, 1, 2.5];
const RHO = [-1, -0.999999, -0.6, 0, 0.37, 0.9, 0.99999, 1];

/** A Gaussian record of n1 = |grid| single entries against one x2 of variance q2 (per grid point). */
function grid(): { rec: Kernel; n: number } {
  const s: number[] = [];
  const v1: number[] = [];
  const v2: number[] = [];
  for (const q1 of Q)
    for (const q2 of Q)
      for (const r of RHO) {
        s.push(r * Math.sqrt(q1 * q2));
        v1.push(q1);
        v2.push(q2);
      }
  const n = s.length;
  // diagonal spatial layout with P = n positions: entry a pairs var1[a] with var2[a].
  const rec: Kernel = {
    nngp: Float64Array.from(s),
    ntk: new Float64Array(n).fill(1),
    var1: Float64Array.from(v1),
    var2: Float64Array.from(v2),
    n1: 1,
    n2: 1,
    symmetric: false,
    spatial: [n],
    diagonalSpatial: true,
    channels: 1,
    isGaussian: true,
  };
  return { rec, n };
}

function compare(name: string, a: Layer, b: Layer, tol: number): number {
  const { rec } = grid();
  const ka = a.kernel(rec) as Kernel;
  const kb = b.kernel(rec) as Kernel;
  let worst = 0;
  const check = (x: Float64Array, y: Float64Array, what: string): void => {
    for (let i = 0; i < x.length; i++) {
      const err = Math.abs(x[i] - y[i]) / Math.max(Math.abs(y[i]), 1e-3);
      worst = Math.max(worst, err);
      assert.ok(err <= tol, `${name} ${what}[${i}]: ${x[i]} vs ${y[i]} (rel ${err})`);
    }
  };
  check(ka.nngp, kb.nngp, 'Σ');
  check(ka.ntk!, kb.ntk!, 'Σ̇');
  check(ka.var1, kb.var1, 'var');
  return worst;
}

/** Piecewise Gauss–Legendre (kinked φ): measured ≤ 4e-12. Tensor Gauss–Hermite, 64 nodes (default): see TOL_GH. */
const TOL = 1e-9;
// Tensor GH, 64 nodes: measured Sin/Cos/Rbf ≤ 1e-13, Erf ≤ 6e-10, Gelu ≤ 3e-7 (relative, 1e-3 floor);
// the bound is 1e-6.
const TOL_GH = 1e-6;

test('Relu closed form = piecewise Gauss–Legendre quadrature with breakpoint 0', () => {
  compare(
    'Relu',
    Relu(),
    Elementwise({ fn: (x) => Math.max(x, 0), dfn: (x) => (x > 0 ? 1 : 0), breakpoints: [0] }),
    TOL,
  );
  compare(
    'ABRelu',
    ABRelu({ a: -0.3, b: 1.2 }),
    Elementwise({
      fn: (x) => (x > 0 ? 1.2 * x : -0.3 * x),
      dfn: (x) => (x > 0 ? 1.2 : -0.3),
      breakpoints: [0],
    }),
    TOL,
  );
});

test('Erf, Gelu, Sin, Cos, Rbf closed forms = Gauss–Hermite quadrature', () => {
  const [a, b, c] = [1.3, 0.7, 0.2];
  compare(
    'Erf',
    Erf({ a, b, c }),
    Elementwise({
      fn: (x) => a * erf(b * x) + c,
      dfn: (x) => ((a * b * 2) / Math.sqrt(Math.PI)) * Math.exp(-b * b * x * x),
    }),
    TOL_GH,
  );
  compare(
    'Gelu',
    Gelu(),
    Elementwise({ fn: (x) => x * normalCdf(x), dfn: (x) => normalCdf(x) + x * normalPdf(x) }),
    TOL_GH,
  );
  compare(
    'Sin',
    Sin({ a: 0.8, b: 1.1, c: 0.4 }),
    Elementwise({
      fn: (x) => 0.8 * Math.sin(1.1 * x + 0.4),
      dfn: (x) => 0.88 * Math.cos(1.1 * x + 0.4),
      nodes: 64,
    }),
    TOL,
  );
  compare(
    'Cos',
    Cos({ a: 0.8, b: 1.1, c: 0.4 }),
    Elementwise({
      fn: (x) => 0.8 * Math.cos(1.1 * x + 0.4),
      dfn: (x) => -0.88 * Math.sin(1.1 * x + 0.4),
      nodes: 64,
    }),
    TOL,
  );
  const g = 0.6;
  const w = Math.sqrt(2 * g);
  compare(
    'Rbf',
    Rbf({ gamma: g }),
    Elementwise({
      fn: (x) => Math.SQRT2 * Math.sin(w * x + Math.PI / 4),
      dfn: (x) => Math.SQRT2 * w * Math.cos(w * x + Math.PI / 4),
      nodes: 64,
    }),
    TOL,
  );
});

test('Gelu also agrees with the piecewise quadrature (an independent second rule)', () => {
  compare('Gelu/GL', Gelu(), Elementwise({ fn: 'gelu', breakpoints: [] }), TOL);
});

test('identities: ABRelu(0,1) = Relu; LeakyRelu(α) = ABRelu(α,1); Abs = ABRelu(−1,1); ABRelu(a,a) = a·Identity', () => {
  compare('ABRelu(0,1)', ABRelu({ a: 0, b: 1 }), Relu(), 1e-14);
  compare('LeakyRelu', LeakyRelu({ alpha: 0.2 }), ABRelu({ a: 0.2, b: 1 }), 0);
  compare('Abs', Abs(), ABRelu({ a: -1, b: 1 }), 0);
  // ABRelu(a, a) is φ(x) = a·x: Σ' = a²Σ, Σ̇ = a², var' = a²·q — the Identity map scaled by a² (= Dense W_std = a, no bias, on Σ).
  const a = 1.7;
  const { rec } = grid();
  const k = ABRelu({ a, b: a }).kernel(rec) as Kernel;
  const id = Identity().kernel(rec) as Kernel;
  for (let i = 0; i < k.nngp.length; i++) {
    assert.ok(Math.abs(k.nngp[i] - a * a * id.nngp[i]) < 1e-13 * Math.max(1, Math.abs(id.nngp[i])), `Σ ${i}`);
    assert.ok(Math.abs(k.ntk![i] - a * a * id.ntk![i]) < 1e-13, `Θ ${i}`);
  }
});

test('a nonlinearity on a non-Gaussian record is an error', () => {
  const { rec } = grid();
  assert.throws(
    () => Relu().kernel({ ...rec, isGaussian: false }),
    /Relu: the input kernel is not Gaussian — a nonlinearity must be preceded by an affine layer/,
  );
});
