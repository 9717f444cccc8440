// arccos of two float64 lanes by the method of Sun Microsystems' fdlibm (e_acos.c, 1993): acos x = π/2 − asin x,
// with asin t = t + t·t²·R(t²) for |t| ≤ 1/2 and z·R(z) = P(z)/Q(z) the published minimax rational approximation
// (coefficients pS0..pS5, qS1..qS4), here with P and Q by Estrin's scheme (two short dependency chains instead of
// Horner's long ones), and at and above 1/2 with one division instead of fdlibm's two (src/special/arccos.ts, whose
// operations these are). The three ranges, computed lane-wise and joined by selects:
//   |x| < 1/2:  acos x = π/2 − (x + x·z·R(z)),                  z = x²;
//   x ≤ −1/2:   acos x = π − 2·asin √z = π − 2(s + s·z·R(z)),    z = (1 − |x|)/2, s = √z;
//   x ≥ 1/2:    acos x = 2·asin √z = 2(s + s·z·R(z)),            z = (1 − x)/2, s = √z (fdlibm refines s by a
//               second division; without it the error is that of s, ≤ 2 ulp).
// π/2 and π are split into a head and a tail (pio2_hi + pio2_lo) so that the tail enters the last sums. The
// operations are those of the scalar arccos in the same order, with separate multiplies and adds (no fused
// multiply–add), so each lane is src/special/arccos.ts's arccos bit for bit (src/linalg/wasm/acos.test.ts checks
// it, and the distance to Math.acos).

import { splatAt } from './simd';

/** The constants, splat from memory (./simd.ts, splatAt). */
const K = memory.data<f64>([
  1, // 0
  0.5, // 1
  2, // 2
  1.5707963267948965580e0, // 3: pio2_hi, 0x3FF921FB54442D18
  6.12323399573676603587e-17, // 4: pio2_lo, 0x3C91A62633145C07
  3.1415926535897931160e0, // 5: pi, 0x400921FB54442D18
  1.66666666666666657415e-1, // 6: pS0
  -3.25565818622400915405e-1, // 7: pS1
  2.01212532134862925881e-1, // 8: pS2
  -4.00555345006794114027e-2, // 9: pS3
  7.91534994289814532176e-4, // 10: pS4
  3.47933107596021167570e-5, // 11: pS5
  -2.40339491173441421878e0, // 12: qS1
  2.02094576023350569471e0, // 13: qS2
  -6.88283971605453293030e-1, // 14: qS3
  7.70381505559019352791e-2, // 15: qS4
]);
// prettier-ignore
@inline function k(i: i32): v128 {
  return splatAt(K, i);
}

/**
 * r = z·R(z) = P(z)/Q(z), the rational part of asin on [0, 1/4], with P and Q by Estrin's scheme (src/special/arccos.ts):
 * P(z) = z·((pS0 + z·pS1) + z²·((pS2 + z·pS3) + z²·(pS4 + z·pS5))), Q(z) = (1 + z·qS1) + z²·((qS2 + z·qS3) + z²·qS4).
 */
// prettier-ignore
@inline function ratio(z: v128): v128 {
  const z2 = f64x2.mul(z, z);
  const a = f64x2.add(k(6), f64x2.mul(z, k(7)));
  const b = f64x2.add(k(8), f64x2.mul(z, k(9)));
  const c = f64x2.add(k(10), f64x2.mul(z, k(11)));
  const p = f64x2.mul(z, f64x2.add(a, f64x2.mul(z2, f64x2.add(b, f64x2.mul(z2, c)))));
  const e = f64x2.add(k(0), f64x2.mul(z, k(12)));
  const g = f64x2.add(k(13), f64x2.mul(z, k(14)));
  const q = f64x2.add(e, f64x2.mul(z2, f64x2.add(g, f64x2.mul(z2, k(15)))));
  return f64x2.div(p, q);
}

/** x ≥ 1/2: 2·(s + r·s) (acos 1 = 0 exactly: z = 0 makes r = 0/1). */
// prettier-ignore
@inline function upper(r: v128, s: v128): v128 {
  return f64x2.mul(k(2), f64x2.add(s, f64x2.mul(r, s)));
}

/** acos of each lane of x (NaN outside [−1, 1] and for NaN). */
// prettier-ignore
@inline export function acos2(x: v128): v128 {
  const half = k(1);
  if (!v128.any_true(f64x2.lt(x, half))) {
    // both lanes in the upper range (the common case in deep ReLU networks, whose correlations tend to 1)
    const z = f64x2.mul(f64x2.sub(k(0), x), half);
    return upper(ratio(z), f64x2.sqrt(z));
  }
  const ax = f64x2.abs(x);
  const central = f64x2.lt(ax, half);
  const z = v128.bitselect(f64x2.mul(x, x), f64x2.mul(f64x2.sub(k(0), ax), half), central);
  const r = ratio(z);
  const s = f64x2.sqrt(z);
  const lo = k(4);
  // |x| < 1/2: π/2 − (x − (pio2_lo − x·r))
  const mid = f64x2.sub(k(3), f64x2.sub(x, f64x2.sub(lo, f64x2.mul(x, r))));
  // x ≤ −1/2: π − 2·(s + (r·s − pio2_lo))
  const neg = f64x2.sub(k(5), f64x2.mul(k(2), f64x2.add(s, f64x2.sub(f64x2.mul(r, s), lo))));
  const outer = v128.bitselect(neg, upper(r, s), f64x2.lt(x, f64x2.splat(0)));
  return v128.bitselect(mid, outer, central);
}

/** y[i] = acos x[i] for i < n by acos2, two at a time (for odd n the last lane reads one past x's end). */
export function acosArray(n: i32, x: usize, y: usize): void {
  for (let i = 0; i < n; i += 2) {
    const a = acos2(v128.load(x + ((<usize>i) << 3)));
    store<f64>(y + ((<usize>i) << 3), f64x2.extract_lane(a, 0));
    if (i + 1 < n) store<f64>(y + ((<usize>(i + 1)) << 3), f64x2.extract_lane(a, 1));
  }
}
