import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DualMap } from '../kernelRecord.js';
import type { EntrywiseLayer } from '../entrywise.js';
import { Elementwise } from './elementwise.js';
import { Exp, ExpNormalized } from './exp.js';
import { Gabor } from './gabor.js';
import { Gaussian } from './gaussian.js';
import { Hermite } from './hermite.js';
import { Monomial, Polynomial } from './polynomial.js';
import { RectifiedMonomial } from './rectifiedMonomial.js';
import { Sign } from './sign.js';
import { SigmoidLike } from './sigmoidLike.js';
import { erf } from '../../special/erf.js';

/**
 * The closed-form duals of the activations of neural-tangents' catalogue against a second route: the
 * quadrature dual of the same φ (`Elementwise`: tensor Gauss–Hermite for smooth φ, piecewise Gauss–Legendre cut
 * at 0 for the kinked ones) on a grid of variances and correlations; Hermite against ρᵏ.
 */
const Q = [0.3, 1, 1.7];
const RHO = [-0.95, -0.5, 0, 0.3, 0.8, 0.99];

function dualOf(layer: EntrywiseLayer): DualMap {
  const pe = layer.entrywise.perEntry;
  assert.ok(pe !== undefined && 'dual' in pe, `${layer.type} has a per-entry dual`);
  return pe.dual;
}

function compare(name: string, a: EntrywiseLayer, b: EntrywiseLayer, tol: number, qs = Q): void {
  const da = dualOf(a);
  const db = dualOf(b);
  const oa = new Float64Array(2);
  const ob = new Float64Array(2);
  for (const q1 of qs)
    for (const q2 of qs)
      for (const r of RHO) {
        const s = r * Math.sqrt(q1 * q2);
        da(s, q1, q2, oa);
        db(s, q1, q2, ob);
        for (let i = 0; i < 2; i++) {
          const err = Math.abs(oa[i] - ob[i]) / Math.max(Math.abs(ob[i]), 1e-3);
          assert.ok(
            err <= tol,
            `${name} ${i === 0 ? "Σ'" : 'Σ̇'}(${s}, ${q1}, ${q2}): ${oa[i]} vs ${ob[i]} (rel ${err})`,
          );
        }
      }
}

const quad = (fn: (x: number) => number, dfn: (x: number) => number, kink = false): EntrywiseLayer =>
  Elementwise({ fn, dfn, ...(kink ? { breakpoints: [0] } : { nodes: 120 }) });

// smooth φ (polynomials, Exp, Gaussian, Gabor, Sigmoid_like): tensor Gauss–Hermite, 120 nodes; kinked φ
// (RectifiedMonomial, Sign): piecewise Gauss–Legendre at the breakpoint 0. Bound 1e-8 relative (1e-3 floor).
const TOL = 1e-8;

test('Monomial(k) and Polynomial closed forms = quadrature of the same φ to 1e-8', () => {
  for (let k = 0; k <= 5; k++)
    compare(
      `Monomial(${k})`,
      Monomial({ degree: k }),
      quad(
        (x) => x ** k,
        (x) => (k === 0 ? 0 : k * x ** (k - 1)),
      ),
      TOL,
    );
  const c = [0.1, 1, -0.5, 0.2, 0.05];
  compare(
    'Polynomial',
    Polynomial({ coef: c }),
    quad(
      (x) => c[0] + c[1] * x + c[2] * x ** 2 + c[3] * x ** 3 + c[4] * x ** 4,
      (x) => c[1] + 2 * c[2] * x + 3 * c[3] * x ** 2 + 4 * c[4] * x ** 3,
    ),
    TOL,
  );
});

test('Exp, Gaussian, Gabor, Sigmoid_like closed forms = Gauss–Hermite quadrature to 1e-8', () => {
  compare(
    'Exp',
    Exp({ a: 0.8, b: 0.6 }),
    quad(
      (x) => 0.8 * Math.exp(0.6 * x),
      (x) => 0.48 * Math.exp(0.6 * x),
    ),
    TOL,
  );
  compare(
    'Gaussian',
    Gaussian({ a: 1.5, b: -0.7 }),
    quad(
      (x) => 1.5 * Math.exp(-0.7 * x * x),
      (x) => -2.1 * x * Math.exp(-0.7 * x * x),
    ),
    TOL,
  );
  const [a, b, w, psi] = [1.2, 0.3, 1.5, 0.4];
  compare(
    'Gabor',
    Gabor({ a, b, omega: w, phase: psi }),
    quad(
      (x) => a * Math.exp(-b * x * x) * Math.sin(w * x + psi),
      (x) => a * Math.exp(-b * x * x) * (-2 * b * x * Math.sin(w * x + psi) + w * Math.cos(w * x + psi)),
    ),
    TOL,
  );
  // the defaults are neural-tangents' stax.Gabor: e^{−x²}·sin(x)
  compare(
    'Gabor()',
    Gabor(),
    quad(
      (x) => Math.exp(-x * x) * Math.sin(x),
      (x) => Math.exp(-x * x) * (-2 * x * Math.sin(x) + Math.cos(x)),
    ),
    TOL,
  );
  const bw = 1 / 2.4020563531719796;
  compare(
    'Sigmoid_like',
    SigmoidLike(),
    quad(
      (x) => 0.5 * erf(bw * x) + 0.5,
      (x) => 0.5 * bw * (2 / Math.sqrt(Math.PI)) * Math.exp(-bw * bw * x * x),
    ),
    TOL,
  );
});

test('RectifiedMonomial(k) and Sign closed forms = piecewise Gauss–Legendre quadrature (kink at 0) to 1e-8', () => {
  for (let k = 0; k <= 4; k++)
    compare(
      `RectifiedMonomial(${k})`,
      RectifiedMonomial({ degree: k }),
      quad(
        (x) => (x >= 0 ? x ** k : 0),
        (x) => (k === 0 || x <= 0 ? 0 : k * x ** (k - 1)),
        true,
      ),
      TOL,
    );
  compare(
    'Sign',
    Sign(),
    quad(
      (x) => Math.sign(x),
      () => 0,
      true,
    ),
    TOL,
  );
});

test("Hermite(k) on unit-variance inputs: Σ' = ρᵏ and Σ̇ = k·ρ^{k−1}, equal to quadrature of He_k/√k!; other variances refused", () => {
  const he = [
    () => 1,
    (x: number) => x,
    (x: number) => x * x - 1,
    (x: number) => x ** 3 - 3 * x,
    (x: number) => x ** 4 - 6 * x * x + 3,
  ];
  const dhe = [
    () => 0,
    () => 1,
    (x: number) => 2 * x,
    (x: number) => 3 * x * x - 3,
    (x: number) => 4 * x ** 3 - 12 * x,
  ];
  const fact = [1, 1, 2, 6, 24];
  const out = new Float64Array(2);
  for (let k = 0; k <= 4; k++) {
    const layer = Hermite({ degree: k });
    const d = dualOf(layer);
    for (const r of RHO) {
      d(r, 1, 1, out);
      assert.ok(Math.abs(out[0] - r ** k) <= 1e-15, `Hermite(${k}) Σ'(${r}) = ${out[0]}`);
      assert.ok(
        Math.abs(out[1] - (k === 0 ? 0 : k * r ** (k - 1))) <= 1e-14,
        `Hermite(${k}) Σ̇(${r}) = ${out[1]}`,
      );
    }
    const n = Math.sqrt(fact[k]);
    compare(
      `Hermite(${k})`,
      layer,
      quad(
        (x) => he[k](x) / n,
        (x) => dhe[k](x) / n,
      ),
      TOL,
      [1],
    );
    assert.throws(() => d(0.2, 1.3, 1, out), /Hermite: .*unit-variance/);
  }
});

test('ExpNormalized on unit variances = Exp(e^{γ(shift−1)/2}, √γ), and it is homogeneous of degree 1', () => {
  const [gamma, shift] = [1.5, -0.4];
  const en = dualOf(ExpNormalized({ gamma, shift }));
  const ex = dualOf(Exp({ a: Math.exp((gamma * (shift - 1)) / 2), b: Math.sqrt(gamma) }));
  const o1 = new Float64Array(2);
  const o2 = new Float64Array(2);
  for (const r of RHO) {
    en(r, 1, 1, o1);
    ex(r, 1, 1, o2);
    assert.ok(Math.abs(o1[0] - o2[0]) <= 1e-14 * o2[0] && Math.abs(o1[1] - o2[1]) <= 1e-14 * o2[1]);
    en(r * 2 * 0.5, 2, 0.5, o2); // √(q1·q2) = 1, same ρ
    assert.ok(Math.abs(o1[0] - o2[0]) <= 1e-14 * o1[0]);
  }
  assert.throws(
    () => ExpNormalized().forward({}, { shape: [1, 1], data: new Float64Array(1) }),
    /no finite-width/,
  );
});

test('Gaussian with b > 0 and Gabor with b < 0 refuse variances where E[φ(u)φ(v)] is infinite', () => {
  const out = new Float64Array(2);
  assert.throws(() => dualOf(Gaussian({ b: 0.5 }))(0.1, 1, 1, out), /Gaussian: .*infinite/);
  assert.throws(() => dualOf(Gabor({ b: -0.5 }))(0.1, 1, 1, out), /Gabor: .*infinite/);
});
