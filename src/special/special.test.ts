import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erf, erfc } from './erf.js';
import { rootProduct } from './rootProduct.js';
import { normalCdf, normalPdf } from './normal.js';
import { gaussHermite, gaussHermiteNormal, gaussLegendre } from './gaussRule.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

// Reference values from CPython's math.erf / math.erfc (an independent implementation, C99 libm).
const ERF: [number, number, number][] = [
  [0.1, 0.1124629160182849, 0.8875370839817152],
  [0.5, 0.5204998778130465, 0.4795001221869535],
  [1, 0.8427007929497149, 0.15729920705028513],
  [1.9, 0.9927904292352575, 0.0072095707647425325],
  [2, 0.9953222650189527, 0.004677734981047265],
  [2.5, 0.999593047982555, 0.0004069520174449589],
  [3, 0.9999779095030014, 2.2090496998585438e-5],
  [-0.7, -0.6778011938374184, 1.6778011938374184],
  [4, 0.9999999845827421, 1.541725790028002e-8],
  [6, 1.0, 2.1519736712498916e-17],
];

test('erf and erfc match libm to a few ulp, erfc keeps relative accuracy in the tail', () => {
  for (const [x, e, ec] of ERF) {
    assert.ok(rel(erf(x), e) < 4e-16, `erf(${x}) = ${erf(x)} vs ${e}`);
    assert.ok(rel(erfc(x), ec) < 1e-14, `erfc(${x}) = ${erfc(x)} vs ${ec}`);
  }
  for (const [x, ec] of [
    [5, 1.5374597944280351e-12],
    [10, 2.088487583762545e-45],
    [20, 5.3958656116079005e-176],
    [26, 5.663192408856143e-296],
  ]) {
    assert.ok(rel(erfc(x), ec) < 1e-13, `erfc(${x}) = ${erfc(x)} vs ${ec}`);
  }
  assert.equal(erf(0), 0);
  assert.throws(() => erf(NaN), /erf: x must be a number/);
});

test('normal pdf/cdf: symmetry, Φ(0) = 1/2, Φ(1.96) and the tail', () => {
  assert.equal(normalCdf(0), 0.5);
  assert.ok(Math.abs(normalCdf(1.96) - 0.9750021048517795) < 1e-15);
  assert.ok(rel(normalCdf(-10), 7.619853024160527e-24) < 1e-13);
  assert.ok(Math.abs(normalPdf(1) - Math.exp(-0.5) / Math.sqrt(2 * Math.PI)) < 1e-17);
});

test('Gauss–Hermite is exact for polynomials of degree < 2n (moments of e^{-x²})', () => {
  // ∫ x^{2k} e^{-x²} dx = Γ(k + 1/2) = √π·(2k−1)!!/2^k.
  for (const n of [1, 2, 5, 20, 48, 100]) {
    const { nodes, weights } = gaussHermite(n);
    let dfact = 1;
    for (let k = 0; 2 * k < 2 * n; k++) {
      if (k > 0) dfact *= 2 * k - 1;
      const exact = (Math.sqrt(Math.PI) * dfact) / 2 ** k;
      let s = 0;
      for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** (2 * k);
      assert.ok(rel(s, exact) < 1e-12 * Math.max(1, k), `n=${n} k=${k}: ${s} vs ${exact}`);
      let odd = 0;
      for (let i = 0; i < n; i++) odd += weights[i] * nodes[i] ** (2 * k + 1);
      assert.ok(Math.abs(odd) < 1e-12 * exact, `odd moment n=${n} k=${k}`);
    }
  }
  // Known nodes: n = 2 → ±1/√2; n = 3 → 0, ±√(3/2).
  assert.ok(Math.abs(gaussHermite(2).nodes[1] - Math.SQRT1_2) < 1e-15);
  assert.ok(Math.abs(gaussHermite(3).nodes[2] - Math.sqrt(1.5)) < 1e-15);
  const z = gaussHermiteNormal(30);
  let ez4 = 0;
  for (let i = 0; i < 30; i++) ez4 += z.weights[i] * z.nodes[i] ** 4;
  assert.ok(Math.abs(ez4 - 3) < 1e-12, 'E[Z⁴] = 3');
});

test('Gauss–Legendre is exact for polynomials of degree < 2n on [−1, 1]', () => {
  for (const n of [1, 3, 8, 24, 64]) {
    const { nodes, weights } = gaussLegendre(n);
    for (let k = 0; k < 2 * n; k += 2) {
      let s = 0;
      for (let i = 0; i < n; i++) s += weights[i] * nodes[i] ** k;
      assert.ok(Math.abs(s - 2 / (k + 1)) < 1e-13, `n=${n} k=${k}`);
    }
  }
  assert.ok(Math.abs(gaussLegendre(2).nodes[1] - 1 / Math.sqrt(3)) < 1e-15);
  assert.throws(() => gaussLegendre(0), /n \(number of nodes\) must be an integer in \[1, 400\]/);
});

test('rootProduct: √(a·b) bit for bit in range, √a·√b where the product overflows or underflows', () => {
  for (const [a, b] of [
    [2, 3],
    [0.5, 1e-3],
    [7.25, 7.25],
  ])
    assert.equal(rootProduct(a, b), Math.sqrt(a * b));
  assert.equal(rootProduct(2 ** 1000, 2 ** 1002), 2 ** 1001);
  assert.ok(rel(rootProduct(1e300, 3e300), Math.sqrt(3) * 1e300) < 4e-16);
  assert.equal(rootProduct(2 ** -600, 2 ** -602), 2 ** -601);
  assert.equal(rootProduct(0, 1e300), 0);
});
