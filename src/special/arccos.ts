// fdlibm's rational approximation of asin on [0, 1/2] (Sun Microsystems, e_asin.c / e_acos.c, 1993):
// asin t = t + t·R(t²), R(z) = P(z)/Q(z) with these published minimax coefficients.
const pS0 = 1.66666666666666657415e-1;
const pS1 = -3.25565818622400915405e-1;
const pS2 = 2.01212532134862925881e-1;
const pS3 = -4.00555345006794114027e-2;
const pS4 = 7.91534994289814532176e-4;
const pS5 = 3.4793310759602116757e-5;
const qS1 = -2.40339491173441421878;
const qS2 = 2.02094576023350569471;
const qS3 = -6.8828397160545329303e-1;
const qS4 = 7.70381505559019352791e-2;

/**
 * arccos x with one division where correlations of deep ReLU networks live (x ≥ 1/2): there
 * acos x = 2·asin √z with z = (1 − x)/2 ∈ [0, 1/4] exact, and asin s = s + s·z·R(z) by fdlibm's R. fdlibm
 * also splits √z into a head and a correction (a second division) to reach < 1 ulp; without it the error is
 * that of √z: ≤ 2 ulp (1 on 2·10⁶ samples; src/linalg/wasm/acos.test.ts checks the bound). Below 1/2, Math.acos. The f64x2 arccos of the
 * CNTK stencil (src/linalg/wasm/assembly/acos.ts) runs the same operations in the same order, so both give the
 * same bits.
 */
export function arccos(x: number): number {
  if (!(x >= 0.5)) return Math.acos(x);
  const z = (1 - x) * 0.5;
  const p = z * (pS0 + z * (pS1 + z * (pS2 + z * (pS3 + z * (pS4 + z * pS5)))));
  const q = 1 + z * (qS1 + z * (qS2 + z * (qS3 + z * qS4)));
  const s = Math.sqrt(z);
  return 2 * (s + (p / q) * s);
}
